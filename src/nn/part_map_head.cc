#include "nn/part_map_head_internal.h"

#include <cmath>

#include "core/check.h"
#include "nn/slot_heads_internal.h"
#include "program/structure_tokens.h"

namespace img2cad::nn::part_map {

int Grid(const StructureModelConfig& c) { return c.image_size / 4; }

PartMapHeadImpl::PartMapHeadImpl(const StructureModelConfig& c)
    : grid(Grid(c)), sub(c.grid_stride / 4), classes(1 + slot_heads::NumSlots()) {
  out = register_module("out", torch::nn::Linear(c.d_model, sub * sub * (classes + 1)));
}

torch::Tensor PartMapHeadImpl::forward(const torch::Tensor& memory) {
  const int64_t b = memory.size(0), g = grid / sub;
  auto x = out(memory.slice(1, 1));  // [B, G², sub² * (classes + 1)]
  return x.reshape({b, g, g, sub, sub, classes + 1})
      .permute({0, 1, 3, 2, 4, 5})
      .reshape({b, grid, grid, classes + 1});
}

int64_t PartMapCells(const std::vector<StructureExample>& batch, const StructureModelConfig& c) {
  int64_t n = 0;
  for (const auto& e : batch)
    if (!e.part_labels.empty()) n += static_cast<int64_t>(Grid(c)) * Grid(c);
  return n;
}

torch::Tensor PartMapLoss(PartMapHead& head, const torch::Tensor& memory,
                          const std::vector<StructureExample>& batch, double normaliser) {
  const int grid = head->grid;
  const size_t cells = static_cast<size_t>(grid) * grid;
  std::vector<int64_t> rows;
  std::vector<int64_t> labels;
  std::vector<float> seams;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& e = batch[i];
    if (e.part_labels.empty()) continue;
    IMG2CAD_CHECK(e.part_labels.size() == cells && e.part_seams.size() == cells)
        << "part-map targets of the wrong size";
    const int category = program::StructureTokenCategory(e.tokens.at(1));
    IMG2CAD_CHECK(category >= 0) << "a training sequence without its category";
    rows.push_back(static_cast<int64_t>(i));
    for (size_t k = 0; k < cells; ++k) {
      const int l = e.part_labels[k];
      labels.push_back(l < 0 ? 0 : 1 + slot_heads::SlotOffset(category) + l);
      seams.push_back(e.part_seams[k]);
    }
  }
  if (rows.empty()) return torch::zeros({});
  auto logits = head(memory.index_select(0, torch::tensor(rows, torch::kLong)))
                    .reshape({-1, head->classes + 1});
  namespace F = torch::nn::functional;
  auto label_loss =
      F::cross_entropy(logits.slice(1, 0, head->classes), torch::tensor(labels, torch::kLong),
                       F::CrossEntropyFuncOptions().reduction(torch::kSum));
  auto seam_loss = F::binary_cross_entropy_with_logits(
      logits.select(1, head->classes), torch::tensor(seams),
      F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum));
  return (label_loss + seam_loss) / normaliser;
}

CountDensityImpl::CountDensityImpl(const StructureModelConfig& c) {
  out = register_module("out", torch::nn::Linear(c.d_model, slot_heads::NumSlots()));
  // Starts near zero density and a mild expert, so adding it to a trained count head changes
  // little until it has learned.
  torch::NoGradGuard no_grad;
  out->bias.fill_(-4);
  sharpness = register_parameter("sharpness", torch::full({slot_heads::NumSlots()}, -3.0));
}

torch::Tensor CountDensityImpl::forward(const torch::Tensor& memory) {
  return torch::nn::functional::softplus(out(memory.slice(1, 1)));
}

torch::Tensor CountDensityImpl::Expert(const torch::Tensor& sums) {
  const auto n = torch::arange(kMaxCountClass + 1, torch::kFloat);  // [K]
  const auto gap = sums.unsqueeze(-1) - n;                          // [B, slots, K]
  return -torch::nn::functional::softplus(sharpness).unsqueeze(-1) * gap * gap;
}

int64_t DensityExamples(const std::vector<StructureExample>& batch) {
  int64_t n = 0;
  for (const auto& e : batch) n += !e.part_labels.empty();
  return n;
}

torch::Tensor DensityLoss(const torch::Tensor& density, const std::vector<StructureExample>& batch,
                          int sub, double normaliser) {
  const int64_t tokens = density.size(1), g = static_cast<int64_t>(std::lround(std::sqrt(tokens)));
  const int grid = static_cast<int>(g) * sub;
  std::vector<int64_t> rows;
  std::vector<float> target;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& e = batch[i];
    if (e.part_labels.empty()) continue;
    const int category = program::StructureTokenCategory(e.tokens.at(1));
    IMG2CAD_CHECK(category >= 0) << "a training sequence without its category";
    rows.push_back(static_cast<int64_t>(i));
    const size_t first = target.size();
    target.resize(first + static_cast<size_t>(tokens) * slot_heads::NumSlots(), 0.f);
    for (const auto& [cell, label] : e.part_centres) {
      IMG2CAD_CHECK(cell >= 0 && cell < grid * grid) << "a part centre off the part map";
      const int token = (cell / grid / sub) * static_cast<int>(g) + (cell % grid) / sub;
      target[first + static_cast<size_t>(token) * slot_heads::NumSlots() +
             slot_heads::SlotOffset(category) + label] += 1;
    }
  }
  if (rows.empty()) return torch::zeros({});
  const auto d = density.index_select(0, torch::tensor(rows, torch::kLong));
  const auto t = torch::tensor(target).reshape(d.sizes());
  const auto per_token = (d - t).pow(2).sum();
  const auto sums = (d.sum(1) - t.sum(1)).pow(2).sum();
  return (per_token + sums) / normaliser;
}

}  // namespace img2cad::nn::part_map
