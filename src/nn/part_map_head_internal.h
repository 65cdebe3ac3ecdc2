// Stage 1's part-map head (StructureModelConfig::part_map_weight), a training-only auxiliary:
// from every image token it predicts its patch of the crop's part map, 4 x 4 pixels of the
// token's 16 x 16, as the label of the part seen there (or the background) and whether two
// visible parts meet there. The decoder and the count head read these same tokens, so the loss
// asks them to say which part is where and where one drawer, door or shelf ends and the next
// begins, which the token loss alone teaches slowly. Internal to nn/: it includes libtorch.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "nn/structure_model.h"

namespace img2cad::nn::part_map {

// The raster the head predicts: image_size / 4 cells a side (one per 4 x 4 crop pixels).
int Grid(const StructureModelConfig& c);

// One linear map per image token to its (grid_stride / 4)² cells, each with a logit per class
// (background, then every slot of slot_heads: the labels of all categories) and a seam logit.
struct PartMapHeadImpl : torch::nn::Module {
  explicit PartMapHeadImpl(const StructureModelConfig& c);
  // memory [B, 1 + G², d] (token 0 is the pooled one) -> [B, Grid, Grid, classes + 1].
  torch::Tensor forward(const torch::Tensor& memory);
  int grid = 0, sub = 0, classes = 0;
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(PartMapHead);

// The number of cells of a batch that have targets (examples with part maps, times Grid²).
int64_t PartMapCells(const std::vector<StructureExample>& batch, const StructureModelConfig& c);

// The label cross-entropy plus the seam's binary cross-entropy over the cells of the examples
// that have targets, summed and divided by `normaliser` (> 0); zero when none has.
torch::Tensor PartMapLoss(PartMapHead& head, const torch::Tensor& memory,
                          const std::vector<StructureExample>& batch, double normaliser);

// ---- Count density (StructureModelConfig::count_density) ----

// From every image token, a density >= 0 per slot, whose sum over the tokens estimates how many
// parts of that label the picture shows: a sum can count where attention, an average, cannot.
// The sum joins the count head as an expert: logit(n) gains -softplus(sharpness) * (sum - n)²,
// one learned sharpness per slot, so the head weighs the sum against what it knows of hidden parts.
struct CountDensityImpl : torch::nn::Module {
  explicit CountDensityImpl(const StructureModelConfig& c);
  // memory [B, 1 + G², d] -> density [B, G², slots].
  torch::Tensor forward(const torch::Tensor& memory);
  // The density's sums [B, slots] -> the expert's logits [B, slots, kMaxCountClass + 1].
  torch::Tensor Expert(const torch::Tensor& sums);
  torch::nn::Linear out{nullptr};
  torch::Tensor sharpness;
};
TORCH_MODULE(CountDensity);

// The number of examples of a batch with part-map targets (whose centres the density learns).
int64_t DensityExamples(const std::vector<StructureExample>& batch);

// The squared error between the density ([B, G², slots]) and each example's visible part centres
// (StructureExample::part_centres, counted per token and slot), summed over the tokens and slots
// of the examples that have part-map targets, plus the squared error of the sums; divided by
// `normaliser` (> 0). Zero when no example has targets. `sub` is the part-map cells per token side.
torch::Tensor DensityLoss(const torch::Tensor& density, const std::vector<StructureExample>& batch,
                          int sub, double normaliser);

}  // namespace img2cad::nn::part_map
