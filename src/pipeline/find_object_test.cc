// FindObject with the real ISNet (skipped when scripts/setup has not fetched it).
#include <gtest/gtest.h>

#include <cstdio>

#include "cad/model.h"
#include "core/model_locator.h"
#include "nn/mask_refiner.h"
#include "pipeline/find_object.h"
#include "pipeline/render_program.h"
#include "program/json_io.h"
#include "segment/segmenter.h"

namespace img2cad::pipeline {
namespace {

std::optional<segment::Segmenter> LoadIsnet() {
  auto path = core::FindModelFile("segmenter", "isnet.onnx");
  if (!path.ok()) return std::nullopt;
  auto seg = segment::Segmenter::Load(*path);
  if (!seg.ok()) return std::nullopt;
  return std::move(seg).value();
}

// A photo-like render of an example program, and the same photo cut tight: the window keeps
// the middle `keep` of each side, so the object runs off every edge.
image::Image ExamplePhoto(const std::string& name, uint64_t seed) {
  const auto program =
      program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json")
          .value();
  render::Renderer renderer;
  RenderRequest request;
  request.size = 192;
  request.seed = seed;
  return RenderModel(cad::BuildModel(program).value(), request, &renderer).value().rgb;
}

image::Image Tight(const image::Image& img, double keep) {
  const int w = static_cast<int>(img.width * keep), h = static_cast<int>(img.height * keep);
  return image::Window(img, (img.width - w) / 2, (img.height - h) / 2, w, h);
}

TEST(FindObjectIsnetTest, ThePaddedRetryRunsOnlyOnFaintMasksAndKeepsTheSurerMap) {
  auto isnet = LoadIsnet();
  if (!isnet) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  FindObjectOptions once, retry;
  once.segmenter = retry.segmenter = SegmenterKind::kIsnet;
  once.isnet = retry.isnet = &*isnet;
  retry.isnet_pad_retry = true;
  int faint = 0, padded = 0;
  for (const char* name : {"chair", "table", "storage"}) {
    for (uint64_t seed = 1; seed <= 2; ++seed) {
      const image::Image full = ExamplePhoto(name, seed);
      for (const image::Image& photo : {full, Tight(full, 0.6)}) {
        SCOPED_TRACE(std::string(name) + " seed " + std::to_string(seed) + " width " +
                     std::to_string(photo.width));
        auto a = SegmentWithIsnet(photo, once), b = SegmentWithIsnet(photo, retry);
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_FALSE(a->padded);
        EXPECT_EQ(a->mean, a->first_mean);
        EXPECT_EQ(b->first_mean, a->first_mean);  // the same first pass
        ASSERT_EQ(b->probability.width, photo.width);
        ASSERT_EQ(b->probability.height, photo.height);
        faint += a->first_mean < kIsnetFaintMean;
        if (b->padded) {
          ++padded;
          EXPECT_LT(b->first_mean, kIsnetFaintMean);  // only a faint first mask is retried
          EXPECT_GT(b->mean, b->first_mean);          // and only a surer map replaces it
        } else {
          EXPECT_EQ(b->probability.pixels, a->probability.pixels);
        }
        // FindObject reports which map it used.
        auto object = FindObject(photo, "photo.png", retry);
        ASSERT_TRUE(object.ok());
        EXPECT_EQ(object->isnet_padded(), b->padded);
      }
    }
  }
  // The tight crops must exercise the retry at all, or this test says nothing about it.
  EXPECT_GT(faint, 0);
  std::printf("%d of 12 first masks faint, %d replaced by the padded retry\n", faint, padded);
}

TEST(FindObjectIsnetTest, TheRefinerCorrectsIsnetsMapBeforeItBecomesTheMask) {
  auto isnet = LoadIsnet();
  if (!isnet) GTEST_SKIP() << "models/segmenter/isnet.onnx not fetched";
  // A refiner trained here, for a few steps, to call the left half of the photo background: its
  // correction must reach the map, the mask and the box.
  const image::Image photo = ExamplePhoto("chair", 1);
  FindObjectOptions plain;
  plain.segmenter = SegmenterKind::kIsnet;
  plain.isnet = &*isnet;
  const auto before = SegmentWithIsnet(photo, plain);
  ASSERT_TRUE(before.ok());
  nn::MaskRefinerExample e{photo, before->probability, before->mask};
  for (int y = 0; y < photo.height; ++y)
    for (int x = 0; x < photo.width / 2; ++x) e.truth.at(x, y, 0) = 0;
  nn::MaskRefiner refiner = nn::MaskRefiner::Create({.size = 32, .width = 8}, 1);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(refiner.TrainStep({e}, 1e-2).ok());
  FindObjectOptions refined = plain;
  refined.refiner = &refiner;
  const auto after = SegmentWithIsnet(photo, refined);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->probability.pixels, refiner.Refine(photo, before->probability)->pixels);
  EXPECT_EQ(after->mask.pixels, segment::Binarise(after->probability).pixels);
  auto object = FindObject(photo, "photo.png", refined);
  auto unrefined = FindObject(photo, "photo.png", plain);
  ASSERT_TRUE(object.ok() && unrefined.ok());
  EXPECT_GT(object->foreground().x0, unrefined->foreground().x0);
  // Where ISNet finds nothing there is nothing to correct: a blank photo keeps ISNet's map.
  const image::Image blank(160, 120, 3, 90);
  const auto blank_plain = SegmentWithIsnet(blank, plain),
             blank_refined = SegmentWithIsnet(blank, refined);
  ASSERT_TRUE(blank_plain.ok() && blank_refined.ok());
  EXPECT_EQ(blank_refined->probability.pixels, blank_plain->probability.pixels);
}

}  // namespace
}  // namespace img2cad::pipeline
