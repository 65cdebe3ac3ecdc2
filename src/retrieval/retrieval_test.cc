#include "retrieval/retrieval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "image/preprocess.h"

namespace img2cad::retrieval {
namespace {

// A dark shape on a light backdrop: a rectangle of w x h centred at (cx, cy) in a 128² image.
image::Image Shape(int w, int h, int cx = 64, int cy = 64) {
  image::Image img(128, 128, 3, 230);
  for (int y = cy - h / 2; y < cy + h / 2; ++y)
    for (int x = cx - w / 2; x < cx + w / 2; ++x)
      for (int k = 0; k < 3; ++k) img.at(x, y, k) = 50;
  return img;
}

// The descriptor of a whole photo, found and cropped as the pipeline does.
std::vector<float> Describe(const image::Image& photo) {
  const image::Crop crop = image::CropToObject(photo, image::FindForeground(photo), kCropSize);
  return retrieval::Describe(crop.rgb, crop.mask);
}

TEST(DescriptorTest, InvariantToPositionAndScaleButNotShape) {
  const auto tall = Describe(Shape(30, 90)), tall_moved = Describe(Shape(20, 60, 30, 40));
  const auto wide = Describe(Shape(90, 30));
  auto dist = [](const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(s);
  };
  ASSERT_EQ(tall.size(), static_cast<size_t>(kDescriptorDim));
  EXPECT_LT(dist(tall, tall_moved), 0.15);
  EXPECT_GT(dist(tall, wide), 0.5);
}

TEST(IndexTest, SaveLoadRoundTripAndSearch) {
  Index index;
  index.Add({"chair_1", "chair", 30, 20, Describe(Shape(30, 90)), "{\"a\": 1}"});
  index.Add({"table_2", "table", -30, 10, Describe(Shape(90, 30)), std::string(5000, 'x')});
  core::TempDir tmp("retrieval_test");
  const auto path = (tmp.path() / "index.bin").string();
  ASSERT_TRUE(index.Save(path).ok());
  auto loaded = Index::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ(loaded->entries()[1].program_json, std::string(5000, 'x'));
  EXPECT_EQ(loaded->entries()[0].azimuth_deg, 30);
  float d;
  EXPECT_EQ(loaded->Nearest(Describe(Shape(25, 80)), &d).id, "chair_1");
  EXPECT_EQ(loaded->Nearest(Describe(Shape(25, 80)), &d, "table").id, "table_2");
  const auto k = loaded->NearestK(Describe(Shape(25, 80)), 5);
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k[0].index, 0u);
  EXPECT_LE(k[0].distance, k[1].distance);
  // A truncated file names itself and the entry.
  const std::string bytes = core::ReadFile(path).value();
  ASSERT_TRUE(core::WriteFileAtomic(path, bytes.substr(0, bytes.size() - 10)).ok());
  auto bad = Index::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("entries[1]: truncated"), std::string::npos)
      << bad.status().ToString();
  ASSERT_TRUE(core::WriteFileAtomic(path, "not an index").ok());
  EXPECT_NE(Index::Load(path).status().ToString().find("bad magic"), std::string::npos);
  std::filesystem::remove(path);
  EXPECT_EQ(Index::Load(path).status().code(), core::StatusCode::kNotFound);
}

}  // namespace
}  // namespace img2cad::retrieval
