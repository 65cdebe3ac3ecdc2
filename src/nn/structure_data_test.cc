#include "nn/structure_data.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "program/vocabulary.h"
#include "render/renderer.h"

namespace img2cad::nn {
namespace {

namespace fs = std::filesystem;

// A one-sample dataset: a 64² render of a dark square on a plain grey backdrop (x 8-24, y 8-24,
// what the border model finds), whose mask map marks another box (x 30-60, y 20-50), so the test
// can tell which one a loader used. `with_maps` false leaves the mask out of the manifest.
std::string OneSampleDataset(const fs::path& dir, bool with_maps) {
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "programs");
  image::Image photo(64, 64, 3, 180);
  for (int y = 8; y < 24; ++y)
    for (int x = 8; x < 24; ++x)
      for (int c = 0; c < 3; ++c) photo.at(x, y, c) = 30;
  image::Image mask(64, 64, 1, 0);
  for (int y = 20; y < 50; ++y)
    for (int x = 30; x < 60; ++x) mask.at(x, y, 0) = 255;
  EXPECT_TRUE(image::WritePng((dir / "images/chair_00000000.png").string(), photo).ok());
  EXPECT_TRUE(image::WritePng((dir / "images/chair_00000000.mask.png").string(), mask).ok());
  fs::copy_file(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json",
                dir / "programs/chair_00000000.json");
  std::string line =
      R"({"id":"chair_00000000","category":"chair","seed":0,"split":"train","style":"s",)"
      R"("symmetry":"reflect_x","program":"programs/chair_00000000.json",)"
      R"("image":"images/chair_00000000.png")";
  if (with_maps) {
    line += R"(,"maps":{"mask":"images/chair_00000000.mask.png",)"
            R"("depth":"images/chair_00000000.mask.png","parts":"images/chair_00000000.mask.png"})";
  }
  line += "}\n";
  EXPECT_TRUE(core::WriteFileAtomic((dir / "manifest.jsonl").string(), line).ok());
  return dir.string();
}

TEST(StructureDataTest, RenderedMasksComeFromTheMaskMapAndFoundOnesFromTheRender) {
  core::TempDir tmp("structure_data");
  const std::string data = OneSampleDataset(tmp.path() / "d", true);
  LoadReport report;
  auto rendered = LoadStructureSamples(data, "train", 0, ObjectMasks::kRendered, &report);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  ASSERT_EQ(rendered->size(), 1u);
  const image::Foreground& r = (*rendered)[0].foreground;
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.x0, 30);
  EXPECT_EQ(r.y0, 20);
  EXPECT_EQ(r.x1, 60);
  EXPECT_EQ(r.y1, 50);

  auto found = LoadStructureSamples(data, "train", 0, ObjectMasks::kFound, &report);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const image::Foreground& f = (*found)[0].foreground;
  EXPECT_TRUE(f.found);
  EXPECT_NEAR(f.x0, 8, 1);
  EXPECT_NEAR(f.y0, 8, 1);
  EXPECT_NEAR(f.x1, 24, 1);
  EXPECT_NEAR(f.y1, 24, 1);
  EXPECT_EQ(report.loaded, 2);
}

TEST(StructureDataTest, RenderedMasksFromADatasetWithoutThemAreRefusedByName) {
  core::TempDir tmp("structure_data");
  const std::string data = OneSampleDataset(tmp.path() / "d", false);
  LoadReport report;
  auto loaded = LoadStructureSamples(data, "train", 0, ObjectMasks::kRendered, &report);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().ToString().find("manifest.jsonl"), std::string::npos)
      << loaded.status().ToString();
  EXPECT_NE(loaded.status().ToString().find("chair_00000000"), std::string::npos);
  EXPECT_NE(loaded.status().ToString().find("--maps"), std::string::npos);
  // Found masks need no map.
  EXPECT_TRUE(LoadStructureSamples(data, "train", 0, ObjectMasks::kFound, &report).ok());
}

TEST(StructureDataTest, AnUnreadableMaskMapSkipsAndCountsTheSample) {
  core::TempDir tmp("structure_data");
  const std::string data = OneSampleDataset(tmp.path() / "d", true);
  ASSERT_TRUE(
      core::WriteFileAtomic((tmp.path() / "d/images/chair_00000000.mask.png").string(), "x").ok());
  LoadReport report;
  auto loaded = LoadStructureSamples(data, "train", 0, ObjectMasks::kRendered, &report);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->empty());
  EXPECT_EQ(report.failed, 1);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].find("chair_00000000"), std::string::npos);
}

TEST(StructureDataTest, PartRegionsAreCountedBetweenSeams) {
  // A 4 x 4 map: label 2 in the top two rows, split by a seam in column 1; label 5 alone in one
  // cell (below the default minimum); background elsewhere.
  const std::vector<int> labels = {2, 2, 2, 2, 2, 2, 2, 2, -1, -1, -1, 5, -1, -1, -1, -1};
  std::vector<float> seams(16, 0.f);
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 2), 1);
  seams[1] = seams[5] = 0.9f;
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 2), 2);  // {0, 4} and {2, 3, 6, 7}
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 2, 3), 1);
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 5), 0);
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 5, 1), 1);
  EXPECT_EQ(CountPartRegions(labels, seams, 4, 7), 0);
}

// Part maps load as part ids with each part's label, and their crops' targets follow the crop:
// labels at the cells' centres, seams where two parts meet, nothing without a map or a window.
TEST(StructureDataTest, PartMapsLoadAndTheirTargetsFollowTheCrop) {
  core::TempDir tmp("structure_data");
  const std::string data = OneSampleDataset(tmp.path() / "d", true);
  // Over the mask map's box (x 30-60, y 20-50): the seat (part 0) left of x 45, a leg (part 2)
  // right of it.
  render::Frame frame;
  frame.rgb = image::Image(64, 64, 3, 0);
  frame.part_id.assign(64 * 64, -1);
  for (int y = 20; y < 50; ++y)
    for (int x = 30; x < 60; ++x) frame.part_id[y * 64 + x] = x < 45 ? 0 : 2;
  ASSERT_TRUE(image::WritePng((tmp.path() / "d/images/chair_00000000.mask.png").string(),
                              render::PartIdImage(frame))
                  .ok());
  LoadReport report;
  auto loaded = LoadStructureSamples(data, "train", 0, ObjectMasks::kFound, &report, true);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), 1u);
  const StructureSample& s = (*loaded)[0];
  EXPECT_EQ(s.part_ids, frame.part_id);
  const auto seat = program::LabelIndex("chair", "seat"), leg = program::LabelIndex("chair", "leg");
  ASSERT_EQ(s.part_labels.size(), 10u);
  EXPECT_EQ(s.part_labels[0], *seat);
  EXPECT_EQ(s.part_labels[2], *leg);

  // The window x 20-68, y 11-59 on an 8-cell grid: 6 pixels a cell.
  std::vector<int16_t> labels;
  std::vector<uint8_t> seams;
  std::vector<std::array<int16_t, 2>> centres;
  PartMapTargets(s, {44, 35, 48}, 8, &labels, &seams, &centres);
  ASSERT_EQ(labels.size(), 64u);
  ASSERT_EQ(seams.size(), 64u);
  EXPECT_EQ(labels[0], -1);             // centre (23, 14)
  EXPECT_EQ(labels[4 * 8 + 2], *seat);  // centre (35, 38)
  EXPECT_EQ(labels[4 * 8 + 5], *leg);   // centre (53, 38)
  int seam_cells = 0;
  for (int i = 0; i < 64; ++i) seam_cells += seams[i];
  EXPECT_EQ(seams[4 * 8 + 4], 1);  // x 44-50 holds the meeting at 44|45
  EXPECT_EQ(seams[4 * 8 + 3], 0);  // x 38-44 ends before it
  EXPECT_EQ(seam_cells, 6);        // rows 1-6 (y 17-53) hold the parts' rows 20-49
  // The seat's pixels centre on (37.5, 35), the leg's on (52.5, 35): cells (2, 4) and (5, 4).
  const std::vector<std::array<int16_t, 2>> expected = {{4 * 8 + 2, static_cast<int16_t>(*seat)},
                                                        {4 * 8 + 5, static_cast<int16_t>(*leg)}};
  EXPECT_EQ(centres, expected);
  PartMapTargets(s, {}, 8, &labels, &seams, &centres);
  EXPECT_TRUE(labels.empty() && seams.empty() && centres.empty());
  StructureSample without = s;
  without.part_ids.clear();
  PartMapTargets(without, {44, 35, 48}, 8, &labels, &seams, &centres);
  EXPECT_TRUE(labels.empty() && seams.empty() && centres.empty());

  // A part map that cannot be read skips the sample, named.
  ASSERT_TRUE(
      core::WriteFileAtomic((tmp.path() / "d/images/chair_00000000.mask.png").string(), "x").ok());
  LoadReport bad;
  auto skipped = LoadStructureSamples(data, "train", 0, ObjectMasks::kFound, &bad, true);
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->empty());
  EXPECT_EQ(bad.failed, 1);
}

// Columns of `img` that repeat their left neighbour, up to the colour jitter's sensor noise.
int RepeatedColumns(const image::Image& img) {
  int repeated = 0;
  for (int x = 1; x < img.width; ++x) {
    double diff = 0;
    for (int y = 0; y < img.height; ++y)
      for (int c = 0; c < 3; ++c) diff += std::abs(img.at(x, y, c) - img.at(x - 1, y, c));
    if (diff / (img.height * 3) < 10) ++repeated;
  }
  return repeated;
}

// A 128² photo filled by `pixel` (called once per channel value, in order), with the object's
// box at 24..104 on both axes.
template <typename PixelFn>
StructureSample NoiseSample(PixelFn pixel) {
  StructureSample s;
  s.photo = image::Image(128, 128, 3);
  for (auto& p : s.photo.pixels) p = pixel();
  s.foreground = image::ForegroundFromMask(image::Image(128, 128, 1, 255), 128, 128);
  s.foreground.x0 = s.foreground.y0 = 24;
  s.foreground.x1 = s.foreground.y1 = 104;
  return s;
}

TEST(StructureDataTest, LowResolutionCropsRepeatPixelsAndOnlyWhenAsked) {
  // A photo of random pixels fills the frame, so neighbouring columns of an ordinary crop differ.
  core::Rng fill(7);
  const StructureSample s = NoiseSample([&] { return static_cast<uint8_t>(fill.Uniform(0, 255)); });
  int plain = 0, low = 0;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    core::Rng a(seed), b(seed), c(seed);
    const image::Image p = SampleCrop(s, 64, &a);
    const image::Image l = SampleCrop(s, 64, &b, {.low_res = 1});
    const image::Image n = SampleCrop(s, 64, &c, {.low_res = 0});
    ASSERT_EQ(l.width, 64);
    ASSERT_EQ(l.height, 64);
    EXPECT_EQ(n.pixels, p.pixels) << "an option that is off must not change the crops";
    plain += RepeatedColumns(p);
    low += RepeatedColumns(l);
  }
  // A cut of at most 90% of 64 pixels repeats at least 6 of the 63 neighbouring columns; an
  // ordinary crop repeats one only where the jitter's blur has flattened it.
  EXPECT_GE(low, 16 * 6);
  EXPECT_LT(plain, 16 * 3);
}

// The smallest standard deviation (per channel, averaged) of the four outermost rows and columns
// of a crop.
double FlattestEdge(const image::Image& img) {
  double best = 1e9;
  for (int e = 0; e < 4; ++e) {
    double spread = 0;
    for (int c = 0; c < 3; ++c) {
      double sum = 0, sq = 0;
      for (int i = 0; i < img.width; ++i) {
        const int x = e == 0 ? 0 : (e == 1 ? img.width - 1 : i);
        const int y = e < 2 ? i : (e == 2 ? 0 : img.height - 1);
        sum += img.at(x, y, c);
        sq += img.at(x, y, c) * img.at(x, y, c);
      }
      const double mean = sum / img.width;
      spread += std::sqrt(std::max(0.0, sq / img.width - mean * mean)) / 3;
    }
    best = std::min(best, spread);
  }
  return best;
}

TEST(StructureDataTest, TightCropsArePaddedWhereThePictureEndsAndOnlyWhenAsked) {
  core::Rng fill(9);  // black and white dots: far from flat even after the jitter's blur
  const StructureSample s = NoiseSample([&]() -> uint8_t { return fill.Bernoulli(0.5) ? 255 : 0; });
  for (uint64_t seed = 0; seed < 16; ++seed) {
    core::Rng a(seed), b(seed), c(seed);
    const image::Image p = SampleCrop(s, 64, &a);
    const image::Image t = SampleCrop(s, 64, &b, {.tight = 1});
    const image::Image n = SampleCrop(s, 64, &c, {.tight = 0});
    ASSERT_EQ(t.width, 64);
    EXPECT_EQ(n.pixels, p.pixels) << "an option that is off must not change the crops";
    // An ordinary crop of this box stays inside the random picture; a tight one reaches past a
    // cut side into the flat padding.
    EXPECT_GT(FlattestEdge(p), 25) << seed;
    EXPECT_LT(FlattestEdge(t), 10) << seed;
  }
}

}  // namespace
}  // namespace img2cad::nn
