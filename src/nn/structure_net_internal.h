// Internal to nn/: stage 1's network and StructureModel's state, shared by structure_model.cc
// (training, saving, loading) and structure_inference.cc (decoding and the heads' answers). It
// includes libtorch, so nothing above nn/ may include it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "nn/layers_internal.h"
#include "nn/part_map_head_internal.h"
#include "nn/slot_heads_internal.h"
#include "nn/structure_model.h"
#include "program/structure_tokens.h"

namespace img2cad::nn {

namespace structure_net {

using layers::Attention;
using layers::Encoder;
using slot_heads::SlotHead;
using slot_heads::TemplateHead;

struct LayerCache {
  torch::Tensor self_k, self_v;    // [B, H, t, dh], grown by one per step
  torch::Tensor cross_k, cross_v;  // [B, H, M, dh], fixed
};

// Pre-norm decoder layer: causal self-attention, cross-attention to the image tokens, MLP.
struct DecoderLayerImpl : torch::nn::Module {
  DecoderLayerImpl(const StructureModelConfig& c) {
    self_attn = register_module("self_attn", Attention(c.d_model, c.heads));
    cross_attn = register_module("cross_attn", Attention(c.d_model, c.heads));
    n1 = register_module("n1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    n2 = register_module("n2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    n3 = register_module("n3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    ff1 = register_module("ff1", torch::nn::Linear(c.d_model, c.ff));
    ff2 = register_module("ff2", torch::nn::Linear(c.ff, c.d_model));
  }
  torch::Tensor Mlp(const torch::Tensor& x) {
    const auto h = torch::gelu(layers::Apply(ff1, n3(x)));
    return layers::Apply(ff2, layers::Dropout(h, kDropout, is_training()));
  }
  // Whole sequences (training): x [B, L, d], memory [B, M, d], causal [L, L].
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& memory, const torch::Tensor& causal) {
    auto h = n1(x);
    x = x + self_attn->Attend(h, self_attn->Keys(h), self_attn->Values(h), causal, kDropout);
    x = x + cross_attn->Attend(n2(x), cross_attn->Keys(memory), cross_attn->Values(memory), {},
                               kDropout);
    return x + Mlp(x);
  }
  // One new position per sequence (decoding): x [B, 1, d]; the cache grows by that position.
  torch::Tensor Step(torch::Tensor x, LayerCache* cache) {
    auto h = n1(x);
    auto k = self_attn->Keys(h), v = self_attn->Values(h);
    cache->self_k = cache->self_k.defined() ? torch::cat({cache->self_k, k}, 2) : k;
    cache->self_v = cache->self_v.defined() ? torch::cat({cache->self_v, v}, 2) : v;
    x = x + self_attn->Attend(h, cache->self_k, cache->self_v, {}, 0);
    x = x + cross_attn->Attend(n2(x), cache->cross_k, cache->cross_v, {}, 0);
    return x + Mlp(x);
  }
  static constexpr double kDropout = 0.1;
  Attention self_attn{nullptr}, cross_attn{nullptr};
  torch::nn::LayerNorm n1{nullptr}, n2{nullptr}, n3{nullptr};
  torch::nn::Linear ff1{nullptr}, ff2{nullptr};
};
TORCH_MODULE(DecoderLayer);

struct NetImpl : torch::nn::Module {
  NetImpl(const StructureModelConfig& c) : config(c) {
    const int vocab = program::StructureVocabularySize();
    encoder = register_module(
        "encoder", Encoder(c.image_size, c.width, c.grid_stride, c.d_model, c.encoder_blocks));
    embed = register_module("embed", torch::nn::Embedding(vocab, c.d_model));
    pos = register_parameter("pos", torch::randn({program::kMaxStructureTokens, c.d_model}) * 0.02);
    for (int i = 0; i < c.layers; ++i) layers->push_back(DecoderLayer(c));
    register_module("layers", layers);
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    head = register_module("head", torch::nn::Linear(c.d_model, vocab));
    // Registered only when configured, so models saved without it still load.
    if (c.category_head)
      category = register_module("category", torch::nn::Linear(c.d_model, vocab));
    if (c.count_head) counts = register_module("counts", slot_heads::MakeCountHead(c));
    if (c.template_head) templates = register_module("templates", TemplateHead(c));
    if (c.part_map_weight > 0) part_map = register_module("part_map", part_map::PartMapHead(c));
    if (c.count_head && c.count_density)
      density = register_module("density", part_map::CountDensity(c));
  }
  // The count head's logits [B, slots, K], with the count density's expert when there is one.
  torch::Tensor count_logits(const torch::Tensor& memory) {
    auto logits = counts(memory);
    if (density) logits = logits + density->Expert(density(memory).sum(1));
    return logits;
  }
  // Teacher forcing: memory [B, M, d] (from the encoder), inputs [B, L] -> logits [B, L, V].
  torch::Tensor forward(const torch::Tensor& memory, const torch::Tensor& inputs) {
    const int64_t len = inputs.size(1);
    auto x = embed(inputs) + pos.slice(0, 0, len).unsqueeze(0);
    const auto causal = torch::full({len, len}, -std::numeric_limits<float>::infinity()).triu(1);
    for (auto& l : *layers) x = l->as<DecoderLayer>()->forward(x, memory, causal);
    return head(norm(x));
  }
  StructureModelConfig config;
  Encoder encoder{nullptr};
  torch::nn::Embedding embed{nullptr};
  torch::Tensor pos;
  torch::nn::ModuleList layers;
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear head{nullptr};
  torch::nn::Linear category{nullptr};  // over the whole vocabulary; masked to category tokens
  SlotHead counts{nullptr};
  TemplateHead templates{nullptr};
  part_map::PartMapHead part_map{nullptr};
  part_map::CountDensity density{nullptr};
};
TORCH_MODULE(Net);

// Grammar mask as additive logits: 0 where allowed, a large negative number elsewhere.
constexpr float kMasked = -1e9f;

// Additive logits [vocabulary] allowing only the tokens that may follow BOS (the categories).
// Built once.
const torch::Tensor& CategoryMask();

}  // namespace structure_net

struct StructureModel::Impl {
  explicit Impl(const StructureModelConfig& c) : net(c) {}
  structure_net::Net net;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  // Dropout draws from a generator seeded by (seed, step), so training is a function of the
  // seed and the batches, and a resumed run continues exactly.
  uint64_t seed = 0;
  int64_t steps = 0;
  // Only the count head trains (CountHeadOver); the encoder and decoder are frozen.
  bool counts_only = false;
  // Copies of net that train the other shards of a batch (data_parallel_internal.h).
  std::vector<structure_net::Net> replicas;
  std::vector<torch::Tensor> Trainable() const {
    return counts_only ? net->counts->parameters() : net->parameters();
  }
};

}  // namespace img2cad::nn
