#include "program/layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <variant>

#include "program/sketch_geometry.h"
#include "program/vocabulary.h"

namespace img2cad::program {

namespace {

constexpr double kMinOverlapMm = 1;
constexpr int kMaxRounds = 10;

bool IsFront(const Part& p) { return p.label == "door" || p.label == "drawer"; }

// The bounds of a part's first feature: a front's panel.
Bounds3 PanelBounds(const Part& part) {
  Part panel;
  panel.features = {part.features.front()};
  return ApproxPartBounds(panel);
}

double Overlap(const Bounds3& a, const Bounds3& b, int k) {
  return std::min(a.max[k], b.max[k]) - std::max(a.min[k], b.min[k]);
}

// The map that takes box `from` onto box `to` along the axes in `axes` (the others unchanged).
struct AxisMap {
  double scale[3] = {1, 1, 1}, from[3] = {0, 0, 0}, to[3] = {0, 0, 0};
  AxisMap() = default;
  AxisMap(const Bounds3& a, const Bounds3& b, std::initializer_list<int> axes) {
    for (int k : axes) {
      const double w = a.max[k] - a.min[k];
      scale[k] = w > 1e-9 ? (b.max[k] - b.min[k]) / w : 1;
      from[k] = a.min[k], to[k] = b.min[k];
    }
  }
  Vec3 operator()(const Vec3& p) const {
    Vec3 q;
    for (int k = 0; k < 3; ++k) q[k] = to[k] + scale[k] * (p[k] - from[k]);
    return q;
  }
  // How much the map lengthens the unit vector `d`.
  double Stretch(const Vec3& d) const {
    double s = 0;
    for (int k = 0; k < 3; ++k) s += std::pow(scale[k] * d[k], 2);
    return std::sqrt(s);
  }
};

Vec3 Minus(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

// Maps one feature: its sketch points through the plane's frame, its origin, and its extrusion
// lengths by how much the map stretches the plane's normal. The plane's directions stay. With
// `radii`, circles take the geometric mean stretch of the plane's two directions (else they keep
// theirs).
void MapFeature(const AxisMap& m, Feature* f, bool radii = false) {
  auto frame = MakeFrame(f->sketch.plane);
  if (!frame.ok()) return;  // a validated program has none such
  const Vec3 origin = m(frame->origin);
  ForEachPoint(*f, [&](Vec2& p) {
    const Vec3 w = Minus(m(frame->ToWorld(p)), origin);
    p = {Dot(w, frame->u), Dot(w, frame->v)};
  });
  f->sketch.plane.origin = origin;
  if (radii) {
    const double r = std::sqrt(m.Stretch(frame->u) * m.Stretch(frame->v));
    for (auto& loop : f->sketch.loops)
      for (auto& c : loop)
        if (auto* circle = std::get_if<Circle>(&c)) circle->radius *= r;
  }
  const double stretch = m.Stretch(frame->n);
  f->extrude.distance *= stretch;
  f->extrude.distance2 *= stretch;
}

}  // namespace

Program SeparateFronts(Program program, std::vector<std::string>* notes) {
  std::vector<size_t> fronts;
  for (size_t i = 0; i < program.parts.size(); ++i)
    if (IsFront(program.parts[i]) && !program.parts[i].features.empty()) fronts.push_back(i);
  std::vector<Bounds3> before, after;
  for (size_t i : fronts) before.push_back(PanelBounds(program.parts[i]));
  after = before;
  bool any = false;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool moved = false;
    for (size_t a = 0; a < fronts.size(); ++a)
      for (size_t b = a + 1; b < fronts.size(); ++b) {
        Bounds3 &A = after[a], &B = after[b];
        const double ox = Overlap(A, B, 0), oy = Overlap(A, B, 1), oz = Overlap(A, B, 2);
        if (ox <= kMinOverlapMm || oy <= kMinOverlapMm || oz <= kMinOverlapMm) continue;
        const double wx = std::min(A.max[0] - A.min[0], B.max[0] - B.min[0]);
        const double wz = std::min(A.max[2] - A.min[2], B.max[2] - B.min[2]);
        const int k = ox * wz < oz * wx ? 0 : 2;  // ox / wx < oz / wz without dividing
        Bounds3& first = A.min[k] + A.max[k] <= B.min[k] + B.max[k] ? A : B;
        Bounds3& second = &first == &A ? B : A;
        const double middle = (std::max(A.min[k], B.min[k]) + std::min(A.max[k], B.max[k])) / 2;
        first.max[k] = middle;
        second.min[k] = middle;
        moved = any = true;
        if (notes) {
          char at[32];
          std::snprintf(at, sizeof at, "%.1f", middle);
          notes->push_back(PartDisplayName(program.parts[fronts[a]]) + " and " +
                           PartDisplayName(program.parts[fronts[b]]) + " separated along " +
                           (k == 0 ? "x" : "z") + " at " + at + " mm");
        }
      }
    if (!moved) break;
  }
  if (!any) return program;
  // Handles follow the front they sit on (the first whose old box holds their centre), each once:
  // their centres before any move.
  std::vector<size_t> handles;
  std::vector<Vec3> centres;
  for (size_t h = 0; h < program.parts.size(); ++h)
    if (program.parts[h].label == "handle" && !program.parts[h].features.empty()) {
      handles.push_back(h);
      centres.push_back(ApproxPartBounds(program.parts[h]).Center());
    }
  std::vector<bool> handle_moved(handles.size(), false);
  for (size_t j = 0; j < fronts.size(); ++j) {
    const Bounds3 &from = before[j], &to = after[j];
    bool same = true;
    for (int k : {0, 2}) same &= from.min[k] == to.min[k] && from.max[k] == to.max[k];
    if (same) continue;
    const AxisMap map(from, to, {0, 2});
    for (Feature& f : program.parts[fronts[j]].features) MapFeature(map, &f);
    for (size_t h = 0; h < handles.size(); ++h) {
      const Vec3& c = centres[h];
      if (handle_moved[h] || c[0] < from.min[0] || c[0] > from.max[0] || c[2] < from.min[2] ||
          c[2] > from.max[2])
        continue;
      const Vec3 shift = Minus(map(c), c);
      for (Feature& f : program.parts[handles[h]].features)
        for (int k = 0; k < 3; ++k) f.sketch.plane.origin[k] += shift[k];
      handle_moved[h] = true;
    }
  }
  return program;
}

Program ScaleProgram(Program program, const Vec3& scale) {
  AxisMap map;
  for (int k = 0; k < 3; ++k) map.scale[k] = scale[k];
  for (Part& part : program.parts)
    for (Feature& f : part.features) MapFeature(map, &f, /*radii=*/true);
  return program;
}

}  // namespace img2cad::program
