#include "cad/mesh_io.h"

#include <Message_ProgressRange.hxx>
#include <Poly_Triangulation.hxx>
#include <RWObj_TriangulationReader.hxx>
#include <RWStl.hxx>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "cad/occ_internal.h"

namespace img2cad::cad {

core::Result<geom::Mesh> ReadMeshFile(const std::string& path, double scale) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext != ".obj" && ext != ".stl") {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "not a mesh file (expected .obj or .stl)", "", path);
  }
  if (!(scale > 0)) {
    return core::Status(core::StatusCode::kInvalidArgument, "mesh scale must be positive", "",
                        path);
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::Status(core::StatusCode::kNotFound, "no such mesh file", "", path);
  }
  SilenceKernelOutput();
  return GuardKernel(path, [&]() -> core::Result<geom::Mesh> {
    Handle(Poly_Triangulation) tri;
    if (ext == ".stl") {
      tri = RWStl::ReadFile(path.c_str(), Message_ProgressRange());
    } else {
      RWObj_TriangulationReader reader;
      reader.SetCreateShapes(false);
      if (reader.Read(path.c_str(), Message_ProgressRange())) tri = reader.GetTriangulation();
    }
    if (tri.IsNull() || tri->NbTriangles() == 0) {
      return core::Status(core::StatusCode::kParse, "no triangles could be read", "", path);
    }
    geom::Mesh mesh;
    mesh.vertices.reserve(tri->NbNodes());
    for (int i = 1; i <= tri->NbNodes(); ++i) {
      const gp_Pnt p = tri->Node(i);
      mesh.vertices.push_back({static_cast<float>(p.X() * scale), static_cast<float>(p.Y() * scale),
                               static_cast<float>(p.Z() * scale)});
    }
    const int n = tri->NbNodes();
    for (int t = 1; t <= tri->NbTriangles(); ++t) {
      int a, b, c;
      tri->Triangle(t).Get(a, b, c);
      if (a < 1 || b < 1 || c < 1 || a > n || b > n || c > n) {
        return core::Status(core::StatusCode::kParse,
                            "triangle " + std::to_string(t) + " refers to a missing vertex", "",
                            path);
      }
      mesh.triangles.push_back({static_cast<uint32_t>(a - 1), static_cast<uint32_t>(b - 1),
                                static_cast<uint32_t>(c - 1)});
      mesh.part_ids.push_back(0);
    }
    return mesh;
  });
}

}  // namespace img2cad::cad
