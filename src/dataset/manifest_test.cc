#include "dataset/manifest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "dataset/splits.h"

namespace img2cad::dataset {
namespace {

ManifestEntry Example() {
  ManifestEntry e;
  e.id = SampleId("chair", 42);
  e.category = "chair";
  e.seed = 42;
  e.split = SplitOfSeed(42);
  e.style = "four_leg";
  e.symmetry = "reflect_x";
  e.program_path = "programs/chair_00000042.json";
  e.image_path = "images/chair_00000042.png";
  CameraRecord c;
  c.azimuth_deg = 31.25;
  c.elevation_deg = 12.5;
  c.fov_y_deg = 40;
  c.position_mm = {1, 2, 3.0004};
  c.target_mm = {0, 0, 400};
  c.image_size = 128;
  e.camera = c;
  e.maps = MapPaths{"images/a.mask.png", "images/a.depth.png", "images/a.parts.png"};
  return e;
}

TEST(ManifestTest, LineRoundTrips) {
  const std::string line = ManifestEntryToJson(Example());
  EXPECT_EQ(line.rfind("{\"id\":\"chair_00000042\",\"category\":\"chair\",\"seed\":42,", 0), 0u)
      << line;
  auto back = ParseManifestEntry(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "chair_00000042");
  EXPECT_EQ(back->style, "four_leg");
  ASSERT_TRUE(back->camera.has_value());
  EXPECT_DOUBLE_EQ(back->camera->azimuth_deg, 31.25);
  EXPECT_DOUBLE_EQ(back->camera->position_mm[2], 3.0);  // rounded to 1e-3
  ASSERT_TRUE(back->maps.has_value());
  EXPECT_EQ(back->maps->parts, "images/a.parts.png");
  EXPECT_EQ(ManifestEntryToJson(*back), line);
}

TEST(ManifestTest, BadLinesNameTheFieldAndLine) {
  EXPECT_EQ(ParseManifestEntry("{not json").status().code(), core::StatusCode::kParse);
  auto missing = ParseManifestEntry(R"({"id":"x","category":"chair","image":"i.png"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'program'"), std::string::npos);

  core::TempDir dir("manifest");
  const std::string good = ManifestEntryToJson(Example());
  ASSERT_TRUE(
      core::WriteFileAtomic((dir.path() / "manifest.jsonl").string(), good + "\n[1,2]\n").ok());
  auto read = ReadManifest(dir.path().string());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().where(), "2:1");
  EXPECT_NE(read.status().file().find("manifest.jsonl"), std::string::npos);
}

TEST(ManifestTest, ReadKeepsTheSplitAndPrefixesPaths) {
  core::TempDir dir("manifest");
  ManifestEntry val = Example();
  val.seed = kValFirstSeed + 3;
  val.split = SplitOfSeed(val.seed);
  val.id = SampleId("chair", val.seed);
  ASSERT_TRUE(
      core::WriteFileAtomic((dir.path() / "manifest.jsonl").string(),
                            ManifestEntryToJson(Example()) + "\n" + ManifestEntryToJson(val) + "\n")
          .ok());
  auto all = ReadManifest(dir.path().string());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  auto only_val = ReadManifest((dir.path() / "manifest.jsonl").string(), "val");
  ASSERT_TRUE(only_val.ok());
  ASSERT_EQ(only_val->size(), 1u);
  EXPECT_EQ((*only_val)[0].id, "chair_01000003");
  EXPECT_EQ(std::filesystem::path((*only_val)[0].image_path),
            dir.path() / "images/chair_00000042.png");
}

TEST(SplitsTest, SeedRangesAndIds) {
  EXPECT_STREQ(SplitOfSeed(999'999), "train");
  EXPECT_STREQ(SplitOfSeed(1'099'999), "val");
  EXPECT_STREQ(SplitOfSeed(kTestFirstSeed), "test");
  EXPECT_STREQ(SplitOfSeed(1'200'000), "extra");
  uint64_t s = 0;
  EXPECT_TRUE(SplitFirstSeed("test", &s));
  EXPECT_EQ(s, kTestFirstSeed);
  EXPECT_FALSE(SplitFirstSeed("holdout", &s));
  EXPECT_EQ(SampleId("table", 7), "table_00000007");
  EXPECT_EQ(SampleId("storage", 123456789), "storage_123456789");
}

}  // namespace
}  // namespace img2cad::dataset
