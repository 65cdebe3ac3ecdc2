#include "nn/mask_refiner.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/file_io.h"
#include "core/temp_dir.h"

namespace img2cad::nn {
namespace {

constexpr int kSide = 32;

// A grey floor with a red box on it and the box's dark shadow to its right. The map says both
// box and shadow are the object (as ISNet does with cast shadows); the truth is the box alone.
// `shift` moves the scene so the examples differ.
MaskRefinerExample ShadowScene(int shift) {
  MaskRefinerExample e{image::Image(kSide, kSide, 3, 150), image::Image(kSide, kSide, 1, 0),
                       image::Image(kSide, kSide, 1, 0)};
  for (int y = 8; y < 24; ++y)
    for (int x = 4 + shift; x < 24 + shift; ++x) {
      const bool box = x < 14 + shift;
      e.photo.at(x, y, 0) = box ? 200 : 70;
      e.photo.at(x, y, 1) = box ? 40 : 70;
      e.photo.at(x, y, 2) = box ? 40 : 70;
      e.probability.at(x, y, 0) = box ? 250 : 200;
      e.truth.at(x, y, 0) = box ? 255 : 0;
    }
  return e;
}

// Mean of the map over the shadow's pixels.
double ShadowMean(const image::Image& map, int shift) {
  double sum = 0;
  int n = 0;
  for (int y = 8; y < 24; ++y)
    for (int x = 14 + shift; x < 24 + shift; ++x) sum += map.at(x, y, 0), ++n;
  return sum / n;
}

TEST(MaskRefinerTest, AnUntrainedRefinerReturnsTheMap) {
  const MaskRefiner refiner = MaskRefiner::Create({.size = 16, .width = 8}, 1);
  image::Image map(40, 24, 1, 0);
  for (size_t i = 0; i < map.pixels.size(); ++i) map.pixels[i] = static_cast<uint8_t>(i * 7);
  const auto out = refiner.Refine(image::Image(40, 24, 3, 90), map);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->width, 40);
  ASSERT_EQ(out->height, 24);
  ASSERT_EQ(out->channels, 1);
  for (size_t i = 0; i < map.pixels.size(); ++i)
    ASSERT_LE(std::abs(out->pixels[i] - map.pixels[i]), 1) << i;
}

TEST(MaskRefinerTest, BadInputsAreNamed) {
  MaskRefiner refiner = MaskRefiner::Create({.size = 16, .width = 8}, 1);
  const image::Image photo(20, 20, 3, 90);
  EXPECT_EQ(refiner.Refine(image::Image(), image::Image()).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(refiner.Refine(image::Image(4, 4, 3, 0), image::Image(4, 4, 1, 0)).status().code(),
            core::StatusCode::kInvalidArgument);
  const auto wrong_size = refiner.Refine(photo, image::Image(10, 20, 1, 0));
  EXPECT_EQ(wrong_size.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(wrong_size.status().message().find("probability map"), std::string::npos);
  EXPECT_EQ(refiner.Refine(photo, image::Image(20, 20, 3, 0)).status().code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_EQ(refiner.TrainStep({}, 1e-3).status().code(), core::StatusCode::kInvalidArgument);
  MaskRefinerExample bad = ShadowScene(0);
  bad.truth = image::Image(8, 8, 1, 0);
  const auto step = refiner.TrainStep({ShadowScene(1), bad}, 1e-3);
  EXPECT_EQ(step.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(step.status().where(), "batch[1]");
  EXPECT_EQ(refiner.steps(), 0);
}

// The overfit check: a few examples of one kind of mistake, learnt until the shadow is out.
TEST(MaskRefinerTest, LearnsToTakeAShadowOutOfTheMap) {
  MaskRefiner refiner = MaskRefiner::Create({.size = 32, .width = 8}, 3);
  const std::vector<MaskRefinerExample> batch = {ShadowScene(0), ShadowScene(3), ShadowScene(6)};
  const double before = refiner.Loss(batch).value();
  for (int i = 0; i < 80; ++i) ASSERT_TRUE(refiner.TrainStep(batch, 5e-3).ok());
  EXPECT_EQ(refiner.steps(), 80);
  const double after = refiner.Loss(batch).value();
  EXPECT_LT(after, 0.3 * before) << before << " -> " << after;
  const MaskRefinerExample e = ShadowScene(4);  // a position it has not seen
  EXPECT_GT(ShadowMean(e.probability, 4), 190);
  const auto out = refiner.Refine(e.photo, e.probability);
  ASSERT_TRUE(out.ok());
  EXPECT_LT(ShadowMean(*out, 4), 100);
  EXPECT_GT(out->at(8, 16, 0), 200);  // the box stays
}

TEST(MaskRefinerTest, SavesLoadsAndResumes) {
  core::TempDir dir("mask_refiner");
  MaskRefiner refiner = MaskRefiner::Create({.size = 16, .width = 8}, 5);
  const std::vector<MaskRefinerExample> batch = {ShadowScene(0), ShadowScene(2)};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(refiner.TrainStep(batch, 1e-2).ok());
  const std::string model = (dir.path() / "model").string();
  ASSERT_TRUE(refiner.Save(model, R"({"note": "test"})").ok());
  const std::string ckpt = (dir.path() / "ckpt.pt").string();
  ASSERT_TRUE(refiner.SaveCheckpoint(ckpt).ok());

  auto loaded = MaskRefiner::Load(model);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->config(), refiner.config());
  const MaskRefinerExample e = ShadowScene(1);
  EXPECT_EQ(loaded->Refine(e.photo, e.probability)->pixels,
            refiner.Refine(e.photo, e.probability)->pixels);

  // A resumed run continues exactly: the same next step from the checkpoint.
  MaskRefiner resumed = MaskRefiner::Create({.size = 16, .width = 8}, 99);
  ASSERT_TRUE(resumed.LoadCheckpoint(ckpt).ok());
  EXPECT_EQ(resumed.steps(), 3);
  EXPECT_DOUBLE_EQ(resumed.TrainStep(batch, 1e-2).value(), refiner.TrainStep(batch, 1e-2).value());

  ASSERT_TRUE(core::WriteFileAtomic(model + "/model.json", R"({"name": "assembler"})").ok());
  const auto wrong = MaskRefiner::Load(model);
  EXPECT_EQ(wrong.status().code(), core::StatusCode::kParse);
  EXPECT_NE(wrong.status().file().find("model.json"), std::string::npos);
  ASSERT_TRUE(
      core::WriteFileAtomic(model + "/model.json",
                            R"({"name": "mask_refiner", "config": {"size": 20, "width": 8}})")
          .ok());
  EXPECT_EQ(MaskRefiner::Load(model).status().where(), "config");
  EXPECT_EQ(MaskRefiner::Load((dir.path() / "none").string()).status().code(),
            core::StatusCode::kNotFound);
}

}  // namespace
}  // namespace img2cad::nn
