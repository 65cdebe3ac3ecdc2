#include "cad/mesh_io.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cad/export.h"
#include "cad/model.h"
#include "core/temp_dir.h"
#include "program/json_io.h"

namespace img2cad::cad {
namespace {

TEST(MeshIoTest, ReadsBackOurOwnStlAndObj) {
  auto program = program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/table.json");
  ASSERT_TRUE(program.ok());
  auto model = BuildModel(*program);
  ASSERT_TRUE(model.ok());
  core::TempDir tmp("mesh_io");
  ASSERT_TRUE(
      ExportModel(*model, tmp.path().string(), {ExportFormat::kStl, ExportFormat::kObj}).ok());
  auto tess = Tessellate(*model);
  ASSERT_TRUE(tess.ok());
  const geom::Box3 want = geom::Bounds(*tess);
  for (const char* file : {"model.stl", "model.obj"}) {
    auto mesh = ReadMeshFile((tmp.path() / file).string());
    ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
    EXPECT_GT(mesh->NumTriangles(), 100u) << file;
    EXPECT_EQ(mesh->part_ids.size(), mesh->NumTriangles());
    const geom::Box3 got = geom::Bounds(*mesh);
    for (int k = 0; k < 3; ++k) {  // millimetres, z up, as the model
      EXPECT_NEAR(got.min[k], want.min[k], 0.5) << file << " axis " << k;
      EXPECT_NEAR(got.max[k], want.max[k], 0.5) << file << " axis " << k;
    }
    auto metres = ReadMeshFile((tmp.path() / file).string(), 0.001);
    ASSERT_TRUE(metres.ok());
    EXPECT_NEAR(geom::Bounds(*metres).max[2], want.max[2] * 0.001, 1e-3);
  }
}

TEST(MeshIoTest, BadFilesAreClearErrors) {
  core::TempDir tmp("mesh_io_bad");
  EXPECT_EQ(ReadMeshFile((tmp.path() / "none.stl").string()).status().code(),
            core::StatusCode::kNotFound);
  EXPECT_EQ(ReadMeshFile((tmp.path() / "model.ply").string()).status().code(),
            core::StatusCode::kInvalidArgument);
  const std::string garbage = (tmp.path() / "garbage.obj").string();
  std::ofstream(garbage) << "this is not an obj file\n";
  auto r = ReadMeshFile(garbage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kParse);
  EXPECT_NE(r.status().ToString().find("garbage.obj"), std::string::npos);
  const std::string stl = (tmp.path() / "empty.STL").string();
  std::ofstream(stl) << "solid x\nendsolid x\n";
  EXPECT_FALSE(ReadMeshFile(stl).ok());
}

}  // namespace
}  // namespace img2cad::cad
