// Stage 2, "TrAssembler" (issue 8): given a program's structure and the object crop, every
// number of the program: sketch coordinates, arc sweeps, circle radii, plane poses and
// extrusion distances, in millimetres and degrees.
//
// The network reads the structure in the command-token layout of program/tokens.h (one token
// per SOL, curve and Extrude, with its discrete arguments), with a PART token in front of each
// part. Each token is embedded from its command type, discrete arguments, position in the part,
// and its part's label (the versioned vocabulary) and instance. Layers alternate as in the paper:
// a per-part transformer (attention only within the part), a global transformer over the PART
// tokens, and the per-part transformer again; all cross-attend to the image tokens of an encoder
// built like stage 1's. Per-command-type heads give the continuous arguments, normalised per
// category and argument (z-scores from the training programs, kept in the weights and the card).
// Plane poses are learnt as vectors (origin, unit normal, unit x direction), re-orthonormalised
// on output. A camera head on the encoder's pooled token estimates the view the photo was taken
// from (azimuth as its cosine and sine, elevation), so that previews match the photo.
//
// Two heads, both kept for the ablation:
//  - kRegression: the arguments directly (L2 loss on the normalised values);
//  - kGmFlow: a Gaussian-mixture flow. Noise x1 ~ N(0, 1) flows to the arguments x0 along
//    x_t = (1 - t) x0 + t x1; the network, given x_t and t, predicts a K-component Gaussian
//    mixture over the velocity u = x1 - x0 per argument and is trained by its negative log
//    likelihood; sampling integrates the mixture mean with a few Euler steps from t = 1 to 0.
//
// libtorch is private: this header is torch-free.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"
#include "program/program.h"
#include "program/structure.h"

namespace img2cad::nn {

enum class AssemblerHead { kRegression, kGmFlow };
const char* AssemblerHeadName(AssemblerHead head);  // "regression", "gmflow"
bool ParseAssemblerHead(const std::string& name, AssemblerHead* out);

struct AssemblerConfig {
  int image_size = 96;
  int width = 48;  // encoder channels of the first stage
  int grid_stride = 16;
  int d_model = 192;
  int heads = 4;
  int local_layers = 2;   // per-part layers before and (again) after the global ones
  int global_layers = 2;  // layers over the PART tokens
  int ff = 512;
  AssemblerHead head = AssemblerHead::kGmFlow;
  int mixture = 4;  // K, Gaussian components per argument (kGmFlow)
  bool camera_head = true;
  bool operator==(const AssemblerConfig&) const = default;
};

// The camera's view of the object in degrees (DESIGN §3: azimuth 0 looks at the front from -y,
// growing toward +x; elevation above the horizon).
struct AssemblerView {
  double azimuth_deg = 0;
  double elevation_deg = 0;
};

// A training example: the object crop, the true program (its structure and numbers) and, when
// known, the view it was rendered from (trains the camera head).
struct AssemblerExample {
  image::Image crop;
  const program::Program* program = nullptr;
  std::optional<AssemblerView> view;
};

// Per category, command type and argument: the mean and standard deviation of the continuous
// arguments over a set of programs (the network's normalisation).
struct ArgStats {
  std::vector<double> mean, stddev;  // [category][type][arg], flattened
};
ArgStats ComputeArgStats(const std::vector<const program::Program*>& programs);

class AssemblerModel {
 public:
  // A freshly initialised model with `stats` as its normalisation; the same seed gives the same
  // weights.
  static AssemblerModel Create(const AssemblerConfig& config, const ArgStats& stats, uint64_t seed);
  // Reads DIR/model.json and DIR/weights.pt. Errors: kNotFound, kParse naming the file, or a
  // vocabulary version this build does not speak.
  static core::Result<AssemblerModel> Load(const std::string& dir);
  // Writes DIR/weights.pt and DIR/model.json (with `card_json`, an object, merged in) atomically.
  core::Status Save(const std::string& dir, const std::string& card_json = "{}") const;

  AssemblerModel(AssemblerModel&&) noexcept;
  AssemblerModel& operator=(AssemblerModel&&) noexcept;
  ~AssemblerModel();

  const AssemblerConfig& config() const;
  int64_t num_parameters() const;
  int64_t steps() const;

  // The numbers for `structure` seen in `crop` (any size; resized). `sampling_steps` Euler steps
  // for kGmFlow (ignored by kRegression); `seed` draws the starting noise, so a call is
  // deterministic. The result has exactly `structure`, and its planes have unit, orthogonal
  // normal and x directions; it is not validated or repaired. With `view` given and a camera
  // head in the model, *view receives the estimated camera view (azimuth in [0, 360)); without a
  // camera head it is left alone. Errors: kInvalidArgument for an empty image, an empty
  // structure, an unknown category or label, or sampling_steps < 1.
  core::Result<program::Program> Predict(const image::Image& crop,
                                         const program::Structure& structure,
                                         int sampling_steps = 8, uint64_t seed = 0,
                                         std::optional<AssemblerView>* view = nullptr) const;

  // One AdamW step on `batch`; returns the loss (mean over the arguments: squared error for
  // kRegression, negative log likelihood for kGmFlow; plus the camera head's squared error over
  // the examples with a view). `mixed_bf16`: the forward and backward passes run in bfloat16
  // mixed precision (products in bf16, parameters, normalisations, losses and the optimiser in
  // float32), about 1.75 times as fast on this project's CPU. Errors: kInvalidArgument for an
  // example without a program or with an unknown category or label; kInternal when libtorch
  // fails.
  core::Result<double> TrainStep(const std::vector<AssemblerExample>& batch, double learning_rate,
                                 bool mixed_bf16 = false);

  // Weights, optimiser state, seed and step count, so that training resumes exactly.
  core::Status SaveCheckpoint(const std::string& path) const;
  core::Status LoadCheckpoint(const std::string& path);

 private:
  struct Impl;
  explicit AssemblerModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::nn
