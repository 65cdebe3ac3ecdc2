// Evaluation metrics, exactly as DESIGN §6, so our numbers compare with the paper's and the
// field's.
//
//  - ChamferPaper: 2,048 points per surface; each cloud centred on its centroid and scaled so its
//    farthest point is at distance 1; mean nearest distance a->b plus b->a, plain distances.
//  - ChamferField (DeepCAD, CAD-Recode): 8,192 points; both clouds scaled into the unit cube by
//    the ground truth's bounding box; squared distances; the sum of both means, x 10^3.
//  - PartSegmentation: ground-truth points, after the paper normalisation, take the label of the
//    nearest predicted point; accuracy, and mIoU over the labels present in either shape.
//  - CompareStructure: exact match of the structure (labels with each part's command types, as a
//    multiset), part-label F1 over the label multisets, and the part-count error.
// Sampling seeds are inputs, so a shape scored against itself with different seeds measures the
// sampling noise floor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geom/mesh.h"
#include "program/structure.h"

namespace img2cad::eval {

inline constexpr int kPaperPoints = 2048;
inline constexpr int kFieldPoints = 8192;

double ChamferPaper(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points = kPaperPoints);
double ChamferField(const geom::Mesh& gt, const geom::Mesh& pred, uint64_t gt_seed,
                    uint64_t pred_seed, int points = kFieldPoints);

struct PartSegmentationResult {
  double accuracy = 0;  // 0..1
  double miou = 0;      // 0..1
};

// `gt_labels[part_id]` and `pred_labels[part_id]` name each mesh's parts; labels compare by name.
PartSegmentationResult PartSegmentation(const geom::Mesh& gt,
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
