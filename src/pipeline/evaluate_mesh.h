// `img2cad eval --gt-mesh DIR`: scores predicted programs against outside geometry (scans,
// catalogue models, any OBJ or STL), where no ground-truth program exists.
//
// Ground truth is DIR/<id>.obj or DIR/<id>.stl (extension in any case); the prediction for it is
// PRED/<id>/program.json. Both shapes are placed as img2cad's programs are (DESIGN §3): the
// bounding box centred on x = y = 0 with its bottom at z = 0, z up. The ground truth's units are
// given by `unit_scale` (millimetres per file unit). With `yaw_search`, the prediction is also
// turned 90, 180 and 270 degrees about z and the turn with the lowest CD (paper) counts, for
// meshes whose front is not img2cad's -y.
//
// REPORT/metrics.json: {"overall": {cd_paper_mean, cd_paper_median, cd_field_mean,
// cd_field_median, validity, n, n_valid, n_missing, n_invalid}}; REPORT/per_sample.jsonl: id,
// state (valid, missing, invalid), cd_paper, cd_field, yaw_deg (null unless valid), problem;
// REPORT/report.md: the table.
#pragma once

#include <string>

#include "core/status.h"
#include "pipeline/evaluate.h"

namespace img2cad::pipeline {

struct MeshEvalOptions {
  std::string gt_dir;       // DIR of <id>.obj / <id>.stl
  std::string pred_dir;     // PRED
  std::string out_dir;      // REPORT
  double unit_scale = 1.0;  // millimetres per ground-truth file unit (1000 for metres)
  bool yaw_search = false;
  int threads = 2;
};

// Errors: DIR is missing or holds no .obj/.stl file (kNotFound / kInvalidArgument, naming it); a
// ground-truth mesh cannot be read (its error, naming the file); REPORT cannot be written (kIo).
// A missing or broken prediction is counted, not an error.
core::Result<EvalSummary> EvaluateAgainstMeshes(const MeshEvalOptions& options);

}  // namespace img2cad::pipeline
