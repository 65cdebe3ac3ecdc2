// Where trained models live: one folder per model under a models root (models/retrieval/,
// models/structure/, ...), each with a model.json card written by the module that owns it.
//
// The root is, in order of preference: the one set with SetModelsRoot() (the CLI's --models), the
// IMG2CAD_MODELS environment variable, `models/` beside or one level above the running binary
// (build/img2cad finds the repository's models/), and `models/` in the working directory. This is
// the only place that looks at the binary's own path.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace img2cad::core {

// Overrides the models root for this process; an empty string restores the search.
void SetModelsRoot(const std::string& root);

// The candidate roots, in the order they are tried (for messages and tests).
std::vector<std::string> ModelRootCandidates();

// The folder of model `name` (e.g. "retrieval"): the first candidate root where ROOT/name/file
// exists, as an absolute path. Errors: kNotFound naming `name/file` and every place searched.
Result<std::string> FindModelFile(const std::string& name, const std::string& file);

}  // namespace img2cad::core
