#include "core/model_locator.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "core/temp_dir.h"

namespace img2cad::core {
namespace {

TEST(ModelLocatorTest, ExplicitRootWins) {
  TempDir dir("models");
  std::filesystem::create_directories(dir.path() / "structure");
  ASSERT_TRUE(WriteFileAtomic((dir.path() / "structure" / "model.json").string(), "{}").ok());
  SetModelsRoot(dir.path().string());
  auto found = FindModelFile("structure", "model.json");
  SetModelsRoot("");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(std::filesystem::path(*found).filename(), "model.json");
  EXPECT_NE(found->find("structure"), std::string::npos);
}

TEST(ModelLocatorTest, MissingModelNamesEveryPlaceSearched) {
  TempDir dir("models");
  SetModelsRoot(dir.path().string());
  auto found = FindModelFile("nothing", "weights.bin");
  SetModelsRoot("");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  EXPECT_NE(found.status().message().find("nothing/weights.bin"), std::string::npos);
  EXPECT_NE(found.status().message().find(dir.path().string()), std::string::npos);
}

TEST(ModelLocatorTest, SearchesBesideTheBinaryAndTheWorkingDirectory) {
  const auto roots = ModelRootCandidates();
  ASSERT_GE(roots.size(), 2u);
  EXPECT_EQ(roots.back(), "models");
}

}  // namespace
}  // namespace img2cad::core
