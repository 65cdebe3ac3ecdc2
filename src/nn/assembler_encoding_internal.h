// How stage 2 (assembler_model.h) sees a program: token features per command, the arguments it
// predicts, and batches packed one row per part. Internal to nn/: it includes libtorch.
#pragma once

#include <torch/torch.h>

#include <array>
#include <string>
#include <vector>

#include "core/status.h"
#include "nn/assembler_model.h"
#include "program/tokens.h"

namespace img2cad::nn::assembler {

constexpr int kPartType = program::kNumCommandTypes;  // the PART token in front of each part
constexpr int kPadType = program::kNumCommandTypes + 1;
constexpr int kMaxPosition = 128;  // positions within a part are clamped to this
constexpr int kMaxInstance = 32;
constexpr int kMaxFeature = 8;
constexpr int kDiscreteIds = 15;  // 0 none; 1-2 arc cw/ccw; 3-14 extrude extent x operation
constexpr float kMaskedScore = -1e9f;

int NumCategories();
// The category's index in program::Categories(), or -1.
int CategoryIndex(const std::string& category);
// Label ids over all categories: each category's labels follow the previous categories'; -1
// for a label outside the category's vocabulary.
int LabelId(int category, const std::string& label);
int NumLabels();
// Index of (category, command type, argument) in ArgStats.
int StatIndex(int category, int type, int arg);

// The continuous arguments the network predicts: distance2 only for two-sided extrusions.
bool Active(const program::Command& c, int k);

using V3 = std::array<double, 3>;
// Unit normal n and unit x direction orthogonal to it; a degenerate x direction is replaced by
// the most orthogonal world axis.
void Orthonormalise(V3* n, V3* x);
// The arguments as the network sees them: plane directions orthonormalised.
std::array<double, program::kNumArgs> CanonicalArgs(const program::Command& c);

// One program (or structure) as token features for the network.
struct Encoded {
  int category = 0;
  std::vector<int64_t> type, disc, label, instance, position, feature;
  std::vector<int64_t> part_tokens;   // positions of the PART tokens
  std::vector<float> target, active;  // [L * kNumArgs], normalised targets (training only)
};

// Fails on an unknown category or label (naming the part).
core::Result<Encoded> Encode(const std::string& category,
                             const std::vector<program::PartTokens>& parts, const ArgStats& stats,
                             bool with_targets);

// A batch of encoded sequences as tensors, packed one row per part: row r holds a part's PART
// token and its commands, padded to the longest part. Per-part attention is then a short
// attention within each row rather than a masked one over the whole program, and a batch that
// mixes a 300-token cabinet with 60-token chairs pads parts, not programs.
struct Batch {
  torch::Tensor type, disc, label, instance, position, feature;  // [R, Lp]
  torch::Tensor category;                                        // [B]
  torch::Tensor row_sample;      // [R]: the batch item each row belongs to
  torch::Tensor local_mask;      // [R, 1, 1, Lp] additive: the row's real tokens only
  torch::Tensor part_slots;      // [R]: where each row's PART token goes in the [B * P] layout
  torch::Tensor global_mask;     // [B, 1, 1, P] additive: real parts only
  torch::Tensor target, active;  // [R, Lp, kNumArgs]
  int64_t batch = 0, parts = 0;  // B, P
};

Batch MakeBatch(const std::vector<const Encoded*>& items);

}  // namespace img2cad::nn::assembler
