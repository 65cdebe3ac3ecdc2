#include "program/sketch_geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/check.h"

namespace img2cad::program {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDegToRad = kPi / 180.0;

double Cross(const Vec2& o, const Vec2& a, const Vec2& b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

bool OnSegment(const Vec2& a, const Vec2& b, const Vec2& p) {
  return std::min(a[0], b[0]) - 1e-12 <= p[0] && p[0] <= std::max(a[0], b[0]) + 1e-12 &&
         std::min(a[1], b[1]) - 1e-12 <= p[1] && p[1] <= std::max(a[1], b[1]) + 1e-12;
}

Vec3 Sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 Scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 Cross3(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double Norm(const Vec3& a) { return std::sqrt(Dot(a, a)); }

}  // namespace

Vec2 ArcGeometry::PointAt(double t) const {
  const double a = start_angle + signed_sweep * t;
  return {center[0] + radius * std::cos(a), center[1] + radius * std::sin(a)};
}

std::optional<ArcGeometry> ComputeArc(const Vec2& start, const Arc& arc) {
  if (!(arc.sweep_deg > 0 && arc.sweep_deg < 360)) return std::nullopt;
  const double dx = arc.to[0] - start[0], dy = arc.to[1] - start[1];
  const double chord = std::hypot(dx, dy);
  if (chord < 1e-9) return std::nullopt;
  const double theta = arc.sweep_deg * kDegToRad;
  // The centre lies on the chord's perpendicular bisector, at signed distance h to the left of
  // the chord for a counter-clockwise arc (h < 0 once the sweep passes 180 degrees).
  const double h = (chord / 2) / std::tan(theta / 2);
  const double lx = -dy / chord, ly = dx / chord;  // left normal
  const double side = arc.ccw ? 1.0 : -1.0;
  ArcGeometry g;
  g.center = {(start[0] + arc.to[0]) / 2 + side * h * lx,
              (start[1] + arc.to[1]) / 2 + side * h * ly};
  g.radius = chord / (2 * std::sin(theta / 2));
  g.start_angle = std::atan2(start[1] - g.center[1], start[0] - g.center[0]);
  g.signed_sweep = side * theta;
  return g;
}

Vec2 ChainStart(const Loop& loop, size_t i) {
  IMG2CAD_CHECK(!loop.empty());
  const Curve& prev = loop[(i + loop.size() - 1) % loop.size()];
  if (const auto* l = std::get_if<Line>(&prev)) return l->to;
  const auto* a = std::get_if<Arc>(&prev);
  IMG2CAD_CHECK(a != nullptr) << "ChainStart on a circle loop";
  return a->to;
}

Polyline LoopPolyline(const Loop& loop, double max_step_deg) {
  Polyline out;
  if (loop.size() == 1) {
    if (const auto* c = std::get_if<Circle>(&loop[0])) {
      const int n = std::max(8, static_cast<int>(std::ceil(360.0 / max_step_deg)));
      for (int k = 0; k < n; ++k) {
        const double a = 2 * kPi * k / n;
        out.points.push_back(
            {c->center[0] + c->radius * std::cos(a), c->center[1] + c->radius * std::sin(a)});
        out.curve_of_point.push_back(0);
      }
      return out;
    }
  }
  for (size_t i = 0; i < loop.size(); ++i) {
    const Vec2 start = ChainStart(loop, i);
    out.points.push_back(start);
    out.curve_of_point.push_back(static_cast<int>(i));
    if (const auto* a = std::get_if<Arc>(&loop[i])) {
      auto g = ComputeArc(start, *a);
      if (!g) continue;  // degenerate: the validator reports it; keep the chord
      const int n = std::max(2, static_cast<int>(std::ceil(a->sweep_deg / max_step_deg)));
      for (int k = 1; k < n; ++k) {
        out.points.push_back(g->PointAt(static_cast<double>(k) / n));
        out.curve_of_point.push_back(static_cast<int>(i));
      }
    }
  }
  return out;
}

double SignedArea(const std::vector<Vec2>& p) {
  double a = 0;
  for (size_t i = 0, n = p.size(); i < n; ++i) {
    const Vec2& q = p[i];
    const Vec2& r = p[(i + 1) % n];
    a += q[0] * r[1] - r[0] * q[1];
  }
  return a / 2;
}

double LoopSignedArea(const Loop& loop) {
  if (loop.size() == 1) {
    if (const auto* c = std::get_if<Circle>(&loop[0])) return kPi * c->radius * c->radius;
  }
  std::vector<Vec2> vertices;
  double segments = 0;
  for (size_t i = 0; i < loop.size(); ++i) {
    const Vec2 start = ChainStart(loop, i);
    vertices.push_back(start);
    if (const auto* a = std::get_if<Arc>(&loop[i])) {
      if (auto g = ComputeArc(start, *a)) {
        // Circular segment between chord and arc, signed by the turning direction.
        const double t = std::abs(g->signed_sweep);
        const double seg = 0.5 * g->radius * g->radius * (t - std::sin(t));
        segments += g->signed_sweep > 0 ? seg : -seg;
      }
    }
  }
  return SignedArea(vertices) + segments;
}

bool PointInPolygon(const Vec2& p, const std::vector<Vec2>& poly) {
  bool inside = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const Vec2& a = poly[i];
    const Vec2& b = poly[j];
    if ((a[1] > p[1]) != (b[1] > p[1]) &&
        p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

bool SegmentsIntersect(const Vec2& a, const Vec2& b, const Vec2& c, const Vec2& d) {
  // Orientation tests scaled by the segment lengths so "collinear" means within ~1e-9 mm.
  const double scale = std::max({std::abs(b[0] - a[0]), std::abs(b[1] - a[1]),
                                 std::abs(d[0] - c[0]), std::abs(d[1] - c[1]), 1e-300});
  const double eps = 1e-9 * scale;
  const double d1 = Cross(c, d, a), d2 = Cross(c, d, b), d3 = Cross(a, b, c), d4 = Cross(a, b, d);
  auto sgn = [&](double v) { return v > eps ? 1 : (v < -eps ? -1 : 0); };
  const int s1 = sgn(d1), s2 = sgn(d2), s3 = sgn(d3), s4 = sgn(d4);
  if (s1 * s2 < 0 && s3 * s4 < 0) return true;
  if (s1 == 0 && OnSegment(c, d, a)) return true;
  if (s2 == 0 && OnSegment(c, d, b)) return true;
  if (s3 == 0 && OnSegment(a, b, c)) return true;
  if (s4 == 0 && OnSegment(a, b, d)) return true;
  return false;
}

std::optional<std::pair<int, int>> FindSelfCrossing(const Polyline& poly) {
  const auto& p = poly.points;
  const size_t n = p.size();
  if (n < 4) return std::nullopt;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 2; j < n; ++j) {
      if (i == 0 && j == n - 1) continue;  // adjacent through the closing segment
      if (SegmentsIntersect(p[i], p[(i + 1) % n], p[j], p[(j + 1) % n])) {
        return std::make_pair(poly.curve_of_point[i], poly.curve_of_point[j]);
      }
    }
  }
  return std::nullopt;
}

bool PolylinesIntersect(const Polyline& a, const Polyline& b) {
  const auto& p = a.points;
  const auto& q = b.points;
  for (size_t i = 0; i < p.size(); ++i) {
    for (size_t j = 0; j < q.size(); ++j) {
      if (SegmentsIntersect(p[i], p[(i + 1) % p.size()], q[j], q[(j + 1) % q.size()])) return true;
    }
  }
  return false;
}

Vec3 Frame::ToWorld(const Vec2& p) const {
  return {origin[0] + p[0] * u[0] + p[1] * v[0], origin[1] + p[0] * u[1] + p[1] * v[1],
          origin[2] + p[0] * u[2] + p[1] * v[2]};
}

core::Result<Frame> MakeFrame(const Plane& plane) {
  using core::Status;
  using core::StatusCode;
  const double nn = Norm(plane.normal);
  if (!(nn > 1e-12))
    return Status(StatusCode::kInvalidArgument, "normal has zero length", "normal");
  const double xn = Norm(plane.x_dir);
  if (!(xn > 1e-12)) return Status(StatusCode::kInvalidArgument, "x_dir has zero length", "x_dir");
  Frame f;
  f.origin = plane.origin;
  f.n = Scale(plane.normal, 1 / nn);
  const Vec3 x = Scale(plane.x_dir, 1 / xn);
  const Vec3 xo = Sub(x, Scale(f.n, Dot(x, f.n)));
  const double xon = Norm(xo);
  // sin(angle between x_dir and normal) below 1e-6: numerically parallel
  if (!(xon > 1e-6)) {
    return Status(StatusCode::kInvalidArgument, "x_dir is parallel to the normal", "x_dir");
  }
  f.u = Scale(xo, 1 / xon);
  f.v = Cross3(f.n, f.u);
  return f;
}

Bounds3 ApproxPartBounds(const Part& part) {
  Bounds3 b;
  const double inf = std::numeric_limits<double>::infinity();
  b.min = {inf, inf, inf};
  b.max = {-inf, -inf, -inf};
  bool any = false;
  for (const Feature& f : part.features) {
    const Operation op = f.extrude.operation;
    if (op == Operation::kCut || op == Operation::kIntersect) continue;
    if (f.sketch.loops.empty()) continue;
    auto frame = MakeFrame(f.sketch.plane);
    if (!frame.ok()) continue;
    double lo = 0, hi = f.extrude.distance;
    if (f.extrude.extent == Extent::kSymmetric) lo = -f.extrude.distance;
    if (f.extrude.extent == Extent::kTwoSided) lo = -f.extrude.distance2;
    // The outer loop's fine polyline bounds the profile (holes lie inside it).
    for (const Vec2& p : LoopPolyline(f.sketch.loops[0], 2.0).points) {
      const Vec3 w = frame->ToWorld(p);
      for (double t : {lo, hi}) {
        for (int k = 0; k < 3; ++k) {
          const double c = w[k] + t * frame->n[k];
          b.min[k] = std::min(b.min[k], c);
          b.max[k] = std::max(b.max[k], c);
        }
      }
      any = true;
    }
  }
  if (!any) b.min = b.max = {0, 0, 0};
  return b;
}

}  // namespace img2cad::program
