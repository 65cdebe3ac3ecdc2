// Evaluation metrics, exactly as DESIGN §6, so our numbers compare with the paper's and the
// field's.
//
//  - ChamferPaper: 2,048 points per surface; each cloud centred on its centroid and scaled so its
//    farthest point is at distance 1; mean nearest distance a->b plus b->a, plain distances.
//  - ChamferField (DeepCAD, CAD-Recode): 8,192 points; both clouds scaled into the unit cube by
//    the ground truth's bounding box; squared distances; the sum of both means, x 10^3.
//  - PartSegmentation (the primary protocol since issue 8): each mesh is centred on its
//    area-weighted surface centroid and scaled so its farthest vertex is at distance 1; 2,048
//    ground-truth points take the label of the closest point of the predicted *surface*
//    (triangles carry part ids; render::SurfaceIndex); accuracy, and mIoU over the labels present
//    in either shape. Where faces of several predicted parts coincide (within 1e-5 of the radius),
//    any of their labels counts as right. A shape against itself then scores ~100%.
//  - PartSegmentationSampled (the protocol before issue 8, kept for comparison): ground-truth
//    points, after the paper normalisation, take the label of the nearest of 2,048 *sampled*
//    predicted points; its noise floor is ~91%.
//  - CompareStructure: exact match of the structure (labels with each part's command types, as a
//    multiset), part-label F1 over the label multisets, and the part-count error.
// Sampling seeds are inputs, so a shape scored against itself with different seeds measures the
// sampling noise floor.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "geom/mesh.h"
#include "program/structure.h"

namespace img2cad::eval {

inline constexpr int kPaperPoints = 2048;
inline constexpr int kFieldPoints = 8192;

// The median of `values` (the mean of the middle two for an even count); 0 for none.
double Median(std::vector<double> values);

double ChamferPaper(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points = kPaperPoints);
double ChamferField(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points = kFieldPoints);

struct PartSegmentationResult {
  double accuracy = 0;  // 0..1
  double miou = 0;      // 0..1
  // Ground-truth points per (true label, label they were given): where each label's points went.
  std::map<std::pair<std::string, std::string>, int> confusion;
};

// `gt_labels[part_id]` and `pred_labels[part_id]` name each mesh's parts; labels compare by name.
// An empty mesh on either side scores zero.
PartSegmentationResult PartSegmentation(const geom::Mesh& gt,
                                        const std::vector<std::string>& gt_labels,
                                        const geom::Mesh& pred,
                                        const std::vector<std::string>& pred_labels,
                                        uint64_t gt_seed, int points = kPaperPoints);
PartSegmentationResult PartSegmentationSampled(const geom::Mesh& gt,
                                               const std::vector<std::string>& gt_labels,
                                               const geom::Mesh& pred,
                                               const std::vector<std::string>& pred_labels,
                                               uint64_t gt_seed, uint64_t pred_seed,
                                               int points = kPaperPoints);

struct StructureResult {
  bool exact = false;
  double label_f1 = 0;  // 0..1
  int part_count_error = 0;
};
StructureResult CompareStructure(const program::Structure& gt, const program::Structure& pred);

}  // namespace img2cad::eval
