// The seam between finding the object and building the CAD model: a Method turns the found object
// into an Estimate (a program, its category, a confidence and, when it knows one, the camera).
//
//   predict = read photo -> FindObject (find_object.h) -> Method::Run -> build -> exports/preview
//
// Methods are created by name from one registry (`img2cad predict --method NAME`):
//   retrieval     the nearest rendered training sample (models/retrieval/index.bin)
//   learned       stage 1 (models/structure) reads the structure; stage 2 (models/assembler)
//                 fills in the numbers, repaired until they build; a placeholder stage 2 when no
//                 assembler model is present (learned_method.cc)
//   ground-truth  the dataset's own program (inputs from a manifest only): the noise floor
//   oracle-structure  stage 2 on the dataset's true structure (manifest inputs only): what
//                 stage 2 reaches when stage 1 is perfect
// Method-specific facts (the retrieved sample, a beam's log-probabilities) go in `details`, which
// `predict` writes to summary.json beside the common fields.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/manifest.h"
#include "pipeline/find_object.h"
#include "program/program.h"
#include "program/structure.h"

namespace img2cad::cad {
class Model;
}

namespace img2cad::pipeline {

struct MethodInput {
  std::string name;        // the output's name: the photo's stem or the dataset id
  std::string image_path;  // for messages
  const ObjectImage* object = nullptr;
  // Set for inputs read from a dataset manifest: its record (ground-truth program path, camera).
  const dataset::ManifestEntry* sample = nullptr;
  // Another model's distribution over program::Categories() for this object (the category probe,
  // nn/category_probe.h), for methods whose uses_category_prior() is true; null when there is none.
  const std::vector<double>* category_prior = nullptr;
};

struct ViewEstimate {
  double azimuth_deg = 0;  // DESIGN §3: 0 looks at the front from -y, growing toward +x
  double elevation_deg = 0;
};

struct Estimate {
  program::Program program;
  std::string category;
  // In [0, 1]: how sure the method is of this program (each method documents its meaning).
  double confidence = 0;
  std::optional<ViewEstimate> camera;
  // The structure the method read, when it reads one apart from the program (stage 1); predict
  // writes it as structure.json and eval scores the structure metrics from it.
  std::optional<program::Structure> structure;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  // `program` already built with cad::BuildModel's default options, when the method built it
  // last (null otherwise); `predict` exports it instead of building the program again. A method
  // that changes `program` afterwards must reset it.
  std::shared_ptr<const cad::Model> model;
};

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string name() const = 0;
  // Whether Run may be called from several threads at once (otherwise inputs run one by one).
  virtual bool thread_safe() const { return true; }
  // Whether Run weighs MethodInput::category_prior (so that `predict` computes one).
  virtual bool uses_category_prior() const { return false; }
  // Errors: the method cannot handle this input (kInvalidArgument), or its model fails.
  virtual core::Result<Estimate> Run(const MethodInput& input) const = 0;
  // Below this confidence `predict` reports a result as "uncertain" (and, when no object was
  // found in the photo, as "no_object"). Each method's value is chosen on the synthetic val split
  // and documented in the README; 0 means the method is never unsure.
  virtual double uncertain_below() const { return 0; }
};

// What a method may need to start: each takes its model from the models root
// (core/model_locator.h) unless a path is given here.
struct MethodConfig {
  std::string retrieval_index;  // retrieval: index.bin; default models/retrieval/index.bin
  // learned: stage-1 model folder, or several comma-separated (an ensemble that decodes as one,
  // nn::StructureModel::DecodeEnsemble); default models/structure
  std::string structure_model;
  // learned: stage-2 model folder; default models/assembler when it exists, else the placeholder
  std::string assembler_model;
  // learned: skip stage 1 and give stage 2 this structure, from our JSON (structure_file) or the
  // paper's text language (structure_text_file, program/paper_text.h; its category from
  // `category`, else the part names, else stage 1). Read when the method is created.
  std::string structure_file;
  std::string structure_text_file;
  std::string category;
  // learned: stage 2's Euler steps (Gaussian-mixture flow head) and whether reflect_x structures
  // are made exactly mirror-symmetric (off only for the ablation).
  int sampling_steps = 8;
  bool symmetry = true;
  // learned: whether doors and drawer fronts that overlap are separated (program::SeparateFronts;
  // off only for the ablation).
  bool separate_fronts = true;
  // learned: how many of the object's crops stage 2 reads, 1-4: the main crop, then the crop
  // framed tighter, looser and shifted (stage 1's test-time crops less the mirrored one); the
  // programs they give are averaged (program::MeanProgram).
  int stage2_crops = 1;
  // learned: how many of the object's crops each stage-1 model decodes, 1-5: the main crop, then
  // the mirrored one, the crop framed tighter, looser and shifted; every (model, crop) pair votes
  // at each decoding step.
  int stage1_crops = 1;
  // learned: which of stage 1's beam hypotheses is kept: "best" (the decoder's most likely) or
  // "consensus" (each hypothesis of the decoded category completed by stage 2, and the one
  // closest to the others on average, weighted by their probabilities; pipeline/consensus.h).
  // Neither changes the category or the confidence.
  std::string structure_choice = "best";
  // learned: whether the finished program is stretched along x, y and z until its silhouette
  // matches the object's mask (pipeline/silhouette_fit.h): "view" (the estimated view is
  // searched as well; the default), "stretch" (the view stays stage 2's), or "off".
  std::string silhouette_fit = "view";
};

struct MethodInfo {
  std::string name;
  std::string description;
};

// The registered methods, in the order `--help` lists them.
const std::vector<MethodInfo>& RegisteredMethods();

// Creates a method by name. Errors: kNotFound for an unknown name (the message lists the known
// ones), or the method's own start-up error (a missing or corrupt model file, named).
core::Result<std::unique_ptr<Method>> CreateMethod(const std::string& name,
                                                   const MethodConfig& config);

// "retrieval, ground-truth": the registered names for messages.
std::string MethodNamesText();

}  // namespace img2cad::pipeline
