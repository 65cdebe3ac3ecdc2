#include "pipeline/synth_dataset.h"

#include "dataset/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "image/image.h"
#include "render/renderer.h"

namespace img2cad::pipeline {
namespace {
namespace fs = std::filesystem;

class DatasetTest : public ::testing::Test {
 protected:
  SynthOptions Options(const std::string& sub, int count, int threads) {
    SynthOptions o;
    o.category = "storage";
    o.count = count;
    o.first_seed = 7;
    o.out_dir = (dir_ / sub).string();
    o.image_size = 48;
    o.threads = threads;
    return o;
  }

  // A rendered picture (not one of its maps), by its path relative to the dataset folder.
  static bool IsPicture(const std::string& rel) {
    return rel.rfind("images/", 0) == 0 && rel.find(".mask.") == std::string::npos &&
           rel.find(".depth.") == std::string::npos && rel.find(".parts.") == std::string::npos;
  }

  // Every file under `d`, relative path -> bytes.
  std::map<std::string, std::string> Files(const fs::path& d) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(d)) {
      if (e.is_regular_file())
        out[fs::relative(e.path(), d).string()] = core::ReadFile(e.path().string()).value();
    }
    return out;
  }

  // Compares two datasets of the same samples file by file: a file that `may_differ` accepts is
  // counted when its bytes differ, every other file must be identical. Returns the count.
  int CountDiffering(const fs::path& a, const fs::path& b,
                     const std::function<bool(const std::string&)>& may_differ) {
    const auto fa = Files(a), fb = Files(b);
    EXPECT_EQ(fa.size(), fb.size());
    int differing = 0;
    for (const auto& [rel, bytes] : fa) {
      if (!fb.count(rel)) {
        ADD_FAILURE() << rel << " is missing from " << b;
      } else if (may_differ(rel)) {
        differing += fb.at(rel) != bytes;
      } else {
        EXPECT_EQ(fb.at(rel), bytes) << rel;
      }
    }
    return differing;
  }

  core::TempDir tmp_{"dataset"};
  const fs::path dir_ = tmp_.path();
};

TEST_F(DatasetTest, SameArgumentsGiveIdenticalFilesWhateverTheThreads) {
  auto a = WriteSynthDataset(Options("a", 6, 1));
  auto b = WriteSynthDataset(Options("b", 6, 2));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->written, 6);
  const auto fa = Files(dir_ / "a"), fb = Files(dir_ / "b");
  EXPECT_EQ(fa.size(), 13u);  // manifest + 6 programs + 6 images
  EXPECT_TRUE(fa == fb);
  const std::string manifest = fa.at("manifest.jsonl");
  EXPECT_NE(manifest.find("\"id\":\"storage_00000007\""), std::string::npos);
  EXPECT_LT(manifest.find("storage_00000007"), manifest.find("storage_00000012"));
  EXPECT_NE(manifest.find("\"split\":\"train\""), std::string::npos);
  EXPECT_NE(manifest.find("\"camera\":{\"azimuth_deg\""), std::string::npos);
}

TEST_F(DatasetTest, ResumesAfterAnInterruption) {
  ASSERT_TRUE(WriteSynthDataset(Options("r", 3, 2)).ok());
  const std::string manifest = (dir_ / "r" / "manifest.jsonl").string();
  // An interrupted run leaves a torn last line behind.
  std::ofstream(manifest, std::ios::app) << "{\"id\":\"storage_000000";
  auto r = WriteSynthDataset(Options("r", 5, 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->skipped, 3);
  EXPECT_EQ(r->written, 2);
  // The result equals an uninterrupted run.
  ASSERT_TRUE(WriteSynthDataset(Options("full", 5, 1)).ok());
  EXPECT_TRUE(Files(dir_ / "r") == Files(dir_ / "full"));
}

// A folder whose kept programs are not what the generators now make for their seeds (made by an
// older generator, or with other options) is refused, naming a stale program; nothing is added.
TEST_F(DatasetTest, AFolderFromAnotherGeneratorIsRefused) {
  ASSERT_TRUE(WriteSynthDataset(Options("s", 3, 2)).ok());
  const fs::path stale = dir_ / "s" / "programs" / "storage_00000008.json";
  std::string text = core::ReadFile(stale.string()).value();
  const size_t digit = text.find_first_of("123456789", text.find("\"distance\""));
  ASSERT_NE(digit, std::string::npos);
  text[digit] = text[digit] == '9' ? '8' : text[digit] + 1;
  ASSERT_TRUE(core::WriteFileAtomic(stale.string(), text).ok());
  const auto before = Files(dir_ / "s");
  auto r = WriteSynthDataset(Options("s", 5, 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().ToString().find("storage_00000008.json"), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("seed 8"), std::string::npos);
  EXPECT_TRUE(Files(dir_ / "s") == before);
  // Other options make other programs: lounge chairs over a folder of plain chairs are refused.
  SynthOptions chairs = Options("c", 8, 2);
  chairs.category = "chair";
  chairs.image_size = 16;
  ASSERT_TRUE(WriteSynthDataset(chairs).ok());
  chairs.lounge = 1;
  EXPECT_FALSE(WriteSynthDataset(chairs).ok());
}

TEST_F(DatasetTest, AFolderFromAnotherRendererIsRefused) {
  ASSERT_TRUE(WriteSynthDataset(Options("r", 2, 2)).ok());
  const fs::path manifest = dir_ / "r" / "manifest.jsonl";
  std::string text = core::ReadFile(manifest.string()).value();
  const std::string now = ",\"renderer\":" + std::to_string(render::kRendererVersion) + "}";
  const size_t second = text.find(now, text.find('\n'));
  ASSERT_NE(second, std::string::npos) << text;
  // A line from before the field existed: renderer 1.
  text.replace(second, now.size(), "}");
  ASSERT_TRUE(core::WriteFileAtomic(manifest.string(), text).ok());
  const auto before = Files(dir_ / "r");
  auto r = WriteSynthDataset(Options("r", 3, 2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  const std::string message = r.status().ToString();
  EXPECT_NE(message.find("manifest.jsonl"), std::string::npos) << message;
  EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  EXPECT_NE(message.find("renderer 1"), std::string::npos) << message;
  EXPECT_TRUE(Files(dir_ / "r") == before);
}

TEST_F(DatasetTest, MapsAndSplits) {
  SynthOptions o = Options("m", 2, 2);
  o.maps = true;
  o.first_seed = dataset::kTestFirstSeed;
  ASSERT_TRUE(WriteSynthDataset(o).ok());
  EXPECT_TRUE(fs::exists(dir_ / "m" / "images" / "storage_01100000.mask.png"));
  EXPECT_TRUE(fs::exists(dir_ / "m" / "images" / "storage_01100001.parts.png"));
  EXPECT_NE(core::ReadFile((dir_ / "m" / "manifest.jsonl").string())->find("\"split\":\"test\""),
            std::string::npos);
  // The writer's manifest reads back through the dataset module, maps and all.
  auto entries = dataset::ReadManifest((dir_ / "m").string(), "test");
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  ASSERT_TRUE((*entries)[1].maps.has_value());
  EXPECT_TRUE(fs::exists((*entries)[1].maps->depth));
  EXPECT_EQ((*entries)[1].camera->image_size, 48);
}

TEST_F(DatasetTest, ImagesAreNeverBlankAndShowTheObject) {
  for (const char* category : {"chair", "table", "storage"}) {
    SynthOptions o = Options(category, 8, 2);
    o.category = category;
    o.maps = true;
    o.image_size = 64;
    ASSERT_TRUE(WriteSynthDataset(o).ok());
    for (uint64_t seed = 7; seed < 15; ++seed) {
      char id[64];
      std::snprintf(id, sizeof(id), "%s_%08llu", category, static_cast<unsigned long long>(seed));
      const fs::path images = dir_ / category / "images";
      auto rgb = image::ReadImage((images / (std::string(id) + ".png")).string());
      auto mask = image::ReadImage((images / (std::string(id) + ".mask.png")).string());
      ASSERT_TRUE(rgb.ok() && mask.ok());
      int visible = 0;
      for (uint8_t m : mask->pixels) visible += m == 255;
      EXPECT_GT(visible, 64 * 64 / 25) << id << ": the object covers too little of the image";
      uint8_t lo = 255, hi = 0;
      for (uint8_t v : rgb->pixels) lo = std::min(lo, v), hi = std::max(hi, v);
      EXPECT_GT(hi - lo, 40) << id << ": blank image";
    }
  }
}

TEST_F(DatasetTest, ShelfContentsChangeOnlyThePicturesOfShelves) {
  // The same samples with and without books: programs and camera records are identical, and at
  // least one storage picture differs (most of these seeds have shelves, doors or not).
  SynthOptions plain = Options("plain", 6, 2), books = Options("books", 6, 2);
  books.shelf_contents = 1;
  ASSERT_TRUE(WriteSynthDataset(plain).ok());
  ASSERT_TRUE(WriteSynthDataset(books).ok());
  EXPECT_GT(CountDiffering(dir_ / "plain", dir_ / "books",
                           [](const std::string& rel) { return rel.rfind("images/", 0) == 0; }),
            0);
}

TEST_F(DatasetTest, QuiltedUpholsteryChangesOnlyTheColoursOfChairs) {
  // Chairs with and without quilted seats and backs: programs, cameras and every map are the
  // same, and at least one picture differs. Storage pieces have no seat or back: nothing changes.
  SynthOptions plain = Options("chairs", 4, 2), quilted = Options("quilted", 4, 2);
  plain.category = quilted.category = "chair";
  plain.maps = quilted.maps = true;
  quilted.quilted = 1;
  ASSERT_TRUE(WriteSynthDataset(plain).ok());
  ASSERT_TRUE(WriteSynthDataset(quilted).ok());
  EXPECT_GT(CountDiffering(dir_ / "chairs", dir_ / "quilted", IsPicture), 0);

  SynthOptions storage = Options("storage", 3, 1), storage_quilted = Options("storage_q", 3, 1);
  storage_quilted.quilted = 1;
  ASSERT_TRUE(WriteSynthDataset(storage).ok());
  ASSERT_TRUE(WriteSynthDataset(storage_quilted).ok());
  EXPECT_EQ(Files(dir_ / "storage"), Files(dir_ / "storage_q"));
}

TEST_F(DatasetTest, PanelledFrontsChangeOnlyThePicturesOfFronts) {
  // Storage pieces with and without panelled fronts: programs, cameras and every map are the
  // same, and at least one picture differs. Chairs have no door or drawer: nothing changes.
  SynthOptions plain = Options("storage", 4, 3), panelled = Options("panelled", 4, 3);
  plain.category = panelled.category = "storage";
  plain.maps = panelled.maps = true;
  panelled.panelled = 1;
  ASSERT_TRUE(WriteSynthDataset(plain).ok());
  ASSERT_TRUE(WriteSynthDataset(panelled).ok());
  EXPECT_GT(CountDiffering(dir_ / "storage", dir_ / "panelled", IsPicture), 0);

  SynthOptions chairs = Options("chairs", 3, 1), chairs_panelled = Options("chairs_p", 3, 1);
  chairs.category = chairs_panelled.category = "chair";
  chairs_panelled.panelled = 1;
  ASSERT_TRUE(WriteSynthDataset(chairs).ok());
  ASSERT_TRUE(WriteSynthDataset(chairs_panelled).ok());
  EXPECT_EQ(Files(dir_ / "chairs"), Files(dir_ / "chairs_p"));
}

TEST_F(DatasetTest, BadOptions) {
  SynthOptions o = Options("x", 1, 1);
  o.category = "sofa";
  EXPECT_EQ(WriteSynthDataset(o).status().code(), core::StatusCode::kInvalidArgument);
  SynthOptions share = Options("y", 1, 1);
  share.shelf_contents = 1.5;
  EXPECT_EQ(WriteSynthDataset(share).status().code(), core::StatusCode::kInvalidArgument);
  SynthOptions quilt = Options("z", 1, 1);
  quilt.quilted = -0.1;
  EXPECT_EQ(WriteSynthDataset(quilt).status().code(), core::StatusCode::kInvalidArgument);
  SynthOptions panels = Options("p", 1, 1);
  panels.panelled = 1.01;
  EXPECT_EQ(WriteSynthDataset(panels).status().code(), core::StatusCode::kInvalidArgument);
  SynthOptions lounge = Options("l", 1, 1);
  lounge.lounge = 2;
  EXPECT_EQ(WriteSynthDataset(lounge).status().code(), core::StatusCode::kInvalidArgument);
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  SynthOptions f = Options("file", 1, 1);
  EXPECT_EQ(WriteSynthDataset(f).status().code(), core::StatusCode::kIo);
}

}  // namespace
}  // namespace img2cad::pipeline
