// Triangle meshes with a part id per triangle: the common currency between cad/ (tessellation),
// render/ (ray tracing) and eval/ (point sampling, metrics). No heavy dependency.
// Units: whatever the producer used; cad/ produces millimetres in the program frame (z up).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace img2cad::geom {

using Vec3f = std::array<float, 3>;

struct Mesh {
  std::vector<Vec3f> vertices;
  // Indexes into `vertices`, counter-clockwise seen from outside.
  std::vector<std::array<uint32_t, 3>> triangles;
  // part_ids[t] is the index of the part triangle t belongs to (program part order).
  std::vector<int32_t> part_ids;

  size_t NumTriangles() const { return triangles.size(); }
  // Appends `other`, offsetting its vertex indexes.
  void Append(const Mesh& other);
};

struct Box3 {
  Vec3f min{0, 0, 0};
  Vec3f max{0, 0, 0};
};

// The axis-aligned box [min, max] as 8 vertices and 12 outward triangles, all of part `part`.
Mesh BoxMesh(const Vec3f& min, const Vec3f& max, int32_t part = 0);

// Bounds of all vertices; a zero box for an empty mesh.
Box3 Bounds(const Mesh& mesh);

// Total triangle area.
double SurfaceArea(const Mesh& mesh);

// Signed enclosed volume (divergence theorem): positive for a closed, outward-oriented mesh.
// `part` < 0 means all triangles, otherwise only those with that part id.
double EnclosedVolume(const Mesh& mesh, int part = -1);

}  // namespace img2cad::geom
