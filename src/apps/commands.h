// The img2cad subcommands, one function each, called by main.cc after parsing. Only apps/
// prints and picks exit codes (DESIGN §5).
#pragma once

#include <string>
#include <vector>

#include "cad/model.h"
#include "core/status.h"
#include "nn/train_assembler.h"
#include "nn/train_structure.h"
#include "pipeline/category_probe_training.h"
#include "pipeline/evaluate.h"
#include "pipeline/evaluate_mesh.h"
#include "pipeline/mask_refiner_training.h"
#include "pipeline/predict.h"
#include "pipeline/render_program.h"
#include "pipeline/synth_dataset.h"
#include "program/program.h"

namespace img2cad::apps {

// Exit codes, documented in every command's --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // invalid input, geometry or i/o error
inline constexpr int kExitUsage = 2;    // unknown command or option, bad option value
inline constexpr int kExitPartial = 3;  // a batch finished with some failed (or no_object) items

inline constexpr char kExitCodesHelp[] =
    "Exit codes: 0 success, 1 failure (invalid input, geometry or i/o error), 2 usage error,\n"
    "3 batch finished with some failed items (predict: failed or no_object inputs).";

// Prints "img2cad: error: FILE: PLACE: MESSAGE" on stderr and returns kExitFailure.
int Fail(const core::Status& s);

// The global -q/--quiet, set by main before a command runs: commands then print no progress and
// no closing summary, only errors, warnings and the output asked for (labels, check --json).
void SetQuiet(bool quiet);
bool Quiet();

// Reads a program from a file, or from standard input when `path` is "-".
core::Result<program::Program> LoadProgram(const std::string& path);

struct BuildArgs {
  std::string program_path;
  std::string out_dir;
  std::string formats = "step,glb,stl,obj";
  bool json = false;
  bool strict = false;
  cad::TessellationOptions mesh;
};

struct CheckArgs {
  std::string program_path;
  bool json = false;
  bool no_kernel = false;
};

struct RenderArgs {
  std::string program_path;
  std::string out_path;
  pipeline::RenderRequest request;
  bool maps = false;
};

struct PredictArgs {
  std::vector<std::string> images;
  std::string out_dir;
  std::string method = "learned";
  pipeline::MethodConfig method_config;
  std::string manifest;
  std::string split;
  pipeline::PredictOptions options;
  std::string segmenter = "isnet";    // --segmenter
  std::string backdrop = "photo";     // --backdrop
  std::string mask;                   // --mask FILE (one input only)
  std::string detector = "on";        // --detector on|off
  std::string category_probe = "on";  // --category-probe on|off
  std::string mask_refiner = "on";    // --mask-refiner on|off
};

struct DetectArgs {
  std::vector<std::string> images;
  std::string model;  // --model: the detector's model.json; empty: models/detector/
  float min_score = 0.3f;
  float fill = 0.6f;  // --fill: the photo's share of the network's input
  bool furniture_only = false;
};

struct IndexArgs {
  std::string data;
  std::string split = "train";
  std::string out_dir;
  std::string metrics;  // an `img2cad eval` metrics.json to record in model.json
};

int RunBuild(const BuildArgs& a);
int RunCheck(const CheckArgs& a);
int RunRender(const RenderArgs& a);
int RunLabels(const std::string& category, bool json);
int RunSynth(pipeline::SynthOptions o, const std::string& split);
int RunIndex(const IndexArgs& a);
int RunPredict(PredictArgs a);
int RunDetect(const DetectArgs& a);
int RunEval(const pipeline::EvalOptions& o);
int RunMeshEval(const pipeline::MeshEvalOptions& o);
int RunTrainStructure(const nn::TrainStructureOptions& o);
int RunTrainAssembler(const nn::TrainAssemblerOptions& o);
int RunTrainCategoryProbe(pipeline::TrainCategoryProbeOptions o);
int RunTrainMaskRefiner(pipeline::TrainMaskRefinerOptions o);

}  // namespace img2cad::apps
