#include "pipeline/method.h"

#include "pipeline/methods_internal.h"

namespace img2cad::pipeline {

namespace {

using Factory = core::Result<std::unique_ptr<Method>> (*)(const MethodConfig&);

struct Registration {
  MethodInfo info;
  Factory make;
};

const std::vector<Registration>& Registry() {
  static const std::vector<Registration> registry = {
      {{"retrieval", "the nearest rendered training sample (models/retrieval/index.bin)"},
       &internal::MakeRetrievalMethod},
      {{"learned",
        "stage 1 network reads the structure (models/structure), stage 2 network fills in its "
        "numbers (models/assembler; without it, those of a retrieval sample or generated "
        "program with that structure)"},
       &internal::MakeLearnedMethod},
      {{"oracle-structure",
        "stage 2 on the dataset's true structure, for --manifest inputs: the learned method "
        "with a perfect stage 1"},
       &internal::MakeOracleStructureMethod},
      {{"ground-truth",
        "the dataset's own program, for --manifest inputs: the evaluation's noise floor"},
       &internal::MakeGroundTruthMethod},
  };
  return registry;
}

}  // namespace

const std::vector<MethodInfo>& RegisteredMethods() {
  static const std::vector<MethodInfo> infos = [] {
    std::vector<MethodInfo> out;
    for (const auto& r : Registry()) out.push_back(r.info);
    return out;
  }();
  return infos;
}

std::string MethodNamesText() {
  std::string out;
  for (const auto& r : Registry()) out += (out.empty() ? "" : ", ") + r.info.name;
  return out;
}

core::Result<std::unique_ptr<Method>> CreateMethod(const std::string& name,
                                                   const MethodConfig& config) {
  for (const auto& r : Registry()) {
    if (r.info.name == name) return r.make(config);
  }
  return core::Status(core::StatusCode::kNotFound,
                      "unknown method '" + name + "' (available: " + MethodNamesText() + ")",
                      "--method");
}

}  // namespace img2cad::pipeline
