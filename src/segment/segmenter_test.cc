#include "segment/segmenter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "cad/model.h"
#include "core/model_locator.h"
#include "program/json_io.h"
#include "render/renderer.h"

namespace img2cad::segment {
namespace {

// The model is fetched by scripts/setup; without it these tests say so and skip.
std::string ModelPath() {
  auto path = core::FindModelFile("segmenter", "isnet.onnx");
  return path.ok() ? *path : "";
}

// Renders of the example programs in a clean scene: the renderer's object mask is the truth.
TEST(SegmenterTest, FindsRenderedFurnitureAsTheRendererSeesIt) {
  const std::string path = ModelPath();
  if (path.empty()) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  auto seg = Segmenter::Load(path);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  render::Renderer renderer;
  for (const char* name : {"chair", "table", "storage"}) {
    const auto program =
        program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json")
            .value();
    const geom::Mesh mesh = cad::Tessellate(cad::BuildModel(program).value()).value();
    std::vector<std::string> labels;
    for (const auto& part : program.parts) labels.push_back(part.label);
    const auto frame =
        renderer.Render(mesh, render::PreviewScene(geom::Bounds(mesh), labels, 30, 20, 256));
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    auto mask = seg->Mask(frame->rgb, 320);
    ASSERT_TRUE(mask.ok()) << mask.status().ToString();
    ASSERT_EQ(mask->width, 256);
    ASSERT_EQ(mask->height, 256);
    ASSERT_EQ(mask->channels, 1);
    const image::Image object = Binarise(*mask);
    int inter = 0, uni = 0;
    for (size_t i = 0; i < mask->pixels.size(); ++i) {
      const bool a = object.pixels[i] > 127, b = frame->mask.pixels[i] > 127;
      inter += a && b, uni += a || b;
    }
    EXPECT_GT(static_cast<double>(inter) / uni, 0.8) << name;
  }
}

TEST(SegmenterTest, BinariseFindsAFaintObject) {
  image::Image prob(100, 100, 1, 5);
  for (int y = 30; y < 70; ++y)
    for (int x = 30; x < 70; ++x) prob.at(x, y, 0) = 90;  // unsure, but clearly apart
  const image::Image b = Binarise(prob);
  EXPECT_EQ(b.at(50, 50, 0), 255);
  EXPECT_EQ(b.at(10, 10, 0), 0);
  EXPECT_EQ(Binarise(image::Image(10, 10, 1, 20)).at(5, 5, 0), 0);  // flat: nothing
  // A faint object over a background near 0, as ISNet gives for small renders, is still found;
  // sensor-level noise under the floor is not.
  image::Image faint(100, 100, 1, 1);
  for (int y = 30; y < 70; ++y)
    for (int x = 30; x < 70; ++x) faint.at(x, y, 0) = 20;
  EXPECT_EQ(Binarise(faint).at(50, 50, 0), 255);
  EXPECT_EQ(Binarise(faint).at(10, 10, 0), 0);
  image::Image noise(100, 100, 1, 0);
  for (int y = 30; y < 70; ++y)
    for (int x = 30; x < 70; ++x) noise.at(x, y, 0) = kBinariseMinThreshold - 2;
  EXPECT_EQ(Binarise(noise).at(50, 50, 0), 0);
}

TEST(SegmenterTest, RefusesEmptyImagesAndBadSizes) {
  const std::string path = ModelPath();
  if (path.empty()) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  auto seg = Segmenter::Load(path);
  ASSERT_TRUE(seg.ok());
  EXPECT_FALSE(seg->Mask(image::Image(64, 64, 3, 0), 100).ok());  // not a multiple of 64
  EXPECT_FALSE(seg->Mask(image::Image(64, 64, 3, 0), 160).ok());  // 32 * 5: a level goes odd
  EXPECT_FALSE(seg->Mask(image::Image{}, 320).ok());
}

TEST(SegmenterTest, EncoderFeaturesAreStageMeansThatTellImagesApart) {
  const std::string path = ModelPath();
  if (path.empty()) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  auto seg = Segmenter::Load(path);
  ASSERT_TRUE(seg.ok());
  image::Image grey(96, 96, 3, 128), checker(96, 96, 3, 0);
  for (int y = 0; y < 96; ++y)
    for (int x = 0; x < 96; ++x)
      for (int c = 0; c < 3; ++c) checker.at(x, y, c) = ((x / 12 + y / 12) % 2) ? 230 : 20;
  auto a = seg->EncoderFeatures(checker, 128);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), static_cast<size_t>(Segmenter::kEncoderFeatureSize));
  EXPECT_EQ(Segmenter::EncoderStageColumns(3), std::make_pair(0, 256));
  EXPECT_EQ(Segmenter::EncoderStageColumns(5), std::make_pair(768, 1280));
  EXPECT_EQ(Segmenter::EncoderStageColumns(6).second, Segmenter::kEncoderFeatureSize);
  double sum = 0;
  for (float v : *a) {
    EXPECT_GE(v, 0.f);  // every stage ends in a sum of ReLUs
    sum += v;
  }
  EXPECT_GT(sum, 0);
  EXPECT_EQ(*seg->EncoderFeatures(checker, 128), *a);  // deterministic
  auto b = seg->EncoderFeatures(grey, 128);
  ASSERT_TRUE(b.ok());
  double diff = 0;
  for (size_t i = 0; i < a->size(); ++i) diff += std::abs((*a)[i] - (*b)[i]);
  EXPECT_GT(diff, 0.01 * sum);
  EXPECT_FALSE(seg->EncoderFeatures(checker, 96).ok());  // not a multiple of 64
  EXPECT_FALSE(seg->EncoderFeatures(image::Image{}, 128).ok());
}

TEST(SegmenterTest, EncoderMapsHaveTheStagesLayoutAndTheFeaturesAreTheirMeans) {
  const std::string path = ModelPath();
  if (path.empty()) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  auto seg = Segmenter::Load(path);
  ASSERT_TRUE(seg.ok());
  image::Image photo(100, 80, 3, 0);
  for (int y = 0; y < 80; ++y)
    for (int x = 0; x < 100; ++x)
      for (int c = 0; c < 3; ++c)
        photo.at(x, y, c) = static_cast<uint8_t>((x * 3 + y * 5 + c) % 256);
  auto maps = seg->EncoderMaps(photo, 192);
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  ASSERT_EQ(maps->size(), 4u);
  const int sides[4] = {24, 12, 6, 3};  // 192 / 2^(k-1) for stages 3 to 6
  for (int k = 0; k < 4; ++k) {
    const auto& m = (*maps)[k];
    EXPECT_EQ(m.channels, Segmenter::kEncoderStageChannels[k]);
    EXPECT_EQ(m.height, sides[k]);
    EXPECT_EQ(m.width, sides[k]);
    EXPECT_EQ(m.values.size(), static_cast<size_t>(m.channels) * m.height * m.width);
  }
  auto features = seg->EncoderFeatures(photo, 192);
  ASSERT_TRUE(features.ok());
  const auto& stage5 = (*maps)[2];
  const auto [first, last] = Segmenter::EncoderStageColumns(5);
  ASSERT_EQ(last - first, stage5.channels);
  for (int c = 0; c < stage5.channels; c += 97) {
    double sum = 0;
    for (int i = 0; i < 36; ++i) sum += stage5.values[c * 36 + i];
    EXPECT_NEAR((*features)[first + c], sum / 36, 1e-4 * (1 + std::abs(sum / 36)));
  }
  EXPECT_FALSE(seg->EncoderMaps(photo, 100).ok());  // not a multiple of 64
}

TEST(SegmenterTest, MissingOrBrokenModelsAreNamedErrors) {
  auto missing = Segmenter::Load("/nonexistent/isnet.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(missing.status().ToString().find("/nonexistent/isnet.onnx"), std::string::npos);
  const std::string junk = ::testing::TempDir() + "/junk.onnx";
  FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("not a model", f);
  std::fclose(f);
  auto broken = Segmenter::Load(junk);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), core::StatusCode::kParse);
}

}  // namespace
}  // namespace img2cad::segment
