#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "geom/sampling.h"
#include "render/closest_point.h"

namespace img2cad::eval {

namespace {

using geom::Vec3f;

// Centres on the centroid and scales the farthest point to distance 1 (the paper's rule).
void NormalisePaper(std::vector<Vec3f>* pts) {
  if (pts->empty()) return;
  double c[3] = {0, 0, 0};
  for (const Vec3f& p : *pts)
    for (int k = 0; k < 3; ++k) c[k] += p[k];
  for (double& v : c) v /= static_cast<double>(pts->size());
  double r = 0;
  for (const Vec3f& p : *pts) {
    r = std::max(r, std::sqrt((p[0] - c[0]) * (p[0] - c[0]) + (p[1] - c[1]) * (p[1] - c[1]) +
                              (p[2] - c[2]) * (p[2] - c[2])));
  }
  if (r <= 0) r = 1;
  for (Vec3f& p : *pts)
    for (int k = 0; k < 3; ++k) p[k] = static_cast<float>((p[k] - c[k]) / r);
}

// Mean nearest distance from a to b, plain or squared.
double MeanNearest(const std::vector<Vec3f>& a, const geom::KdTree& b, bool squared) {
  double sum = 0;
  for (const Vec3f& p : a) {
    float d2;
    b.Nearest(p, &d2);
    sum += squared ? d2 : std::sqrt(d2);
  }
  return sum / static_cast<double>(a.size());
}

double Chamfer(const std::vector<Vec3f>& a, const std::vector<Vec3f>& b, bool squared) {
  if (a.empty() || b.empty()) return std::numeric_limits<double>::infinity();
  const geom::KdTree ta(a), tb(b);
  return MeanNearest(a, tb, squared) + MeanNearest(b, ta, squared);
}

}  // namespace

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double ChamferPaper(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points) {
  auto a = geom::SampleSurface(gt, points, gt_seed).points;
  auto b = geom::SampleSurface(pred, points, pred_seed).points;
  NormalisePaper(&a);
  NormalisePaper(&b);
  return Chamfer(a, b, /*squared=*/false);
}

double ChamferField(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points) {
  auto a = geom::SampleSurface(gt, points, gt_seed).points;
  auto b = geom::SampleSurface(pred, points, pred_seed).points;
  // Both into the unit cube defined by the ground truth's box: min corner to 0, longest side to 1.
  const geom::Box3 box = geom::Bounds(gt);
  const double extent =
      std::max({box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2], 1e-9f});
  for (auto* cloud : {&a, &b})
    for (Vec3f& p : *cloud)
      for (int k = 0; k < 3; ++k) p[k] = static_cast<float>((p[k] - box.min[k]) / extent);
  return 1000.0 * Chamfer(a, b, /*squared=*/true);
}

namespace {

// Accuracy and mIoU from (wanted, got) label pairs, one per ground-truth point.
PartSegmentationResult ScoreLabels(const std::vector<std::pair<std::string, std::string>>& pairs) {
  PartSegmentationResult r;
  if (pairs.empty()) return r;
  std::map<std::string, int> inter, in_gt, in_pred;
  int correct = 0;
  for (const auto& [want, got] : pairs) {
    ++in_gt[want];
    ++in_pred[got];
    ++r.confusion[{want, got}];
    if (want == got) {
      ++correct;
      ++inter[want];
    }
  }
  r.accuracy = correct / static_cast<double>(pairs.size());
  std::set<std::string> labels;
  for (const auto& [l, n] : in_gt) labels.insert(l);
  for (const auto& [l, n] : in_pred) labels.insert(l);
  double sum = 0;
  for (const auto& l : labels) {
    const int i = inter[l], u = in_gt[l] + in_pred[l] - i;
    sum += u > 0 ? static_cast<double>(i) / u : 0;
  }
  r.miou = labels.empty() ? 0 : sum / labels.size();
  return r;
}

// Distance (in normalised units, the shape's radius being 1) within which two surfaces count as
// coinciding.
constexpr float kTie = 1e-5f;

// The mesh centred on its area-weighted surface centroid, farthest vertex at distance 1: exact,
// so a shape and itself get the same transform whatever the sampling seeds.
geom::Mesh NormaliseMesh(geom::Mesh mesh) {
  double c[3] = {0, 0, 0}, area = 0;
  for (const auto& t : mesh.triangles) {
    const Vec3f &a = mesh.vertices[t[0]], &b = mesh.vertices[t[1]], &d = mesh.vertices[t[2]];
    const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double v[3] = {d[0] - a[0], d[1] - a[1], d[2] - a[2]};
    const double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2],
                 cz = u[0] * v[1] - u[1] * v[0];
    const double w = 0.5 * std::sqrt(cx * cx + cy * cy + cz * cz);
    area += w;
    for (int k = 0; k < 3; ++k) c[k] += w * (a[k] + b[k] + d[k]) / 3;
  }
  if (area > 0)
    for (double& v : c) v /= area;
  double r = 0;
  for (const Vec3f& p : mesh.vertices)
    r = std::max(r, std::sqrt((p[0] - c[0]) * (p[0] - c[0]) + (p[1] - c[1]) * (p[1] - c[1]) +
                              (p[2] - c[2]) * (p[2] - c[2])));
  if (r <= 0) r = 1;
  for (Vec3f& p : mesh.vertices)
    for (int k = 0; k < 3; ++k) p[k] = static_cast<float>((p[k] - c[k]) / r);
  return mesh;
}

}  // namespace

PartSegmentationResult PartSegmentation(const geom::Mesh& gt,
                                        const std::vector<std::string>& gt_labels,
                                        const geom::Mesh& pred,
                                        const std::vector<std::string>& pred_labels,
                                        uint64_t gt_seed, int points) {
  if (gt.triangles.empty() || pred.triangles.empty()) return {};
  const geom::Mesh pred_n = NormaliseMesh(pred);
  auto index = render::SurfaceIndex::Build(pred_n);
  if (!index.ok()) return {};
  const auto a = geom::SampleSurface(NormaliseMesh(gt), points, gt_seed);
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(a.points.size());
  for (size_t i = 0; i < a.points.size(); ++i) {
    const std::string& want = gt_labels.at(a.part_ids[i]);
    const render::SurfacePoint hit = index->Closest(a.points[i]);
    const std::string* got = &pred_labels.at(pred_n.part_ids.at(static_cast<size_t>(hit.triangle)));
    // Where faces of several predicted parts coincide (a leg's top on the seat's underside), the
    // point lies on all of them; any of their labels is right.
    if (*got != want) {
      for (int32_t t : index->TrianglesWithin(a.points[i], hit.distance + kTie)) {
        const std::string& other = pred_labels.at(pred_n.part_ids.at(static_cast<size_t>(t)));
        if (other == want) got = &other;
      }
    }
    pairs.emplace_back(want, *got);
  }
  return ScoreLabels(pairs);
}

PartSegmentationResult PartSegmentationSampled(const geom::Mesh& gt,
                                               const std::vector<std::string>& gt_labels,
                                               const geom::Mesh& pred,
                                               const std::vector<std::string>& pred_labels,
                                               uint64_t gt_seed, uint64_t pred_seed, int points) {
  auto a = geom::SampleSurface(gt, points, gt_seed);
  auto b = geom::SampleSurface(pred, points, pred_seed);
  if (a.points.empty() || b.points.empty()) return {};
  NormalisePaper(&a.points);
  NormalisePaper(&b.points);
  const geom::KdTree tree(b.points);
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(a.points.size());
  for (size_t i = 0; i < a.points.size(); ++i) {
    float d2;
    const size_t j = tree.Nearest(a.points[i], &d2);
    pairs.emplace_back(gt_labels.at(a.part_ids[i]), pred_labels.at(b.part_ids[j]));
  }
  return ScoreLabels(pairs);
}

StructureResult CompareStructure(const program::Structure& gt, const program::Structure& pred) {
  StructureResult r;
  r.exact =
      gt.category == pred.category && program::StructureKey(gt) == program::StructureKey(pred);
  std::map<std::string, int> g, p;
  for (const auto& part : gt.parts) ++g[part.label];
  for (const auto& part : pred.parts) ++p[part.label];
  int tp = 0;
  for (const auto& [label, n] : g) tp += std::min(n, p.count(label) ? p[label] : 0);
  const double precision = pred.parts.empty() ? 0 : static_cast<double>(tp) / pred.parts.size();
  const double recall = gt.parts.empty() ? 0 : static_cast<double>(tp) / gt.parts.size();
  r.label_f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  r.part_count_error =
      std::abs(static_cast<int>(gt.parts.size()) - static_cast<int>(pred.parts.size()));
  return r;
}

}  // namespace img2cad::eval
