// `img2cad eval`: scores predicted programs against a synthetic dataset's ground truth with the
// metrics of eval/metrics.h, grouped per category and overall.
//
// Predictions are PRED/<id>/program.json. A missing prediction, or one that does not parse,
// validate or build, counts against validity, is left out of the Chamfer distances and part
// segmentation, and scores zero on the structure metrics; the report says how many there were.
//
// REPORT/metrics.json: {"overall": {...}, "per_category": {"chair": {...}, ...}} with the keys
// cd_paper_mean, cd_paper_median, cd_field_mean, cd_field_median, validity, part_accuracy,
// part_miou (labels from the predicted surface), part_accuracy_sampled, part_miou_sampled (the
// protocol before issue 8: labels from predicted sample points), structure_exact, part_label_f1,
// part_count_error, category_accuracy, n, n_valid, n_missing, n_invalid (and, when
// PRED/summary.json reports stage 2, stage2: {assembler, repaired, repairs, fallbacks}, counts of
// programs and of repairs). Structure metrics and the
// category come from PRED/<id>/structure.json when a method wrote one (stage 1's own structure),
// else from the program. REPORT/per_sample.jsonl: one line per sample in manifest order: id,
// category, state (valid, missing, invalid), predicted_category, structure_exact, part_label_f1,
// part_count_error, and cd_paper, cd_field, part_accuracy, part_miou, part_accuracy_sampled,
// part_miou_sampled (null unless valid), plus `problem` for an invalid one. REPORT/report.md: the
// tables, a category confusion table, and picture grids (input | ground truth | prediction) of the
// best, median and worst cases by paper Chamfer distance (REPORT/best.png,
// ...).
#pragma once

#include <string>

#include "core/status.h"

namespace img2cad::pipeline {

struct EvalOptions {
  std::string data;      // dataset folder (or manifest file)
  std::string split;     // only this split; all when empty
  std::string pred_dir;  // PRED
  std::string out_dir;   // REPORT
  int threads = 2;
  int grid_rows = 4;  // cases per picture grid
};

struct EvalSummary {
  int n = 0, n_valid = 0, n_missing = 0, n_invalid = 0;
  double cd_paper_mean = 0, cd_field_mean = 0, validity = 0;
};

// Errors: the manifest cannot be read (kNotFound, kParse), it lists no sample of the split
// (kInvalidArgument), a ground-truth program fails (kInvalidArgument naming it), or REPORT cannot
// be written (kIo).
core::Result<EvalSummary> Evaluate(const EvalOptions& options);

}  // namespace img2cad::pipeline
