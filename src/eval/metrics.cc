#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "geom/sampling.h"

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

PartSegmentationResult PartSegmentation(const geom::Mesh& gt,
                                        const std::vector<std::string>& gt_labels,
                                        const geom::Mesh& pred,
                                        const std::vector<std::string>& pred_labels,
                                        uint64_t gt_seed, uint64_t pred_seed, int points) {
  PartSegmentationResult r;
  auto a = geom::SampleSurface(gt, points, gt_seed);
  auto b = geom::SampleSurface(pred, points, pred_seed);
  if (a.points.empty() || b.points.empty()) return r;
  NormalisePaper(&a.points);
  NormalisePaper(&b.points);
  const geom::KdTree tree(b.points);
  std::map<std::string, int> inter, in_gt, in_pred;
  int correct = 0;
  for (size_t i = 0; i < a.points.size(); ++i) {
    float d2;
    const size_t j = tree.Nearest(a.points[i], &d2);
    const std::string& want = gt_labels.at(a.part_ids[i]);
    const std::string& got = pred_labels.at(b.part_ids[j]);
    ++in_gt[want];
    ++in_pred[got];
    if (want == got) {
      ++correct;
      ++inter[want];
    }
  }
  r.accuracy = correct / static_cast<double>(a.points.size());
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
