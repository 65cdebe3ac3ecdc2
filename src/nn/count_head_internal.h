// The count head of stage 1 (structure_model.h, StructureModelConfig::count_head): a per-label
// instance-count classifier over the image tokens, its loss, and the factorisation that turns its
// answer into a second expert on the decoder's part-boundary tokens. Internal to nn/: it includes
// libtorch.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>

#include "nn/structure_model.h"

namespace img2cad::nn::count_head {

// Count slots: one per label of every category, the categories' vocabularies one after another.
int SlotOffset(int category);
int NumSlots();
int NumLabels(int category);

// One learned query per count slot, two rounds of cross-attention to the image tokens, then a
// classifier over the count classes: memory [B, M, d] -> logits [B, slots, kMaxCountClass + 1].
struct CountHeadImpl : torch::nn::Module {
  explicit CountHeadImpl(const StructureModelConfig& c);
  torch::Tensor forward(const torch::Tensor& memory);
  static constexpr int kRounds = 2;
  torch::Tensor queries;
  torch::nn::ModuleList attn, n1, n2, ff1, ff2;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(CountHead);

// The cross-entropy over the slots of each example's own category (counts clipped to the last
// class), summed and divided by `normaliser`; <= 0 means the number of those slots (the mean).
torch::Tensor CountLoss(CountHead& head, const torch::Tensor& memory,
                        const std::vector<StructureExample>& batch, double normaliser = 0);

// The number of count targets of a batch: the labels of each example's category, summed.
int64_t CountTargets(const std::vector<StructureExample>& batch);

// The head's answer for one image (memory [1, M, d]) as log-probabilities, per slot: of each
// count class, and of each count "at least k" (k = 0 .. kMaxCountClass).
struct CountTable {
  std::vector<std::array<double, kMaxCountClass + 1>> exactly, at_least;
  double Exactly(int slot, int n) const { return exactly[slot][std::min(n, kMaxCountClass)]; }
  double AtLeast(int slot, int n) const { return at_least[slot][std::min(n, kMaxCountClass)]; }
};
CountTable MakeCountTable(CountHead& head, const torch::Tensor& memory);

// Where a decoding hypothesis stands among its parts: its category, the label of its current
// part and how many parts of that label it has so far. Accept() follows the sequence from CAT.
struct PartRun {
  int category = -1;
  int label = -1;
  int run = 0;
  void Accept(int token);
};

// The head's log-probability of a part-boundary token, factored so that the product along a
// sequence is the head's probability of all its counts: another instance of the current label
// continues its run (P(>= run+1) / P(>= run)); a later label or EOS ends it (P(= run) /
// P(>= run)), gives every label skipped none, and starts the new one (P(>= 1)). 0 for tokens
// that are no boundary decision.
double CountLogProb(const CountTable& table, const PartRun& run, int token);

}  // namespace img2cad::nn::count_head
