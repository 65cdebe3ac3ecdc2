#include "geom/mesh.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace img2cad::geom {

namespace {
std::array<double, 3> D(const Vec3f& v) { return {v[0], v[1], v[2]}; }
}  // namespace

void Mesh::Append(const Mesh& other) {
  IMG2CAD_CHECK_EQ(triangles.size(), part_ids.size());
  const auto offset = static_cast<uint32_t>(vertices.size());
  vertices.insert(vertices.end(), other.vertices.begin(), other.vertices.end());
  for (const auto& t : other.triangles)
    triangles.push_back({t[0] + offset, t[1] + offset, t[2] + offset});
  part_ids.insert(part_ids.end(), other.part_ids.begin(), other.part_ids.end());
}

Mesh BoxMesh(const Vec3f& min, const Vec3f& max, int32_t part) {
  Mesh m;
  for (int i = 0; i < 8; ++i)
    m.vertices.push_back(
        {(i & 1) ? max[0] : min[0], (i & 2) ? max[1] : min[1], (i & 4) ? max[2] : min[2]});
  m.triangles = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6}, {0, 1, 4}, {1, 5, 4},
                 {2, 6, 3}, {3, 6, 7}, {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};
  m.part_ids.assign(m.triangles.size(), part);
  return m;
}

Box3 Bounds(const Mesh& mesh) {
  Box3 b;
  if (mesh.vertices.empty()) return b;
  b.min = b.max = mesh.vertices[0];
  for (const auto& v : mesh.vertices) {
    for (int k = 0; k < 3; ++k) {
      b.min[k] = std::min(b.min[k], v[k]);
      b.max[k] = std::max(b.max[k], v[k]);
    }
  }
  return b;
}

double SurfaceArea(const Mesh& mesh) {
  double area = 0;
  for (const auto& t : mesh.triangles) {
    const auto a = D(mesh.vertices[t[0]]), b = D(mesh.vertices[t[1]]), c = D(mesh.vertices[t[2]]);
    const double ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
    const double vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
    const double cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
    area += 0.5 * std::sqrt(cx * cx + cy * cy + cz * cz);
  }
  return area;
}

double EnclosedVolume(const Mesh& mesh, int part) {
  double vol = 0;
  for (size_t i = 0; i < mesh.triangles.size(); ++i) {
    if (part >= 0 && mesh.part_ids[i] != part) continue;
    const auto& t = mesh.triangles[i];
    const auto a = D(mesh.vertices[t[0]]), b = D(mesh.vertices[t[1]]), c = D(mesh.vertices[t[2]]);
    vol += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
            a[2] * (b[0] * c[1] - b[1] * c[0])) /
           6.0;
  }
  return vol;
}

}  // namespace img2cad::geom
