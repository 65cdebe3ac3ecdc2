#include "core/file_io.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/temp_dir.h"

namespace img2cad::core {
namespace {
namespace fs = std::filesystem;

class FileIoTest : public ::testing::Test {
 protected:
  size_t CountEntries(const fs::path& d) {
    return std::distance(fs::directory_iterator(d), fs::directory_iterator());
  }
  TempDir tmp_{"file_io"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(FileIoTest, ReadMissingIsNotFound) {
  auto r = ReadFile((dir_ / "nope.json").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().ToString().find("nope.json"), std::string::npos);
  auto d = ReadFile(dir_.string());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kIo);
}

TEST_F(FileIoTest, AtomicWriteLeavesOnlyFinalFile) {
  const std::string p = (dir_ / "a.txt").string();
  ASSERT_TRUE(WriteFileAtomic(p, "hello").ok());
  EXPECT_EQ(ReadFile(p).value(), "hello");
  EXPECT_EQ(CountEntries(dir_), 1u);
}

TEST_F(FileIoTest, UncommittedOutputsVanishWithTheirDirectories) {
  const std::string out = (dir_ / "x" / "y").string();
  {
    AtomicOutputs o;
    ASSERT_TRUE(o.CreateDirectory(out).ok());
    std::string t = o.Stage(out + "/model.step");
    ASSERT_TRUE(WriteFileAtomic(t, "partial").ok());
    EXPECT_TRUE(fs::exists(t));
  }
  EXPECT_FALSE(fs::exists(dir_ / "x"));
  EXPECT_EQ(CountEntries(dir_), 0u);
}

TEST_F(FileIoTest, CommitRenamesEverything) {
  AtomicOutputs o;
  ASSERT_TRUE(o.CreateDirectory(dir_.string()).ok());
  for (const char* name : {"a", "b"}) {
    ASSERT_TRUE(WriteFileAtomic(o.Stage((dir_ / name).string()), name).ok());
  }
  ASSERT_TRUE(o.Commit().ok());
  EXPECT_EQ(ReadFile((dir_ / "b").string()).value(), "b");
  EXPECT_EQ(CountEntries(dir_), 2u);
}

TEST_F(FileIoTest, CommitFailsWhenAStagedFileWasNotWritten) {
  AtomicOutputs o;
  ASSERT_TRUE(WriteFileAtomic(o.Stage((dir_ / "a").string()), "a").ok());
  o.Stage((dir_ / "b").string());
  Status s = o.Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(dir_ / "a"));
}

TEST_F(FileIoTest, DirectoryOverFileIsAnError) {
  ASSERT_TRUE(WriteFileAtomic((dir_ / "f").string(), "").ok());
  AtomicOutputs o;
  EXPECT_EQ(o.CreateDirectory((dir_ / "f").string()).code(), StatusCode::kIo);
}

}  // namespace
}  // namespace img2cad::core
