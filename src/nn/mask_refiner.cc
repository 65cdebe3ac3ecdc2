#include "nn/mask_refiner.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/parallel.h"
#include "core/version.h"
#include "nn/layers_internal.h"
#include "nn/torch_io_internal.h"

namespace img2cad::nn {

namespace {

namespace F = torch::nn::functional;

// ISNet's probabilities are clamped to [kEps, 1 - kEps] before their logit is taken, so a map of
// hard zeros and ones stays finite (about +-6.2) and the correction can still overturn it.
constexpr double kEps = 1.0 / 512;

// conv 3x3 (stride s) - GroupNorm - ReLU - conv 3x3 - GroupNorm - ReLU.
struct BlockImpl : torch::nn::Module {
  BlockImpl(int in, int out, int stride)
      : conv1(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)),
        conv2(torch::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)),
        norm1(torch::nn::GroupNormOptions(4, out)),
        norm2(torch::nn::GroupNormOptions(4, out)) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("norm1", norm1);
    register_module("norm2", norm2);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(norm2(conv2(torch::relu(norm1(conv1(x))))));
  }
  torch::nn::Conv2d conv1, conv2;
  torch::nn::GroupNorm norm1, norm2;
};
TORCH_MODULE(Block);

struct RefinerNetImpl : torch::nn::Module {
  explicit RefinerNetImpl(const MaskRefinerConfig& c)
      : config(c),
        enc1(4, c.width, 1),
        enc2(c.width, 2 * c.width, 2),
        enc3(2 * c.width, 4 * c.width, 2),
        enc4(4 * c.width, 4 * c.width, 2),
        dec3(8 * c.width, 2 * c.width, 1),
        dec2(4 * c.width, c.width, 1),
        dec1(2 * c.width, c.width, 1),
        head(torch::nn::Conv2dOptions(c.width, 1, 1)) {
    register_module("enc1", enc1);
    register_module("enc2", enc2);
    register_module("enc3", enc3);
    register_module("enc4", enc4);
    register_module("dec3", dec3);
    register_module("dec2", dec2);
    register_module("dec1", dec1);
    register_module("head", head);
    // An untrained refiner leaves ISNet's map as it is.
    torch::NoGradGuard no_grad;
    head->weight.zero_();
    head->bias.zero_();
  }
  // x: [B, 4, size, size] (RGB and the map, normalised) -> the logit correction [B, 1, size, size].
  torch::Tensor forward(const torch::Tensor& x) {
    auto up = [](const torch::Tensor& t, const torch::Tensor& like) {
      return F::interpolate(t, F::InterpolateFuncOptions()
                                   .size(std::vector<int64_t>{like.size(2), like.size(3)})
                                   .mode(torch::kBilinear)
                                   .align_corners(false));
    };
    const auto e1 = enc1(x), e2 = enc2(e1), e3 = enc3(e2), e4 = enc4(e3);
    const auto d3 = dec3(torch::cat({up(e4, e3), e3}, 1));
    const auto d2 = dec2(torch::cat({up(d3, e2), e2}, 1));
    const auto d1 = dec1(torch::cat({up(d2, e1), e1}, 1));
    return head(d1);
  }
  MaskRefinerConfig config;
  Block enc1, enc2, enc3, enc4, dec3, dec2, dec1;
  torch::nn::Conv2d head;
};
TORCH_MODULE(RefinerNet);

bool ValidConfig(const MaskRefinerConfig& c) {
  return c.size >= 16 && c.size <= 512 && c.size % 8 == 0 && c.width >= 4 && c.width <= 128 &&
         c.width % 4 == 0;
}

// One map (0-255, one channel) as a float tensor [1, 1, h, w] in 0-1.
torch::Tensor MapTensor(const image::Image& map) {
  image::Image copy = map;  // from_blob needs a mutable buffer that outlives the conversion
  return torch::from_blob(copy.pixels.data(), {1, 1, map.height, map.width}, torch::kUInt8)
             .to(torch::kFloat32) /
         255.0;
}

core::Status CheckExample(const image::Image& photo, const image::Image& probability,
                          const image::Image* truth) {
  using core::Status;
  using core::StatusCode;
  if (photo.empty()) return Status(StatusCode::kInvalidArgument, "empty photo");
  if (photo.width < 8 || photo.height < 8)
    return Status(StatusCode::kInvalidArgument, "photo smaller than 8 x 8 pixels");
  auto same = [&](const image::Image& m, const char* what) {
    if (m.channels != 1 || m.width != photo.width || m.height != photo.height) {
      return Status(StatusCode::kInvalidArgument,
                    std::string(what) + " is not one channel of the photo's size (" +
                        std::to_string(m.width) + "x" + std::to_string(m.height) + "x" +
                        std::to_string(m.channels) + " against " + std::to_string(photo.width) +
                        "x" + std::to_string(photo.height) + ")");
    }
    return Status();
  };
  IMG2CAD_RETURN_IF_ERROR(same(probability, "the probability map"));
  if (truth) IMG2CAD_RETURN_IF_ERROR(same(*truth, "the true mask"));
  return Status();
}

}  // namespace

struct MaskRefiner::Impl {
  explicit Impl(const MaskRefinerConfig& c) : net(c) {}
  RefinerNet net;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  uint64_t seed = 0;
  int64_t steps = 0;

  // The network's input for one example: [4, size, size].
  torch::Tensor Input(const image::Image& photo, const image::Image& probability) const {
    const int s = net->config.size;
    const image::Image p = probability.width == s && probability.height == s
                               ? probability
                               : image::Resize(probability, s, s);
    return torch::cat({layers::ImageTensor(photo, s), (MapTensor(p)[0] - 0.5) / 0.25}, 0);
  }

  // The refined logits [h, w] of each example, at its own size.
  std::vector<torch::Tensor> Logits(const std::vector<const image::Image*>& photos,
                                    const std::vector<const image::Image*>& maps) {
    std::vector<torch::Tensor> inputs;
    for (size_t i = 0; i < photos.size(); ++i) inputs.push_back(Input(*photos[i], *maps[i]));
    const torch::Tensor correction = net->forward(torch::stack(inputs));
    std::vector<torch::Tensor> out;
    for (size_t i = 0; i < photos.size(); ++i) {
      const torch::Tensor p = MapTensor(*maps[i]).clamp(kEps, 1 - kEps);
      const torch::Tensor c =
          F::interpolate(correction.slice(0, i, i + 1),
                         F::InterpolateFuncOptions()
                             .size(std::vector<int64_t>{maps[i]->height, maps[i]->width})
                             .mode(torch::kBilinear)
                             .align_corners(false));
      out.push_back((torch::log(p) - torch::log1p(-p) + c)[0][0]);
    }
    return out;
  }

  // Mean binary cross-entropy over the batch (each example's pixels weigh together as one).
  core::Result<torch::Tensor> BatchLoss(const std::vector<MaskRefinerExample>& batch) {
    if (batch.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty batch");
    std::vector<const image::Image*> photos, maps;
    for (size_t i = 0; i < batch.size(); ++i) {
      core::Status s = CheckExample(batch[i].photo, batch[i].probability, &batch[i].truth);
      if (!s.ok()) return s.WithPrefix("batch[" + std::to_string(i) + "]");
      photos.push_back(&batch[i].photo);
      maps.push_back(&batch[i].probability);
    }
    const auto logits = Logits(photos, maps);
    torch::Tensor loss = torch::zeros({});
    for (size_t i = 0; i < batch.size(); ++i) {
      const torch::Tensor truth = (MapTensor(batch[i].truth)[0][0] > 0.5).to(torch::kFloat32);
      loss = loss + F::binary_cross_entropy_with_logits(logits[i], truth);
    }
    return loss / static_cast<double>(batch.size());
  }
};

MaskRefiner::MaskRefiner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MaskRefiner::MaskRefiner(MaskRefiner&&) noexcept = default;
MaskRefiner& MaskRefiner::operator=(MaskRefiner&&) noexcept = default;
MaskRefiner::~MaskRefiner() = default;

MaskRefiner MaskRefiner::Create(const MaskRefinerConfig& config, uint64_t seed) {
  IMG2CAD_CHECK(ValidConfig(config)) << "bad mask refiner configuration";
  torch::manual_seed(seed);
  auto impl = std::make_unique<Impl>(config);
  impl->seed = seed;
  return MaskRefiner(std::move(impl));
}

const MaskRefinerConfig& MaskRefiner::config() const { return impl_->net->config; }
int64_t MaskRefiner::steps() const { return impl_->steps; }

core::Result<image::Image> MaskRefiner::Refine(const image::Image& photo,
                                               const image::Image& probability) const {
  IMG2CAD_RETURN_IF_ERROR(CheckExample(photo, probability, nullptr));
  try {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    torch::NoGradGuard no_grad;
    impl_->net->eval();
    const torch::Tensor prob =
        torch::sigmoid(impl_->Logits({&photo}, {&probability})[0]).mul(255).round().clamp(0, 255);
    const torch::Tensor bytes = prob.to(torch::kUInt8).contiguous();
    image::Image out(photo.width, photo.height, 1, 0);
    std::copy_n(bytes.data_ptr<uint8_t>(), out.pixels.size(), out.pixels.begin());
    return out;
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("mask refiner failed: ") + e.what_without_backtrace());
  }
}

core::Result<double> MaskRefiner::TrainStep(const std::vector<MaskRefinerExample>& batch,
                                            double learning_rate) {
  try {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    impl_->net->train();
    if (!impl_->optimizer) {
      impl_->optimizer = std::make_unique<torch::optim::AdamW>(
          impl_->net->parameters(), torch::optim::AdamWOptions(learning_rate).weight_decay(0.01));
    }
    for (auto& group : impl_->optimizer->param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
    IMG2CAD_ASSIGN_OR_RETURN(torch::Tensor loss, impl_->BatchLoss(batch));
    impl_->optimizer->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(impl_->net->parameters(), 1.0);
    impl_->optimizer->step();
    ++impl_->steps;
    return loss.item<double>();
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("training step failed: ") + e.what_without_backtrace());
  }
}

core::Result<double> MaskRefiner::Loss(const std::vector<MaskRefinerExample>& batch) const {
  try {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    torch::NoGradGuard no_grad;
    impl_->net->eval();
    IMG2CAD_ASSIGN_OR_RETURN(torch::Tensor loss, impl_->BatchLoss(batch));
    return loss.item<double>();
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("mask refiner failed: ") + e.what_without_backtrace());
  }
}

core::Status MaskRefiner::Save(const std::string& dir, const std::string& card_json) const {
  const MaskRefinerConfig& c = config();
  int64_t parameters = 0;
  for (const auto& p : impl_->net->parameters()) parameters += p.numel();
  nlohmann::ordered_json j;
  j["format"] = "img2cad.model/1";
  j["name"] = "mask_refiner";
  j["description"] =
      "photo + ISNet's probability map -> a correction of its logit (shadows and neighbours out)";
  j["files"] = {{"weights", "weights.pt"}};
  j["program_version"] = core::kVersion;
  j["config"] = {{"size", c.size}, {"width", c.width}};
  j["parameters"] = parameters;
  return torch_io::SaveModelDir(dir, *impl_->net, std::move(j), card_json);
}

core::Result<MaskRefiner> MaskRefiner::Load(const std::string& dir) {
  const std::string card_path = dir + "/model.json";
  IMG2CAD_ASSIGN_OR_RETURN(const nlohmann::json j, torch_io::ReadCard(dir));
  auto bad = [&](const std::string& where, const std::string& msg) {
    return core::Status(core::StatusCode::kParse, msg, where, card_path);
  };
  if (j.value("name", "") != "mask_refiner") return bad("name", "not a mask refiner model");
  MaskRefinerConfig c;
  try {
    c.size = j.at("config").at("size").get<int>();
    c.width = j.at("config").at("width").get<int>();
  } catch (const nlohmann::json::exception&) {
    return bad("config", "missing or mistyped configuration");
  }
  if (!ValidConfig(c)) return bad("config", "impossible configuration");
  MaskRefiner model(std::make_unique<Impl>(c));
  IMG2CAD_RETURN_IF_ERROR(torch_io::LoadWeights(dir, model.impl_->net.ptr().get()));
  return model;
}

core::Status MaskRefiner::SaveCheckpoint(const std::string& path) const {
  return torch_io::SaveCheckpoint(path, *impl_->net, impl_->optimizer.get(), impl_->seed,
                                  impl_->steps);
}

core::Status MaskRefiner::LoadCheckpoint(const std::string& path) {
  return torch_io::LoadCheckpoint(path, impl_->net.ptr().get(), impl_->net->parameters(),
                                  &impl_->optimizer, 0.01, &impl_->seed, &impl_->steps);
}

}  // namespace img2cad::nn
