#include "render/closest_point.h"

#include <embree3/rtcore.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "render/mesh_scene_internal.h"

namespace img2cad::render {

namespace {

struct V {
  double x, y, z;
};
V ToV(const geom::Vec3f& p) { return {p[0], p[1], p[2]}; }
V operator-(V a, V b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V operator+(V a, V b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
V operator*(double s, V a) { return {s * a.x, s * a.y, s * a.z}; }
double Dot(V a, V b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
double Dist2(V a, V b) { return Dot(a - b, a - b); }

V ClosestOnSegment(V p, V a, V b) {
  const V ab = b - a;
  const double len2 = Dot(ab, ab);
  if (len2 <= 0) return a;
  return a + std::clamp(Dot(p - a, ab) / len2, 0.0, 1.0) * ab;
}

// Voronoi regions of the triangle (vertices, edges, face), tested in turn with barycentric
// coordinates; a degenerate triangle falls back to its three edges.
V ClosestOnTriangle(V p, V a, V b, V c) {
  const V ab = b - a, ac = c - a, ap = p - a;
  const double d1 = Dot(ab, ap), d2 = Dot(ac, ap);
  if (d1 <= 0 && d2 <= 0) return a;
  const V bp = p - b;
  const double d3 = Dot(ab, bp), d4 = Dot(ac, bp);
  if (d3 >= 0 && d4 <= d3) return b;
  const double vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) return a + (d1 / (d1 - d3)) * ab;
  const V cp = p - c;
  const double d5 = Dot(ab, cp), d6 = Dot(ac, cp);
  if (d6 >= 0 && d5 <= d6) return c;
  const double vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) return a + (d2 / (d2 - d6)) * ac;
  const double va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0)
    return b + ((d4 - d3) / ((d4 - d3) + (d5 - d6))) * (c - b);
  const double denom = va + vb + vc;
  if (!(std::abs(denom) > 1e-300)) {
    V best = ClosestOnSegment(p, a, b);
    for (V q : {ClosestOnSegment(p, b, c), ClosestOnSegment(p, c, a)})
      if (Dist2(p, q) < Dist2(p, best)) best = q;
    return best;
  }
  const double v = vb / denom, w = vc / denom;
  return a + v * ab + w * ac;
}

}  // namespace

geom::Vec3f ClosestPointOnTriangle(const geom::Vec3f& p, const geom::Vec3f& a, const geom::Vec3f& b,
                                   const geom::Vec3f& c) {
  const V q = ClosestOnTriangle(ToV(p), ToV(a), ToV(b), ToV(c));
  return {static_cast<float>(q.x), static_cast<float>(q.y), static_cast<float>(q.z)};
}

struct SurfaceIndex::Impl {
  std::unique_ptr<internal::MeshScene> embree;
  RTCScene scene = nullptr;
  geom::Mesh mesh;
};

namespace {

struct QueryState {
  const geom::Mesh* mesh;
  V p;
  double best_d2 = std::numeric_limits<double>::infinity();
  int32_t best_triangle = -1;
  V best_point{0, 0, 0};
};

bool VisitTriangle(RTCPointQueryFunctionArguments* args) {
  auto* s = static_cast<QueryState*>(args->userPtr);
  const auto& tri = s->mesh->triangles[args->primID];
  const auto& v = s->mesh->vertices;
  const V q = ClosestOnTriangle(s->p, ToV(v[tri[0]]), ToV(v[tri[1]]), ToV(v[tri[2]]));
  const double d2 = Dist2(s->p, q);
  const auto id = static_cast<int32_t>(args->primID);
  if (d2 < s->best_d2 || (d2 == s->best_d2 && id < s->best_triangle)) {
    s->best_d2 = d2;
    s->best_triangle = id;
    s->best_point = q;
    // Shrinking the radius prunes the rest of the traversal; keep it a hair larger than the
    // distance so that exact ties are still visited (and decided by index).
    const float r = static_cast<float>(std::sqrt(d2));
    if (r < args->query->radius) {
      args->query->radius = std::nextafter(r, std::numeric_limits<float>::infinity());
      return true;
    }
  }
  return false;
}

struct WithinState {
  const geom::Mesh* mesh;
  V p;
  double max_d2;
  std::vector<int32_t> found;
};

bool CollectTriangle(RTCPointQueryFunctionArguments* args) {
  auto* s = static_cast<WithinState*>(args->userPtr);
  const auto& tri = s->mesh->triangles[args->primID];
  const auto& v = s->mesh->vertices;
  const V q = ClosestOnTriangle(s->p, ToV(v[tri[0]]), ToV(v[tri[1]]), ToV(v[tri[2]]));
  if (Dist2(s->p, q) <= s->max_d2) s->found.push_back(static_cast<int32_t>(args->primID));
  return false;
}

}  // namespace

SurfaceIndex::SurfaceIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SurfaceIndex::SurfaceIndex(SurfaceIndex&&) noexcept = default;
SurfaceIndex& SurfaceIndex::operator=(SurfaceIndex&&) noexcept = default;
SurfaceIndex::~SurfaceIndex() = default;

core::Result<SurfaceIndex> SurfaceIndex::Build(const geom::Mesh& mesh) {
  auto impl = std::make_unique<Impl>();
  IMG2CAD_ASSIGN_OR_RETURN(impl->embree, internal::BuildMeshScene(mesh));
  impl->scene = impl->embree->scene;
  impl->mesh = mesh;
  return SurfaceIndex(std::move(impl));
}

SurfacePoint SurfaceIndex::Closest(const geom::Vec3f& p) const {
  QueryState state{&impl_->mesh, ToV(p)};
  RTCPointQuery query;
  query.x = p[0];
  query.y = p[1];
  query.z = p[2];
  query.radius = std::numeric_limits<float>::infinity();
  query.time = 0;
  RTCPointQueryContext context;
  rtcInitPointQueryContext(&context);
  rtcPointQuery(impl_->scene, &query, &context, VisitTriangle, &state);
  SurfacePoint out;
  out.triangle = state.best_triangle;
  out.point = {static_cast<float>(state.best_point.x), static_cast<float>(state.best_point.y),
               static_cast<float>(state.best_point.z)};
  out.distance = static_cast<float>(std::sqrt(state.best_d2));
  return out;
}

std::vector<int32_t> SurfaceIndex::TrianglesWithin(const geom::Vec3f& p, float max_distance) const {
  WithinState state{&impl_->mesh, ToV(p), static_cast<double>(max_distance) * max_distance, {}};
  RTCPointQuery query;
  query.x = p[0];
  query.y = p[1];
  query.z = p[2];
  query.radius = std::max(0.0f, max_distance);
  query.time = 0;
  RTCPointQueryContext context;
  rtcInitPointQueryContext(&context);
  rtcPointQuery(impl_->scene, &query, &context, CollectTriangle, &state);
  std::sort(state.found.begin(), state.found.end());
  return state.found;
}

}  // namespace img2cad::render
