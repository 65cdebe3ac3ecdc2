// Photo in, CAD out: image preprocessing, the retrieval baseline, building, exports and a preview.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "retrieval/retrieval.h"

namespace img2cad::pipeline {

// Builds a retrieval index from a dataset's images and programs (entries of `split`; all when
// empty). Entries whose files are missing or unreadable are skipped and counted in `failed`.
struct IndexReport {
  int added = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "ID: error"
};
core::Result<retrieval::Index> BuildIndex(const std::string& dataset, const std::string& split,
                                          IndexReport* report);

// The index shipped with the repository (models/retrieval/index.bin), found relative to the
// running binary's source tree or in IMG2CAD_MODELS; empty when none is found.
std::string DefaultIndexPath();

struct PredictInput {
  std::string image_path;
  std::string name;  // output folder name: the image's stem, or the dataset id
};

struct PredictOptions {
  std::string out_dir;
  int preview_size = 256;
  int threads = 2;
};

struct PredictOutcome {
  std::string name;
  std::string image_path;
  bool ok = false;
  std::string error;
  std::string category;
  std::string neighbour;  // id of the retrieved training sample
  double distance = 0;
  double ms_load = 0, ms_describe = 0, ms_search = 0, ms_build = 0, ms_export = 0, ms_preview = 0;
};

// Predicts each input into OUT/<name>/ (program.json, model.step/.glb/.stl/.obj, preview.png)
// and writes OUT/summary.json. A failing input (unreadable image, ...) is recorded with its error
// and the rest go on. Errors: kIo when OUT or the summary cannot be written.
core::Result<std::vector<PredictOutcome>> PredictAll(const std::vector<PredictInput>& inputs,
                                                     const retrieval::Index& index,
                                                     const PredictOptions& options);

}  // namespace img2cad::pipeline
