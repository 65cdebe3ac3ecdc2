#include "render/shading.h"

#include <algorithm>
#include <numbers>

namespace img2cad::render::internal {

Rgb Lin(double r, double g, double b) {
  return {FromSrgb(static_cast<float>(r)), FromSrgb(static_cast<float>(g)),
          FromSrgb(static_cast<float>(b))};
}

Rgb Hsv(double h, double s, double v) {
  const double c = v * s, hp = std::fmod(h, 360) / 60, x = c * (1 - std::abs(std::fmod(hp, 2) - 1));
  double r = 0, g = 0, b = 0;
  if (hp < 1)
    r = c, g = x;
  else if (hp < 2)
    r = x, g = c;
  else if (hp < 3)
    g = c, b = x;
  else if (hp < 4)
    g = x, b = c;
  else if (hp < 5)
    r = x, b = c;
  else
    r = c, b = x;
  const double m = v - c;
  return Lin(r + m, g + m, b + m);
}

std::vector<PartBox> PartBoxes(const geom::Mesh& mesh, int num_parts) {
  std::vector<PartBox> parts(std::max(num_parts, 0));
  for (size_t t = 0; t < mesh.triangles.size(); ++t) {
    const int id = mesh.part_ids[t];
    if (id < 0 || id >= num_parts) continue;
    PartBox& p = parts[id];
    p.present = true;
    for (uint32_t vi : mesh.triangles[t]) {
      for (int k = 0; k < 3; ++k) {
        p.lo[k] = std::min(p.lo[k], static_cast<double>(mesh.vertices[vi][k]));
        p.hi[k] = std::max(p.hi[k], static_cast<double>(mesh.vertices[vi][k]));
      }
    }
  }
  return parts;
}

double ValueNoise(const Vec3d& p, uint32_t seed) {
  const double fx = std::floor(p[0]), fy = std::floor(p[1]), fz = std::floor(p[2]);
  const auto x = static_cast<int64_t>(fx), y = static_cast<int64_t>(fy),
             z = static_cast<int64_t>(fz);
  auto smooth = [](double t) { return t * t * (3 - 2 * t); };
  const double tx = smooth(p[0] - fx), ty = smooth(p[1] - fy), tz = smooth(p[2] - fz);
  double c[2][2][2];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k) c[i][j][k] = Hash(x + i, y + j, z + k, seed);
  auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
  const double x00 = lerp(c[0][0][0], c[1][0][0], tx), x10 = lerp(c[0][1][0], c[1][1][0], tx);
  const double x01 = lerp(c[0][0][1], c[1][0][1], tx), x11 = lerp(c[0][1][1], c[1][1][1], tx);
  return lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz);
}

namespace {

Rgb BaseAlbedo(const Material& m, const Vec3d& p, const Vec3d& axis) {
  switch (m.kind) {
    case MaterialKind::kWood: {
      // Growth rings: distance from a line along the grain, warped by noise so rings wander,
      // plus fine streaks stretched along the grain.
      const double along = Dot(p, axis);
      const Vec3d radial = Sub(p, Mul(axis, along));
      const double r = std::sqrt(Dot(radial, radial));
      const double warp = 2.0 * Fbm(Mul(p, 1.0 / 60), 11);
      const double t = r / m.grain_scale_mm + warp;
      const double ring = std::pow(0.5 + 0.5 * std::sin(2 * std::numbers::pi * t), 3.0);
      const Vec3d streak_p = Add(Mul(radial, 1.0 / 1.5), Mul(axis, along / 80));
      const double streak = ValueNoise(streak_p, 5);
      return Mix(m.color, m.color2, 0.55 * ring + 0.25 * streak);
    }
    case MaterialKind::kFabric: {
      const double s = m.grain_scale_mm;
      const double weave = 0.5 + 0.25 * (std::sin(p[0] / s * 6.28) * std::sin(p[1] / s * 6.28) +
                                         std::sin(p[2] / s * 6.28));
      const double n = Fbm(Mul(p, 1.0 / 8), 23);
      double quilt = 1;
      if (m.quilt_mm > 0) {
        // Seams are level sets of y + z, so they run across a seat (y varies over its depth) and
        // across a back (z varies up it); each panel between two seams bulges a little, lighter
        // in its middle.
        const double t = (p[1] + p[2]) / m.quilt_mm;
        const double f = t - std::floor(t);
        const double to_seam_mm = std::min(f, 1 - f) * m.quilt_mm;
        quilt = (1 - 0.5 * std::exp(-to_seam_mm * to_seam_mm / 4.0)) *
                (0.9 + 0.1 * std::sin(std::numbers::pi * f));
      }
      return Scale(m.color, (0.8 + 0.12 * weave + 0.16 * n) * quilt);
    }
    case MaterialKind::kMetal:
    case MaterialKind::kPaint: {
      const double n = ValueNoise(Mul(p, 1.0 / 40), 31);
      return Scale(m.color, 0.96 + 0.08 * n);
    }
  }
  return m.color;
}

// The factor of a panelled front at p: the groove is a Gaussian across the inset rectangle's
// outline, half as wide as a fifth of the inset so that it stays about a pixel at our render
// sizes; the panel inside it takes panel_shade.
double PanelFactor(const Material& m, const Vec3d& p) {
  const double in = m.panel_inset_mm;
  const double u0 = m.panel_min[0] + in, u1 = m.panel_max[0] - in;
  const double v0 = m.panel_min[2] + in, v1 = m.panel_max[2] - in;
  if (u1 <= u0 || v1 <= v0) return 1;
  const double du = std::max({u0 - p[0], 0.0, p[0] - u1}),
               dv = std::max({v0 - p[2], 0.0, p[2] - v1});
  const bool inside = du == 0 && dv == 0;
  const double d = inside ? std::min({p[0] - u0, u1 - p[0], p[2] - v0, v1 - p[2]})
                          : std::sqrt(du * du + dv * dv);
  const double width = std::max(2.0, 0.2 * in);
  const double groove = 1 - m.panel_groove * std::exp(-d * d / (width * width));
  return groove * (inside ? m.panel_shade : 1.0);
}

}  // namespace

Rgb Albedo(const Material& m, const Vec3d& p, const Vec3d& axis) {
  const Rgb base = BaseAlbedo(m, p, axis);
  return m.panel_inset_mm > 0 ? Scale(base, PanelFactor(m, p)) : base;
}

}  // namespace img2cad::render::internal
