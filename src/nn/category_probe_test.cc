#include "nn/category_probe.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "core/file_io.h"

namespace img2cad::nn {
namespace {

// Three categories told apart by which of columns 0-2 is large; column 3 is noise, and column 4
// would give the answer away but is not among the probe's columns.
void Blobs(int n, uint32_t seed, std::vector<std::vector<float>>* x, std::vector<int>* y) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (int i = 0; i < n; ++i) {
    const int label = i % 3;
    std::vector<float> row = {u(rng), u(rng), u(rng), u(rng) * 5, static_cast<float>(label)};
    row[label] += 1.5f;
    x->push_back(row);
    y->push_back(label);
  }
}

TEST(CategoryProbeTest, LearnsSeparableCategoriesAndRoundTrips) {
  std::vector<std::vector<float>> x, test_x;
  std::vector<int> y, test_y;
  Blobs(300, 1, &x, &y);
  Blobs(60, 2, &test_x, &test_y);
  auto probe = CategoryProbe::Fit(x, y, {.columns = {0, 1, 2, 3}});
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  int right = 0;
  for (size_t i = 0; i < test_x.size(); ++i) {
    const auto p = probe->Probs(test_x[i]);
    ASSERT_TRUE(p.ok());
    ASSERT_EQ(p->size(), 3u);
    EXPECT_NEAR((*p)[0] + (*p)[1] + (*p)[2], 1.0, 1e-9);
    right += std::max_element(p->begin(), p->end()) - p->begin() == test_y[i];
  }
  EXPECT_GE(right, 54) << "of 60";
  // Deterministic, and the saved model answers exactly as the fitted one.
  auto again = CategoryProbe::Fit(x, y, {.columns = {0, 1, 2, 3}});
  EXPECT_EQ(*again->Probs(test_x[0]), *probe->Probs(test_x[0]));
  const std::string dir = ::testing::TempDir() + "/probe";
  probe->set_crop_size(128);
  ASSERT_TRUE(probe->Save(dir, R"({"command": "test"})").ok());
  auto loaded = CategoryProbe::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->crop_size(), 128);
  EXPECT_EQ(loaded->columns(), probe->columns());
  for (const auto& row : test_x) {
    const auto a = *probe->Probs(row), b = *loaded->Probs(row);
    for (size_t c = 0; c < a.size(); ++c) EXPECT_NEAR(a[c], b[c], 1e-12);
  }
  EXPECT_FALSE(probe->Probs({1, 2}).ok());  // wrong length
  EXPECT_FALSE(probe->Save(dir, "[1]").ok());
}

TEST(CategoryProbeTest, RefusesBadTrainingData) {
  std::vector<std::vector<float>> x = {{1, 2}, {3, 4}};
  EXPECT_FALSE(CategoryProbe::Fit({}, {}, {.columns = {0}}).ok());
  EXPECT_FALSE(CategoryProbe::Fit(x, {0}, {.columns = {0}}).ok());     // label count
  EXPECT_FALSE(CategoryProbe::Fit(x, {0, 3}, {.columns = {0}}).ok());  // not a category
  EXPECT_FALSE(CategoryProbe::Fit(x, {0, 1}, {.columns = {2}}).ok());  // no such column
  EXPECT_FALSE(CategoryProbe::Fit(x, {0, 1}, {.columns = {}}).ok());
  EXPECT_FALSE(CategoryProbe::Fit({{1, 2}, {3}}, {0, 1}, {.columns = {0}}).ok());  // ragged
  EXPECT_FALSE(CategoryProbe::Fit({{1, -2}, {3, 4}}, {0, 1}, {.columns = {0}}).ok());
  EXPECT_FALSE(CategoryProbe::Fit({{1, NAN}, {3, 4}}, {0, 1}, {.columns = {0}}).ok());
}

TEST(CategoryProbeTest, MissingOrBrokenFilesAreNamedErrors) {
  auto missing = CategoryProbe::Load("/nonexistent/probe");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), core::StatusCode::kNotFound);
  const std::string dir = ::testing::TempDir() + "/broken_probe";
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/model.json", R"({"name": "structure"})").ok());
  auto other = CategoryProbe::Load(dir);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), core::StatusCode::kParse);
  EXPECT_NE(other.status().ToString().find(dir + "/model.json"), std::string::npos);
  ASSERT_TRUE(core::WriteFileAtomic(
                  dir + "/model.json",
                  R"({"name": "category_probe", "categories": ["chair", "table", "storage"],
                      "config": {"feature_size": 2, "crop_size": 192, "columns": [0]},
                      "weights": {"mean": [0, 0], "std": [1, 1], "w": [[1], [1]], "b": [0, 0, 0]}})")
                  .ok());
  auto short_w = CategoryProbe::Load(dir);  // two weight rows for three categories
  ASSERT_FALSE(short_w.ok());
  EXPECT_EQ(short_w.status().code(), core::StatusCode::kParse);
}

}  // namespace
}  // namespace img2cad::nn
