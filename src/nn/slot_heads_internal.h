// The per-label heads of stage 1 (structure_model.h): the count head
// (StructureModelConfig::count_head), a per-label instance-count classifier, and the template head
// (StructureModelConfig::template_head), which reads the tokens of each label's first part. Both
// read the image tokens through one learned query per label ("slot"); each also gives a second
// expert on the decoder's tokens. Internal to nn/: it includes libtorch.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

#include "nn/structure_model.h"

namespace img2cad::nn::slot_heads {

// Slots: one per label of every category, the categories' vocabularies one after another.
int SlotOffset(int category);
int NumSlots();
int NumLabels(int category);

// One learned query per slot, two rounds of cross-attention to the image tokens, then a linear
// map to `outputs` numbers: memory [B, M, d] -> [B, slots, outputs].
struct SlotHeadImpl : torch::nn::Module {
  SlotHeadImpl(const StructureModelConfig& c, int outputs);
  torch::Tensor forward(const torch::Tensor& memory);
  static constexpr int kRounds = 2;
  torch::Tensor queries;
  torch::nn::ModuleList attn, n1, n2, ff1, ff2;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(SlotHead);

// The count head: a SlotHead over the count classes 0 .. kMaxCountClass.
inline SlotHead MakeCountHead(const StructureModelConfig& c) {
  return SlotHead(c, kMaxCountClass + 1);
}

// ---- Counts ----

// The cross-entropy of the count logits ([B, slots, kMaxCountClass + 1]) over the slots of each
// example's own category (counts clipped to the last class), summed and divided by `normaliser`;
// <= 0 means the number of those slots (the mean).
torch::Tensor CountLoss(const torch::Tensor& logits, const std::vector<StructureExample>& batch,
                        double normaliser = 0);

// The number of count targets of a batch: the labels of each example's category, summed.
int64_t CountTargets(const std::vector<StructureExample>& batch);

// The count logits of one image ([1, slots, kMaxCountClass + 1]) as log-probabilities, per slot:
// of each count class, and of each count "at least k" (k = 0 .. kMaxCountClass).
struct CountTable {
  std::vector<std::array<double, kMaxCountClass + 1>> exactly, at_least;
  double Exactly(int slot, int n) const { return exactly[slot][std::min(n, kMaxCountClass)]; }
  double AtLeast(int slot, int n) const { return at_least[slot][std::min(n, kMaxCountClass)]; }
};
CountTable MakeCountTable(const torch::Tensor& logits);

// Where a decoding hypothesis stands among its parts: its category, the label of its current
// part, how many parts of that label it has so far, and how many tokens of the current part
// follow its PART token. Accept() follows the sequence from CAT.
struct PartRun {
  int category = -1;
  int label = -1;
  int run = 0;
  int position = 0;
  void Accept(int token);
};

// The head's log-probability of a part-boundary token, factored so that the product along a
// sequence is the head's probability of all its counts: another instance of the current label
// continues its run (P(>= run+1) / P(>= run)); a later label or EOS ends it (P(= run) /
// P(>= run)), gives every label skipped none, and starts the new one (P(>= 1)). 0 for tokens
// that are no boundary decision.
double CountLogProb(const CountTable& table, const PartRun& run, int token);

// ---- Templates ----

// The template of a label is its first part's token sequence after the PART token
// (program::StructureFirstParts: its loops, curves and extrudes), of which the head reads the first
// kTemplateTokens positions: at each one a distribution over the structure vocabulary, where PAD
// stands for "the part has ended". Up to 4 loops of 6 curves and an extrude fit; longer parts are
// read in part.
inline constexpr int kTemplateTokens = 32;

// A SlotHead with vocabulary logits for every position: memory [B, M, d] -> [B, slots,
// kTemplateTokens, V]. (A position vector added to one shared slot vector learned far slower.)
struct TemplateHeadImpl : torch::nn::Module {
  explicit TemplateHeadImpl(const StructureModelConfig& c);
  torch::Tensor forward(const torch::Tensor& memory);
  SlotHead slots{nullptr};
};
TORCH_MODULE(TemplateHead);

// Template targets of a batch: [B, slots, kTemplateTokens], -100 where there is nothing to learn
// (labels of other categories, positions past the part's end marker). A label of the category
// without a part has the end marker first: the empty template.
torch::Tensor TemplateTargets(const std::vector<StructureExample>& batch);

// The number of template targets of a batch (TemplateTargets' entries other than -100), counted
// without building them.
int64_t TemplateTargetCount(const std::vector<StructureExample>& batch);

// The cross-entropy over `targets` (TemplateTargets), summed and divided by `normaliser` (> 0).
torch::Tensor TemplateLoss(TemplateHead& head, const torch::Tensor& memory,
                           const torch::Tensor& targets, double normaliser);

// The head's log-probabilities for one image (memory [1, M, d]): [slot][position][token].
struct TemplateTable {
  std::vector<std::vector<std::vector<float>>> logp;
};
TemplateTable MakeTemplateTable(TemplateHead& head, const torch::Tensor& memory);

// The head's most probable template of every label of `category`, each read position by position
// until the end marker (or kTemplateTokens); empty for a label it sees no part of.
std::vector<std::vector<int>> BestTemplates(const TemplateTable& table, int category);

// The head's vote on every token (V entries) as the next token of the current label's first
// part: its log-probability of the token (PAD's for a PART token or EOS, which end the part),
// renormalised over the tokens `allowed` by the grammar, so that a forced token costs nothing and
// a sequence is not penalised for the parts it has. All 0 outside first parts and past
// kTemplateTokens.
std::vector<double> TemplateVotes(const TemplateTable& table, const PartRun& run,
                                  const std::vector<unsigned char>& allowed);

}  // namespace img2cad::nn::slot_heads
