#include "cad/export.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include <unistd.h>

#include "core/file_io.h"
#include "core/temp_dir.h"
#include "program/json_io.h"

namespace img2cad::cad {
namespace {
namespace fs = std::filesystem;

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json");
    ASSERT_TRUE(p.ok());
    auto m = BuildModel(*p);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = new Model(std::move(m).value());
  }
  static void TearDownTestSuite() { delete model_; }
  static Model* model_;
  core::TempDir tmp_{"export"};
  const fs::path dir_ = tmp_.path();
};
Model* ExportTest::model_ = nullptr;

TEST_F(ExportTest, StepReadsBackWithNamesVolumesAndUnits) {
  auto paths = ExportModel(*model_, dir_.string(), {ExportFormat::kStep});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  auto summary = ReadStepSummary((dir_ / "model.step").string());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->root_name, "chair");
  EXPECT_EQ(summary->length_unit.find("milli"), 0u) << summary->length_unit;
  ASSERT_EQ(summary->solids.size(), model_->NumParts());
  for (size_t i = 0; i < model_->NumParts(); ++i) {
    const PartReport& r = model_->Parts()[i];
    EXPECT_EQ(summary->solids[i].name, r.name);
    EXPECT_TRUE(summary->solids[i].valid);
    EXPECT_NEAR(summary->solids[i].volume_mm3, r.volume_mm3, r.volume_mm3 * 1e-6) << r.name;
  }
  const std::string text = core::ReadFile((dir_ / "model.step").string()).value();
  EXPECT_NE(text.find("AUTOMOTIVE_DESIGN"), std::string::npos);  // AP214
  EXPECT_NE(text.find("'leg 2'"), std::string::npos);
  EXPECT_NE(text.find("COLOUR_RGB"), std::string::npos);
}

nlohmann::json ReadGlbJson(const std::string& path, uint32_t* total_length) {
  const std::string bytes = core::ReadFile(path).value();
  EXPECT_GE(bytes.size(), 20u);
  EXPECT_EQ(bytes.substr(0, 4), "glTF");
  uint32_t version, length, chunk_length;
  std::memcpy(&version, bytes.data() + 4, 4);
  std::memcpy(&length, bytes.data() + 8, 4);
  std::memcpy(&chunk_length, bytes.data() + 12, 4);
  EXPECT_EQ(version, 2u);
  EXPECT_EQ(bytes.substr(16, 4), "JSON");
  *total_length = length;
  EXPECT_EQ(length, bytes.size());
  return nlohmann::json::parse(bytes.substr(20, chunk_length));
}

TEST_F(ExportTest, GlbHasNamedNodesMaterialsAndYUpMetres) {
  ASSERT_TRUE(ExportModel(*model_, dir_.string(), {ExportFormat::kGlb}).ok());
  uint32_t length = 0;
  const nlohmann::json gltf = ReadGlbJson((dir_ / "model.glb").string(), &length);
  std::set<std::string> names;
  for (const auto& n : gltf["nodes"]) {
    if (n.contains("name")) names.insert(n["name"].get<std::string>());
  }
  for (const auto& r : model_->Parts()) EXPECT_TRUE(names.count(r.name)) << r.name;
  // One material per distinct part colour (seat, back, leg, stretcher, arm).
  EXPECT_GE(gltf["materials"].size(), 5u);
  // Positions: y is up and in metres. The chair is 885 mm tall and 420 mm deep.
  float max_up = -1e9, min_up = 1e9;
  for (const auto& mesh : gltf["meshes"]) {
    for (const auto& prim : mesh["primitives"]) {
      const auto& acc = gltf["accessors"][prim["attributes"]["POSITION"].get<int>()];
      max_up = std::max(max_up, acc["max"][1].get<float>());
      min_up = std::min(min_up, acc["min"][1].get<float>());
    }
  }
  const double height_m = (model_->Bounds().max[2] - model_->Bounds().min[2]) / 1000;
  EXPECT_NEAR(max_up - min_up, height_m, 0.01);
}

TEST_F(ExportTest, StlIsBinaryWithEveryTriangle) {
  ASSERT_TRUE(ExportModel(*model_, dir_.string(), {ExportFormat::kStl}).ok());
  const std::string bytes = core::ReadFile((dir_ / "model.stl").string()).value();
  ASSERT_GE(bytes.size(), 84u);
  uint32_t n;
  std::memcpy(&n, bytes.data() + 80, 4);
  EXPECT_EQ(bytes.size(), 84u + 50u * n);
  auto mesh = Tessellate(*model_);
  EXPECT_EQ(n, mesh->NumTriangles());
}

TEST_F(ExportTest, ObjHasAGroupPerPartAndItsMaterials) {
  auto paths = ExportModel(*model_, dir_.string(), {ExportFormat::kObj});
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  const std::string obj = core::ReadFile((dir_ / "model.obj").string()).value();
  EXPECT_NE(obj.find("mtllib model.mtl"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "model.mtl"));
  for (const auto& r : model_->Parts()) {
    EXPECT_NE(obj.find(r.name), std::string::npos) << r.name;
  }
  // nothing else left in the directory: no temporaries
  size_t entries = std::distance(fs::directory_iterator(dir_), fs::directory_iterator());
  EXPECT_EQ(entries, 2u);
}

TEST_F(ExportTest, FailedExportLeavesNothing) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "blocker") << "x";
  auto r = ExportModel(*model_, (dir_ / "blocker" / "out").string(), AllFormats());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(ExportTest, ConcurrentExportsAreSafe) {
  // Two threads exporting at once used to corrupt OpenCASCADE's shared exchange state.
  auto work = [&](int t) {
    for (int i = 0; i < 4; ++i) {
      auto r = ExportModel(*model_, (dir_ / (std::to_string(t) + "_" + std::to_string(i))).string(),
                           AllFormats());
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      auto s = ReadStepSummary(
          (dir_ / (std::to_string(t) + "_" + std::to_string(i)) / "model.step").string());
      EXPECT_TRUE(s.ok() && s->solids.size() == model_->NumParts());
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
}

// Resident memory of this process, MB (Linux /proc/self/statm).
double ResidentMb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1048576.0);
}

// Each export used to leave its XCAF document registered with OpenCASCADE's shared application:
// about 0.5 MB per exported model, for the life of a batch.
TEST_F(ExportTest, RepeatedExportsKeepMemoryFlat) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(ExportModel(*model_, dir_.string(), AllFormats()).ok());
  const double before = ResidentMb();
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(ExportModel(*model_, dir_.string(), AllFormats()).ok());
  EXPECT_LT(ResidentMb() - before, 15.0) << "MB grown over 150 exports";
}

TEST(FormatsTest, Parse) {
  auto f = ParseFormats("step,GLB,step");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), 2u);
  auto bad = ParseFormats("step,fbx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(),
            "--formats: unknown format 'fbx' (expected step, glb, stl, obj)");
}

}  // namespace
}  // namespace img2cad::cad
