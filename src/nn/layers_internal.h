// Building blocks shared by the stage-1 and stage-2 networks. Internal to nn/: it includes
// libtorch, so only nn/*.cc files include it (never a public header).
#pragma once

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "image/image.h"

namespace img2cad::nn::layers {

// The generator of the innermost DropoutScope open on this thread, if any.
inline std::optional<at::Generator>& ThreadDropoutGenerator() {
  thread_local std::optional<at::Generator> generator;
  return generator;
}

// While it lives, Dropout() on this thread draws from a generator seeded with `seed` instead of
// torch's global one, so that shards of a batch trained on parallel threads stay deterministic.
class DropoutScope {
 public:
  explicit DropoutScope(uint64_t seed) {
    ThreadDropoutGenerator() = at::detail::createCPUGenerator(seed);
  }
  ~DropoutScope() { ThreadDropoutGenerator().reset(); }
  DropoutScope(const DropoutScope&) = delete;
  DropoutScope& operator=(const DropoutScope&) = delete;
};

// Inverted dropout with probability p while training; the identity otherwise.
inline torch::Tensor Dropout(const torch::Tensor& x, double p, bool training) {
  if (p <= 0 || !training) return x;
  auto& generator = ThreadDropoutGenerator();
  if (!generator) return torch::dropout(x, p, true);
  return x * torch::empty_like(x).bernoulli_(1 - p, *generator) / (1 - p);
}

// x W^T + b for x [..., in]. At inference, a few rows (decoding one token per hypothesis) go
// through one matrix-vector product each: OpenBLAS's gemm packs the whole weight matrix on every
// call, and that packing was a third of stage 1's decoding time.
inline torch::Tensor Apply(torch::nn::Linear linear, const torch::Tensor& x) {
  constexpr int64_t kMaxRows = 4;
  const int64_t in = x.size(-1), rows = in > 0 ? x.numel() / in : 0;
  if (torch::GradMode::is_enabled() || rows == 0 || rows > kMaxRows) return linear->forward(x);
  const auto flat = x.reshape({rows, in});
  std::vector<torch::Tensor> out;
  for (int64_t r = 0; r < rows; ++r)
    out.push_back(torch::addmv(linear->bias, linear->weight, flat[r]));
  auto shape = x.sizes().vec();
  shape.back() = linear->weight.size(0);
  return torch::stack(out).view(shape);
}

// GroupNorm rather than BatchNorm: the statistics do not depend on the batch, so one photo at
// inference is treated exactly like a training batch.
inline torch::nn::GroupNorm Norm(int channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(std::gcd(8, channels), channels));
}

// x in float32. Under mixed-precision training (bf16 autocast) convolutions and matrix products
// return bf16, and libtorch 1.13's GroupNorm refuses a bf16 input with float32 weights; the
// normalisations stay in float32 for their statistics anyway.
inline torch::Tensor F32(const torch::Tensor& x) {
  return x.scalar_type() == torch::kFloat ? x : x.to(torch::kFloat);
}

inline torch::nn::Conv2d Conv(int in, int out, int k, int stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
}

struct BlockImpl : torch::nn::Module {
  BlockImpl(int in, int out, int stride)
      : conv1(register_module("conv1", Conv(in, out, 3, stride))),
        norm1(register_module("norm1", Norm(out))),
        conv2(register_module("conv2", Conv(out, out, 3, 1))),
        norm2(register_module("norm2", Norm(out))),
        skip(register_module("skip", Conv(in, out, 1, stride))),
        skip_norm(register_module("skip_norm", Norm(out))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = torch::relu(norm1(F32(conv1(x))));
    y = norm2(F32(conv2(y)));
    return torch::relu(y + skip_norm(F32(skip(x))));
  }
  torch::nn::Conv2d conv1;
  torch::nn::GroupNorm norm1;
  torch::nn::Conv2d conv2;
  torch::nn::GroupNorm norm2;
  torch::nn::Conv2d skip;
  torch::nn::GroupNorm skip_norm;
};
TORCH_MODULE(Block);

// The shared image encoder: a stride-2 stem and four residual stages (/32 in all, or /16 when
// the last stage keeps its resolution), giving a grid of feature tokens plus one pooled token,
// projected to d_model with a learned position per grid cell. Stage 2 cross-attends to the same
// tokens. Each of the first three stages has `stage_blocks` residual blocks (the later ones at
// stride 1); the fourth has one. With one block per stage the module layout is the one that
// models saved before the option existed have, so they still load.
struct EncoderImpl : torch::nn::Module {
  EncoderImpl(int image_size, int width, int grid_stride, int d_model, int stage_blocks = 1) {
    const int w = width;
    stem = register_module("stem", Conv(3, w, 3, 2));
    stem_norm = register_module("stem_norm", Norm(w));
    const int widths[] = {w, w * 3 / 2, w * 3, w * 5};
    int in = w;
    for (int i = 0; i < 4; ++i) {
      blocks->push_back(Block(in, widths[i], i == 3 && grid_stride == 16 ? 1 : 2));
      in = widths[i];
      for (int extra = 1; i < 3 && extra < stage_blocks; ++extra)
        blocks->push_back(Block(in, in, 1));
    }
    register_module("blocks", blocks);
    const int grid = image_size / grid_stride;
    proj = register_module("proj", torch::nn::Linear(in, d_model));
    pos = register_parameter("pos", torch::randn({1, grid * grid + 1, d_model}) * 0.02);
  }
  // images [B, 3, S, S] -> memory [B, (S/stride)² + 1, d_model]; token 0 is the pooled one.
  torch::Tensor forward(const torch::Tensor& images) {
    auto x = torch::relu(stem_norm(F32(stem(images))));
    for (auto& b : *blocks) x = b->as<Block>()->forward(x);
    auto tokens = x.flatten(2).transpose(1, 2);      // [B, G², C]
    auto pooled = tokens.mean(1, /*keepdim=*/true);  // [B, 1, C]
    return proj(torch::cat({pooled, tokens}, 1)) + pos;
  }
  torch::nn::Conv2d stem{nullptr};
  torch::nn::GroupNorm stem_norm{nullptr};
  torch::nn::ModuleList blocks;
  torch::nn::Linear proj{nullptr};
  torch::Tensor pos;
};
TORCH_MODULE(Encoder);

// Multi-head attention written out, so that decoding can keep a key/value cache.
struct AttentionImpl : torch::nn::Module {
  AttentionImpl(int d, int heads) : heads(heads), dh(d / heads) {
    q = register_module("q", torch::nn::Linear(d, d));
    k = register_module("k", torch::nn::Linear(d, d));
    v = register_module("v", torch::nn::Linear(d, d));
    o = register_module("o", torch::nn::Linear(d, d));
  }
  torch::Tensor Split(const torch::Tensor& x) const {  // [B, L, d] -> [B, H, L, dh]
    return x.view({x.size(0), x.size(1), heads, dh}).transpose(1, 2);
  }
  torch::Tensor Keys(const torch::Tensor& x) { return Split(Apply(k, x)); }
  torch::Tensor Values(const torch::Tensor& x) { return Split(Apply(v, x)); }
  // query [B, Lq, d]; keys/values [B, H, Lk, dh]; mask added to the scores.
  torch::Tensor Attend(const torch::Tensor& query, const torch::Tensor& keys,
                       const torch::Tensor& values, const torch::Tensor& mask, double dropout) {
    auto qh = Split(Apply(q, query));
    auto scores = torch::matmul(qh, keys.transpose(-2, -1)) / std::sqrt(static_cast<double>(dh));
    if (mask.defined()) scores = scores + mask;
    auto weights = torch::softmax(scores, -1);
    weights = Dropout(weights, dropout, is_training());
    auto out = torch::matmul(weights, values).transpose(1, 2).contiguous();
    return Apply(o, out.view({out.size(0), out.size(1), heads * dh}));
  }
  int heads, dh;
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
};
TORCH_MODULE(Attention);

// The crop as the network reads it: RGB resized to S x S, scaled to about [-2, 2].
inline torch::Tensor ImageTensor(const image::Image& crop, int size) {
  image::Image rgb = image::ConvertChannels(crop, 3);
  if (rgb.width != size || rgb.height != size) rgb = image::Resize(rgb, size, size);
  auto t = torch::from_blob(rgb.pixels.data(), {size, size, 3}, torch::kUInt8)
               .permute({2, 0, 1})
               .to(torch::kFloat32);
  return (t / 255.0 - 0.5) / 0.25;
}

}  // namespace img2cad::nn::layers
