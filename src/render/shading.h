// Internal to render/: procedural textures and small vector helpers shared by the ray tracer and
// the scene randomiser.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "geom/mesh.h"
#include "render/renderer.h"

namespace img2cad::render::internal {

inline Vec3d Add(const Vec3d& a, const Vec3d& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3d Sub(const Vec3d& a, const Vec3d& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3d Mul(const Vec3d& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
inline double Dot(const Vec3d& a, const Vec3d& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
inline Vec3d Cross(const Vec3d& a, const Vec3d& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline Vec3d Normalize(const Vec3d& a) {
  const double n = std::sqrt(Dot(a, a));
  return n > 0 ? Mul(a, 1 / n) : Vec3d{0, 0, 1};
}
inline Rgb Mix(const Rgb& a, const Rgb& b, double t) {
  return {static_cast<float>(a[0] + (b[0] - a[0]) * t),
          static_cast<float>(a[1] + (b[1] - a[1]) * t),
          static_cast<float>(a[2] + (b[2] - a[2]) * t)};
}
inline Rgb Scale(const Rgb& a, double s) {
  return {static_cast<float>(a[0] * s), static_cast<float>(a[1] * s), static_cast<float>(a[2] * s)};
}
inline Rgb Times(const Rgb& a, const Rgb& b) { return {a[0] * b[0], a[1] * b[1], a[2] * b[2]}; }

// Integer lattice hash to [0, 1).
inline double Hash(int64_t x, int64_t y, int64_t z, uint32_t seed) {
  uint64_t h = static_cast<uint64_t>(x) * 0x9E3779B185EBCA87ULL ^
               static_cast<uint64_t>(y) * 0xC2B2AE3D27D4EB4FULL ^
               static_cast<uint64_t>(z) * 0x165667B19E3779F9ULL ^ (uint64_t{seed} << 32);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

// Smooth value noise in [0, 1) at a point in lattice units.
double ValueNoise(const Vec3d& p, uint32_t seed);

// Two octaves of value noise.
inline double Fbm(const Vec3d& p, uint32_t seed) {
  return 0.65 * ValueNoise(p, seed) + 0.35 * ValueNoise(Mul(p, 2.03), seed + 17);
}

// The bounding box of each part id 0..num_parts-1 of a mesh (mm); `present` is false for an id
// without triangles. Triangles of other ids are ignored.
struct PartBox {
  Vec3d lo{1e30, 1e30, 1e30}, hi{-1e30, -1e30, -1e30};
  bool present = false;
};
std::vector<PartBox> PartBoxes(const geom::Mesh& mesh, int num_parts);

// Albedo of `m` at world point p (mm); `axis` is the grain axis to use for wood.
Rgb Albedo(const Material& m, const Vec3d& p, const Vec3d& axis);

inline float ToSrgb(float linear) {
  const float c = linear <= 0 ? 0.f : (linear >= 1 ? 1.f : linear);
  return c <= 0.0031308f ? 12.92f * c : 1.055f * std::pow(c, 1 / 2.4f) - 0.055f;
}
inline float FromSrgb(float s) {
  return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
}

// Linear RGB of a colour given in sRGB (0..1), as a person picks it.
Rgb Lin(double r, double g, double b);
// Linear RGB of an sRGB colour given as hue (degrees), saturation and value (0..1).
Rgb Hsv(double h, double s, double v);

}  // namespace img2cad::render::internal

namespace img2cad::render::internal {
inline Rgb Add3(const Rgb& a, const Rgb& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
}  // namespace img2cad::render::internal
