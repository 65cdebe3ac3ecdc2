#include "program/symmetry.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "program/sketch_geometry.h"
#include "program/vocabulary.h"

namespace img2cad::program {

namespace {

// True when `a` and `b` have the same commands (types, arc directions, extents, operations)
// and planes facing the same way (averaging opposite normals would cancel them).
bool SameLayout(const Part& a, const Part& b) {
  if (a.features.size() != b.features.size()) return false;
  for (size_t j = 0; j < a.features.size(); ++j) {
    const Feature &fa = a.features[j], &fb = b.features[j];
    const Vec3 &na = fa.sketch.plane.normal, &nb = fb.sketch.plane.normal;
    const Vec3 &xa = fa.sketch.plane.x_dir, &xb = fb.sketch.plane.x_dir;
    const double n_dot = na[0] * nb[0] + na[1] * nb[1] + na[2] * nb[2];
    const double x_dot = xa[0] * xb[0] + xa[1] * xb[1] + xa[2] * xb[2];
    if (n_dot <= 0.5 * std::hypot(na[0], na[1], na[2]) * std::hypot(nb[0], nb[1], nb[2]) ||
        x_dot <= 0.5 * std::hypot(xa[0], xa[1], xa[2]) * std::hypot(xb[0], xb[1], xb[2]))
      return false;
    if (fa.extrude.extent != fb.extrude.extent || fa.extrude.operation != fb.extrude.operation ||
        fa.sketch.loops.size() != fb.sketch.loops.size())
      return false;
    for (size_t k = 0; k < fa.sketch.loops.size(); ++k) {
      if (fa.sketch.loops[k].size() != fb.sketch.loops[k].size()) return false;
      for (size_t i = 0; i < fa.sketch.loops[k].size(); ++i) {
        const Curve &ca = fa.sketch.loops[k][i], &cb = fb.sketch.loops[k][i];
        if (ca.index() != cb.index()) return false;
        if (const auto* arc = std::get_if<Arc>(&ca); arc && arc->ccw != std::get<Arc>(cb).ccw)
          return false;
      }
    }
  }
  return true;
}

// The largest distance between corresponding world-space sketch points of two parts with the
// same layout.
double MaxPointDistance(const Part& a, const Part& b) {
  double worst = 0;
  for (size_t j = 0; j < a.features.size(); ++j) {
    auto fa = MakeFrame(a.features[j].sketch.plane), fb = MakeFrame(b.features[j].sketch.plane);
    if (!fa.ok() || !fb.ok()) return std::numeric_limits<double>::infinity();
    std::vector<Vec3> pa, pb;
    ForEachPoint(a.features[j], [&](const Vec2& p) { pa.push_back(fa->ToWorld(p)); });
    ForEachPoint(b.features[j], [&](const Vec2& p) { pb.push_back(fb->ToWorld(p)); });
    for (size_t i = 0; i < pa.size() && i < pb.size(); ++i)
      worst = std::max(worst,
                       std::hypot(pa[i][0] - pb[i][0], pa[i][1] - pb[i][1], pa[i][2] - pb[i][2]));
    worst = std::max(worst, std::hypot(fa->origin[0] - fb->origin[0], fa->origin[1] - fb->origin[1],
                                       fa->origin[2] - fb->origin[2]));
  }
  return worst;
}

// The 2D extent of a part's sketches: the largest diagonal of any feature's point bounding box.
double SketchSize(const Part& part) {
  double size = 0;
  for (const Feature& f : part.features) {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    ForEachPoint(f, [&](const Vec2& q) {
      x0 = std::min(x0, q[0]), y0 = std::min(y0, q[1]);
      x1 = std::max(x1, q[0]), y1 = std::max(y1, q[1]);
    });
    if (x0 <= x1) size = std::max(size, std::hypot(x1 - x0, y1 - y0));
  }
  return size;
}

// Line-only loops of `candidate` re-ordered (cyclic shift, possibly reversed) to best match the
// corresponding loops of `target` point by point in world space; the shape is unchanged.
void AlignLineLoops(const Part& target, Part* candidate) {
  for (size_t j = 0; j < candidate->features.size() && j < target.features.size(); ++j) {
    auto ft = MakeFrame(target.features[j].sketch.plane);
    auto fc = MakeFrame(candidate->features[j].sketch.plane);
    if (!ft.ok() || !fc.ok()) continue;
    auto& loops = candidate->features[j].sketch.loops;
    for (size_t k = 0; k < loops.size() && k < target.features[j].sketch.loops.size(); ++k) {
      Loop& loop = loops[k];
      const Loop& want = target.features[j].sketch.loops[k];
      // Both loops must be lines only: a repair may have turned one side's arcs into lines.
      auto lines = [](const Loop& l) {
        return std::all_of(l.begin(), l.end(),
                           [](const Curve& c) { return std::holds_alternative<Line>(c); });
      };
      if (!lines(loop) || !lines(want) || loop.size() != want.size() || loop.size() < 3) continue;
      std::vector<Vec2> pts;
      for (const Curve& c : loop) pts.push_back(std::get<Line>(c).to);
      std::vector<Vec2> reversed;
      for (size_t i = pts.size() - 1; i-- > 0;) reversed.push_back(pts[i]);
      reversed.push_back(pts.back());
      double best = std::numeric_limits<double>::infinity();
      std::vector<Vec2> best_pts = pts;
      for (const auto* order : {&pts, &reversed})
        for (size_t shift = 0; shift < pts.size(); ++shift) {
          double worst = 0;
          for (size_t i = 0; i < pts.size(); ++i) {
            const Vec3 a = fc->ToWorld((*order)[(i + shift) % pts.size()]);
            const Vec3 b = ft->ToWorld(std::get<Line>(want[i]).to);
            worst = std::max(worst, std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
          }
          if (worst < best) {
            best = worst;
            best_pts.clear();
            for (size_t i = 0; i < pts.size(); ++i)
              best_pts.push_back((*order)[(i + shift) % pts.size()]);
          }
        }
      for (size_t i = 0; i < loop.size(); ++i) loop[i] = Line{best_pts[i]};
    }
  }
}

// The argument-wise mean of two parts with the same layout (plane directions renormalised by
// the kernel's frame rule later; they are only averaged here).
Part Average(const Part& a, const Part& b) {
  Part out = a;
  for (size_t j = 0; j < out.features.size(); ++j) {
    Feature& f = out.features[j];
    const Feature& g = b.features[j];
    for (int k = 0; k < 3; ++k) {
      f.sketch.plane.origin[k] = (f.sketch.plane.origin[k] + g.sketch.plane.origin[k]) / 2;
      f.sketch.plane.normal[k] = (f.sketch.plane.normal[k] + g.sketch.plane.normal[k]) / 2;
      f.sketch.plane.x_dir[k] = (f.sketch.plane.x_dir[k] + g.sketch.plane.x_dir[k]) / 2;
    }
    f.extrude.distance = (f.extrude.distance + g.extrude.distance) / 2;
    f.extrude.distance2 = (f.extrude.distance2 + g.extrude.distance2) / 2;
    for (size_t k = 0; k < f.sketch.loops.size(); ++k)
      for (size_t i = 0; i < f.sketch.loops[k].size(); ++i) {
        Curve& c = f.sketch.loops[k][i];
        const Curve& d = g.sketch.loops[k][i];
        auto mean = [](Vec2& p, const Vec2& q) { p = {(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}; };
        if (auto* l = std::get_if<Line>(&c)) mean(l->to, std::get<Line>(d).to);
        if (auto* a = std::get_if<Arc>(&c)) {
          mean(a->to, std::get<Arc>(d).to);
          a->sweep_deg = (a->sweep_deg + std::get<Arc>(d).sweep_deg) / 2;
        }
        if (auto* ci = std::get_if<Circle>(&c)) {
          mean(ci->center, std::get<Circle>(d).center);
          ci->radius = (ci->radius + std::get<Circle>(d).radius) / 2;
        }
      }
  }
  return out;
}

}  // namespace

Part MirrorPart(const Part& part) {
  Part out = part;
  for (Feature& f : out.features) {
    Plane& pl = f.sketch.plane;
    pl.origin[0] = -pl.origin[0];
    pl.normal[0] = -pl.normal[0];
    // -M(x): the new frame's v is then M(v), so sketch points keep v and negate u.
    pl.x_dir = {pl.x_dir[0], -pl.x_dir[1], -pl.x_dir[2]};
    ForEachPoint(f, [](Vec2& p) { p[0] = -p[0]; });
    for (auto& loop : f.sketch.loops)
      for (auto& c : loop)
        if (auto* a = std::get_if<Arc>(&c)) a->ccw = !a->ccw;  // a reflection turns the other way
  }
  return out;
}

Program EnforceReflectX(Program p, std::vector<std::string>* notes, double tolerance) {
  if (p.symmetry != Symmetry::kReflectX || p.parts.empty()) return p;
  auto note = [&](const std::string& s) {
    if (notes) notes->push_back(s);
  };
  std::vector<Vec3> centre(p.parts.size());
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const Bounds3 b = ApproxPartBounds(p.parts[i]);
    centre[i] = b.Center();
    x0 = std::min(x0, b.min[0]), x1 = std::max(x1, b.max[0]);
  }
  const double tol = tolerance * std::max(x1 - x0, 1.0);
  auto name = [&](size_t i) { return PartDisplayName(p.parts[i]); };
  std::vector<size_t> left, right;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    if (std::abs(centre[i][0]) <= tol) {
      if (centre[i][0] != 0) {
        for (Feature& f : p.parts[i].features) f.sketch.plane.origin[0] -= centre[i][0];
        note(name(i) + " moved " + std::to_string(-centre[i][0]) + " mm onto the mirror plane");
      }
    } else {
      (centre[i][0] < 0 ? left : right).push_back(i);
    }
  }
  // Greedy pairing within each label: the closest left/right pair first.
  std::vector<bool> used(p.parts.size(), false);
  while (true) {
    double best = std::numeric_limits<double>::infinity();
    size_t bl = 0, br = 0;
    for (size_t l : left)
      for (size_t r : right) {
        if (used[l] || used[r] || p.parts[l].label != p.parts[r].label) continue;
        const double d = std::hypot(centre[l][0] + centre[r][0], centre[l][1] - centre[r][1],
                                    centre[l][2] - centre[r][2]);
        if (d < best) best = d, bl = l, br = r;
      }
    if (!std::isfinite(best)) break;
    used[bl] = used[br] = true;
    Part mirrored_right = MirrorPart(p.parts[br]);
    Part merged = p.parts[bl];
    AlignLineLoops(merged, &mirrored_right);
    const bool corresponds =
        SameLayout(merged, mirrored_right) &&
        MaxPointDistance(merged, mirrored_right) <= std::max(1.0, 0.1 * SketchSize(merged));
    if (corresponds) merged = Average(merged, mirrored_right);
    const int right_instance = p.parts[br].instance;
    p.parts[bl].features = merged.features;
    p.parts[br] = MirrorPart(merged);
    p.parts[br].instance = right_instance;
    note(name(bl) + " and " + name(br) + " mirrored" +
         (corresponds ? " (averaged)" : " (left copied)"));
  }
  return p;
}

}  // namespace img2cad::program
