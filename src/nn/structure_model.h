// Stage 1: photo -> program structure (issue 7). A compact image encoder (ResNet-like CNN, a
// grid of feature tokens that stage 2 will reuse) and an autoregressive transformer decoder over
// the structure token language (program/structure_tokens.h), decoded under its grammar mask so
// that every output is a valid img2cad.structure/1.
//
// libtorch is private to this module: this header is torch-free. Inference runs on the threads
// reserved from the process budget (core/parallel.h).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"
#include "program/structure.h"

namespace img2cad::nn {

// The most residual blocks an encoder stage may have (StructureModelConfig::encoder_blocks).
inline constexpr int kMaxEncoderBlocks = 4;

struct StructureModelConfig {
  int image_size = 96;  // the square object crop the encoder reads, pixels
  int width = 48;       // channels of the encoder's first stage (doubling-ish per stage)
  int d_model = 192;    // decoder width
  int heads = 4;
  int layers = 3;
  int ff = 512;  // feed-forward width
  // Pixels per image token: 32 (four stride-2 stages after the stem) or 16 (the last stage keeps
  // its resolution, giving 4x as many tokens for counting small repeated parts).
  int grid_stride = 16;
  // Residual blocks in each of the encoder's first three stages (1 to kMaxEncoderBlocks; the
  // fourth stage has one).
  int encoder_blocks = 1;
  // An auxiliary category classifier on the pooled image token: trained beside the decoder and,
  // at decoding, multiplied into the category token's distribution.
  bool category_head = true;
  // An auxiliary count head: for every label of every category, a distribution over how many
  // instances of it the object has (0 .. kMaxCountClass, the last class meaning that many or
  // more), read from the image tokens by one learned query per label. At decoding it is a second
  // expert on every part-boundary token (another instance of the current label, the next label,
  // or the end): its log-probability, times `count_weight`, is added to the decoder's. 0 turns it
  // off. The decoder has to count parts through 100-300 tokens; the head counts in one step.
  bool count_head = false;
  double count_weight = 1.0;
  // An auxiliary template head: for every label of every category, the tokens of its first part
  // (loops, curve types, extrude), position by position, read from the image tokens by one
  // learned query per label. Its loss supervises the few tokens that decide a part's shape (an
  // oval top or a square one, round legs or square ones) directly from the image. At decoding,
  // its log-probability of each token of a label's first part, times `template_weight`, is added
  // to the decoder's; 0 turns that off.
  bool template_head = false;
  double template_weight = 0.0;
  // Training only: the weight of the token loss on the tokens of each label's first part (its
  // loops, curve types and extrudes: what decides its shape; later instances mostly copy it),
  // against 1 for every other token. 1 is the plain loss; TrainStep still reports the plain one.
  double first_part_weight = 1.0;
  // Training only: the weight of the part-map head's loss (src/nn/part_map_head_internal.h: from
  // every image token, the part label and the seams between visible parts in its patch, learned
  // from the renderer's part maps); 0 means no such head. Decoding never reads the head.
  double part_map_weight = 0.0;
  // A count density beside the count head (part_map_head_internal.h): every image token says how
  // many parts of each label it holds the centre of, and the sums join the count head's logits.
  // With part_map_weight > 0 the density also learns from the part maps' visible part centres.
  // Needs count_head.
  bool count_density = false;
  bool operator==(const StructureModelConfig&) const = default;
};

// Count classes of the count head: 0 .. kMaxCountClass instances, the last meaning "or more".
inline constexpr int kMaxCountClass = 15;

struct StructureHypothesis {
  program::Structure structure;
  std::vector<int> tokens;  // BOS ... EOS
  // Natural log of the sequence's score: its probability under the decoder, times the count
  // head's probability of its part counts to the power count_weight and the template head's of
  // its first parts' tokens to the power template_weight, for the heads there are.
  double log_prob = 0;
  // The model's probability of this structure's category (its first token, both heads together),
  // in [0, 1]: how sure it is of what the object is, whatever the parts.
  double category_prob = 0;
};

// A training example: an object crop (RGB, config.image_size square) and its token sequence.
struct StructureExample {
  image::Image crop;
  std::vector<int> tokens;
  // Optional targets of the part-map head (PartMapTargets in structure_data.h), on a raster of
  // image_size / 4 cells a side; empty for none.
  std::vector<int16_t> part_labels;
  std::vector<uint8_t> part_seams;
  // With them, each visible part's centre: (cell of that raster, label in the category).
  std::vector<std::array<int16_t, 2>> part_centres;
};

class StructureModel {
 public:
  // A freshly initialised model; the same seed gives the same weights.
  static StructureModel Create(const StructureModelConfig& config, uint64_t seed);
  // A model that is the saved model in `base_dir` plus a fresh count head (seeded by `seed`), and
  // whose training from then on moves the count head only: the encoder and the decoder stay as
  // trained. Errors: those of Load, or a base that already has a count head.
  static core::Result<StructureModel> CountHeadOver(const std::string& base_dir, uint64_t seed);
  // The saved model in `dir`, configuration and weights, ready to train further as a whole
  // (fine-tuning): a fresh optimiser, step 0, and dropout drawn from `seed`. A `part_map_weight`
  // >= 0 replaces the saved one, and `add_count_density` adds a count density to a model with a
  // count head; a head the saved model lacks starts fresh (seeded by `seed`). Errors: those of
  // Load, or kInvalidArgument for a count density without a count head.
  static core::Result<StructureModel> FineTuneFrom(const std::string& dir, uint64_t seed,
                                                   double part_map_weight = -1,
                                                   bool add_count_density = false);
  // Reads DIR/model.json and DIR/weights.pt. Errors: kNotFound, kParse naming the file, or a
  // structure-token or vocabulary version this build does not speak.
  static core::Result<StructureModel> Load(const std::string& dir);
  // Writes DIR/weights.pt and DIR/model.json (with `card_json`, an object, merged in) atomically.
  core::Status Save(const std::string& dir, const std::string& card_json = "{}") const;

  StructureModel(StructureModel&&) noexcept;
  StructureModel& operator=(StructureModel&&) noexcept;
  ~StructureModel();

  const StructureModelConfig& config() const;
  int64_t num_parameters() const;
  // Training steps taken so far (restored by LoadCheckpoint).
  int64_t steps() const;

  // The `beam` most probable structures of an object crop (any size; resized to image_size),
  // best first. Every one is valid. `category_prior`, when not empty, is a second opinion on the
  // category: one weight >= 0 per program::Categories() entry (not all zero; need not sum to 1),
  // multiplied into the category's distribution at the first step and renormalised, so that
  // category_prob is the product's (a category with weight 0 is never decoded). Errors:
  // kInvalidArgument for an empty image, beam < 1, or a prior of the wrong size, with a negative
  // or non-finite weight, or all zero.
  core::Result<std::vector<StructureHypothesis>> Decode(
      const image::Image& crop, int beam, const std::vector<double>& category_prior = {}) const;

  // One member of an ensemble decode: a model (not owned; it must outlive the call) and the crop
  // it reads, which may differ between members (a mirrored copy, another framing).
  struct EnsembleMember {
    const StructureModel* model = nullptr;
    image::Image crop;
  };
  // Decode with several members voting at every step: the next token's distribution is the
  // normalised geometric mean of the members' distributions (each with its category head), and
  // each member's count and template votes enter the score divided by the number of members.
  // One member is exactly Decode. The category prior applies once, to the mean. Errors: those of
  // Decode, for no members, or a member without a model.
  static core::Result<std::vector<StructureHypothesis>> DecodeEnsemble(
      const std::vector<EnsembleMember>& members, int beam,
      const std::vector<double>& category_prior = {});

  // The category's distribution for each crop (any size; resized to image_size): one row per
  // crop, one probability per program::Categories() entry, summing to 1. It is the first decoding
  // step of Decode, with the category head's product of experts, so the decoded category's entry
  // is Decode's category_prob (up to rounding). All crops go through the encoder as one batch.
  // Errors: kInvalidArgument for no crops or an empty image; kInternal when libtorch fails.
  core::Result<std::vector<std::vector<double>>> CategoryProbs(
      const std::vector<image::Image>& crops) const;

  // The count head's most probable instance count of every label of `category` (an index into
  // program::Categories()), in the vocabulary's label order. Errors: kInvalidArgument without a
  // count head, for an empty image or for an unknown category.
  core::Result<std::vector<int>> PredictCounts(const image::Image& crop, int category) const;
  // The count density's sums (StructureModelConfig::count_density) for every label of `category`,
  // in the vocabulary's label order: how many parts of each label it sees (not rounded). Errors:
  // kInvalidArgument without a count density, for an empty image or for an unknown category.
  core::Result<std::vector<double>> PredictVisibleCounts(const image::Image& crop,
                                                         int category) const;
  // Changes the count expert's weight at decoding (validation sweeps; Save records it).
  void set_count_weight(double weight);

  // The template head's most probable first part of every label of `category` (an index into
  // program::Categories()), in the vocabulary's label order: the part's tokens after its PART
  // token, as the head reads them position by position (structure_tokens.h); empty for a label
  // it sees no part of. Not necessarily grammatical. Errors: kInvalidArgument without a template
  // head, for an empty image or for an unknown category.
  core::Result<std::vector<std::vector<int>>> PredictTemplates(const image::Image& crop,
                                                               int category) const;
  // Changes the template expert's weight at decoding (validation sweeps; Save records it).
  void set_template_weight(double weight);

  // The part-map head's reading of the crop (any size; resized to image_size) on its
  // image_size / 4 square raster, row-major: `labels` holds, per cell, the most probable label
  // (an index into LabelsOf of `category`, an index into program::Categories()) when that is a
  // label of the category, else -1 (the background or another category's label); `seams` the
  // probability that two visible parts meet in the cell. Errors: kInvalidArgument without a
  // part-map head (StructureModelConfig::part_map_weight), for an empty image or for an unknown
  // category.
  struct PartMapReading {
    int grid = 0;
    std::vector<int> labels;
    std::vector<float> seams;
  };
  core::Result<PartMapReading> PredictPartMap(const image::Image& crop, int category) const;

  // The part-map head's loss (part_map_head_internal.h) on the examples that have part-map
  // targets, per target cell; 0 when none has. Errors: kInvalidArgument without a part-map head or
  // for targets of the wrong size; kInternal when libtorch fails.
  core::Result<double> PartMapLoss(const std::vector<StructureExample>& examples) const;

  // A training checkpoint: weights and optimiser state, so that training resumes exactly.
  // Errors: kIo / kParse naming the file, or a checkpoint of another configuration.
  core::Status SaveCheckpoint(const std::string& path) const;
  core::Status LoadCheckpoint(const std::string& path);

  // One optimiser step of teacher-forced cross-entropy on `batch` (plus the category and count
  // heads' cross-entropies, and the template head's, when the configuration has them); returns the
  // mean token loss alone, comparable across configurations, or the count loss when only the count
  // head trains. Sequences are decoded in length-sorted groups, so a batch that mixes short chairs
  // and long storage pieces wastes little on padding. The optimiser (AdamW) state lives with the
  // model. `mixed_bf16`: the forward and backward passes run in bfloat16 mixed precision
  // (products in bf16; parameters, normalisations, losses and the optimiser in float32), about
  // 1.4 times as fast on this project's CPU. Errors: kInternal when libtorch fails (its message
  // included).
  core::Result<double> TrainStep(const std::vector<StructureExample>& batch, double learning_rate,
                                 bool mixed_bf16 = false);

 private:
  struct Impl;
  double TrainStepImpl(const std::vector<StructureExample>& batch, double learning_rate,
                       bool mixed_bf16);
  // A fresh model of `config` (seeded by `seed`) holding this one's weights wherever the two
  // have the same parameter; the rest keep their fresh values.
  StructureModel WithConfig(const StructureModelConfig& config, uint64_t seed) const;
  static std::vector<StructureHypothesis> DecodeImpl(const std::vector<EnsembleMember>& members,
                                                     int beam,
                                                     const std::vector<double>& category_prior);
  std::vector<std::vector<double>> CategoryProbsImpl(const std::vector<image::Image>& crops) const;
  explicit StructureModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace img2cad::nn
