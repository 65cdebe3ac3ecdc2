// Stage 2's network (see assembler_model.h for the design).
#include "nn/assembler_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/parallel.h"
#include "core/rng.h"
#include "core/version.h"
#include "nn/assembler_encoding_internal.h"
#include "nn/data_parallel_internal.h"
#include "nn/layers_internal.h"
#include "nn/torch_io_internal.h"
#include "program/tokens.h"
#include "program/vocabulary.h"

namespace img2cad::nn {

namespace {

using assembler::Active;
using assembler::Batch;
using assembler::CanonicalArgs;
using assembler::CategoryIndex;
using assembler::Encode;
using assembler::Encoded;
using assembler::kDiscreteIds;
using assembler::kMaskedScore;
using assembler::kMaxFeature;
using assembler::kMaxInstance;
using assembler::kMaxPosition;
using assembler::kPadType;
using assembler::kPartType;
using assembler::MakeBatch;
using assembler::NumCategories;
using assembler::NumLabels;
using assembler::Orthonormalise;
using assembler::StatIndex;
using assembler::V3;
using program::CommandType;
using program::kNumArgs;
using program::kNumCommandTypes;

// Pre-norm layer: self-attention under `mask`, cross-attention to the image tokens, MLP. With
// `rows` defined, x holds one row per part and row r reads image memory[rows[r]].
struct AsmLayerImpl : torch::nn::Module {
  AsmLayerImpl(int d, int heads, int ff) {
    self_attn = register_module("self_attn", layers::Attention(d, heads));
    cross_attn = register_module("cross_attn", layers::Attention(d, heads));
    n1 = register_module("n1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    n2 = register_module("n2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    n3 = register_module("n3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    ff1 = register_module("ff1", torch::nn::Linear(d, ff));
    ff2 = register_module("ff2", torch::nn::Linear(ff, d));
  }
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& memory, const torch::Tensor& mask,
                        const torch::Tensor& rows) {
    auto h = n1(x);
    x = x + self_attn->Attend(h, self_attn->Keys(h), self_attn->Values(h), mask, 0);
    // Keys and values of each image once, then shared by all of its parts' rows.
    auto keys = cross_attn->Keys(memory), values = cross_attn->Values(memory);
    if (rows.defined()) keys = keys.index_select(0, rows), values = values.index_select(0, rows);
    x = x + cross_attn->Attend(n2(x), keys, values, {}, 0);
    return x + ff2(torch::gelu(ff1(n3(x))));
  }
  layers::Attention self_attn{nullptr}, cross_attn{nullptr};
  torch::nn::LayerNorm n1{nullptr}, n2{nullptr}, n3{nullptr};
  torch::nn::Linear ff1{nullptr}, ff2{nullptr};
};
TORCH_MODULE(AsmLayer);

struct AssemblerNetImpl : torch::nn::Module {
  explicit AssemblerNetImpl(const AssemblerConfig& c) : config(c) {
    const int d = c.d_model;
    encoder = register_module("encoder", layers::Encoder(c.image_size, c.width, c.grid_stride, d));
    type_emb = register_module("type_emb", torch::nn::Embedding(kPadType + 1, d));
    disc_emb = register_module("disc_emb", torch::nn::Embedding(kDiscreteIds, d));
    label_emb = register_module("label_emb", torch::nn::Embedding(NumLabels(), d));
    instance_emb = register_module("instance_emb", torch::nn::Embedding(kMaxInstance, d));
    position_emb = register_module("position_emb", torch::nn::Embedding(kMaxPosition, d));
    feature_emb = register_module("feature_emb", torch::nn::Embedding(kMaxFeature, d));
    category_emb = register_module("category_emb", torch::nn::Embedding(NumCategories(), d));
    for (int i = 0; i < c.local_layers; ++i) local1->push_back(AsmLayer(d, c.heads, c.ff));
    for (int i = 0; i < c.global_layers; ++i) global->push_back(AsmLayer(d, c.heads, c.ff));
    for (int i = 0; i < c.local_layers; ++i) local2->push_back(AsmLayer(d, c.heads, c.ff));
    register_module("local1", local1);
    register_module("across_parts", global);
    register_module("local2", local2);
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    head = register_module("head", torch::nn::Linear(d, kNumCommandTypes * kNumArgs * PerArg()));
    if (c.head == AssemblerHead::kGmFlow) {
      noisy_in = register_module("noisy_in", torch::nn::Linear(kNumArgs, d));
      time1 = register_module("time1", torch::nn::Linear(32, d));
      time2 = register_module("time2", torch::nn::Linear(d, d));
    }
    if (c.camera_head) camera = register_module("camera", torch::nn::Linear(d, 3));
    const int64_t n = static_cast<int64_t>(NumCategories()) * kNumCommandTypes * kNumArgs;
    arg_mean = register_buffer("arg_mean", torch::zeros({n}, torch::kFloat64));
    arg_std = register_buffer("arg_std", torch::ones({n}, torch::kFloat64));
  }
  int PerArg() const { return config.head == AssemblerHead::kGmFlow ? 2 * config.mixture + 1 : 1; }

  // -> [R, Lp, kNumArgs, PerArg()]: each token's outputs for its own command type, in the
  // batch's packed layout; `noisy` is [R, Lp, kNumArgs] and `t` [B] (kGmFlow only).
  torch::Tensor forward(const torch::Tensor& memory, const Batch& batch, const torch::Tensor& noisy,
                        const torch::Tensor& t) {
    const auto& rows = batch.row_sample;
    auto x = type_emb(batch.type) + disc_emb(batch.disc) + label_emb(batch.label) +
             instance_emb(batch.instance) + position_emb(batch.position) +
             feature_emb(batch.feature) +
             category_emb(batch.category).index_select(0, rows).unsqueeze(1);
    if (noisy_in) {
      // Sinusoidal features of t, then an MLP, added to every token with the noisy arguments.
      auto freqs = torch::exp(torch::arange(16, torch::kFloat32) * (-std::log(1000.0) / 16));
      auto angles = t.unsqueeze(1) * 1000.0 * freqs.unsqueeze(0);  // [B, 16]
      auto temb = time2(torch::silu(time1(torch::cat({angles.sin(), angles.cos()}, 1))));
      x = x + noisy_in(noisy) + temb.index_select(0, rows).unsqueeze(1);
    }
    for (auto& l : *local1) x = l->as<AsmLayer>()->forward(x, memory, batch.local_mask, rows);
    if (global->size() > 0) {
      // The PART tokens (position 0 of every row) attend across the parts of their program.
      const int64_t d = x.size(2);
      auto parts = torch::zeros({batch.batch * batch.parts, d})
                       .index_copy(0, batch.part_slots, x.select(1, 0))
                       .view({batch.batch, batch.parts, d});
      for (auto& l : *global)
        parts = l->as<AsmLayer>()->forward(parts, memory, batch.global_mask, {});
      auto heads = parts.reshape({batch.batch * batch.parts, d}).index_select(0, batch.part_slots);
      x = torch::cat({heads.unsqueeze(1), x.slice(1, 1)}, 1);
    }
    for (auto& l : *local2) x = l->as<AsmLayer>()->forward(x, memory, batch.local_mask, rows);
    auto out = head(norm(x)).view({x.size(0), x.size(1), kNumCommandTypes, kNumArgs, PerArg()});
    // PART and padding tokens predict nothing; they read slot 0 and are masked out later.
    auto type = batch.type.clamp_max(kNumCommandTypes - 1);
    auto index = type.view({x.size(0), x.size(1), 1, 1, 1}).expand({-1, -1, 1, kNumArgs, PerArg()});
    return out.gather(2, index).squeeze(2);
  }

  AssemblerConfig config;
  layers::Encoder encoder{nullptr};
  torch::nn::Embedding type_emb{nullptr}, disc_emb{nullptr}, label_emb{nullptr},
      instance_emb{nullptr}, position_emb{nullptr}, feature_emb{nullptr}, category_emb{nullptr};
  torch::nn::ModuleList local1, global, local2;
  torch::nn::LayerNorm norm{nullptr};
  torch::nn::Linear head{nullptr}, noisy_in{nullptr}, time1{nullptr}, time2{nullptr},
      camera{nullptr};
  torch::Tensor arg_mean, arg_std;
};
TORCH_MODULE(AssemblerNet);

// Gaussian-mixture pieces of a kGmFlow output [..., 2K + 1]: log weights, means, log sigma.
struct Mixture {
  torch::Tensor log_weights, means, log_sigma;
};
Mixture SplitMixture(const torch::Tensor& out, int k) {
  return {torch::log_softmax(out.narrow(-1, 0, k), -1), out.narrow(-1, k, k),
          out.narrow(-1, 2 * k, 1).clamp(-7.0, 2.0)};
}

// Shards per batch: fixed, so that training does not depend on the thread count.
constexpr size_t kShards = 2;

// What a shard's loss sums are divided by, over the whole batch: its active arguments and its
// examples with a known view. So the shards' gradients add up to the batch's.
struct Normalisers {
  double active = 0;
  int64_t views = 0;
};

// One shard's share of the batch loss: the head's (squared error, or the flow's mixture negative
// log-likelihood with noise and times drawn from `noise`), plus the camera head's.
torch::Tensor ShardLoss(AssemblerNet& net, const std::vector<AssemblerExample>& batch,
                        const std::vector<Encoded>& encoded, const std::vector<size_t>& shard,
                        const Normalisers& norm, at::Generator noise_gen) {
  std::vector<const Encoded*> items;
  std::vector<torch::Tensor> images;
  for (size_t i : shard) {
    items.push_back(&encoded[i]);
    images.push_back(layers::ImageTensor(batch[i].crop, net->config.image_size));
  }
  const Batch b = MakeBatch(items);
  const auto memory = net->encoder(torch::stack(images));
  const double active = std::max(1.0, norm.active);
  torch::Tensor loss;
  if (net->config.head == AssemblerHead::kRegression) {
    auto out = net->forward(memory, b, {}, {}).squeeze(-1);
    loss = ((out - b.target).pow(2) * b.active).sum() / active;
  } else {
    const auto t = torch::rand({b.batch}, noise_gen);
    const auto noise = torch::randn(b.target.sizes(), noise_gen) * b.active;
    const auto tt = t.index_select(0, b.row_sample).view({-1, 1, 1});
    const auto noisy = (1 - tt) * b.target + tt * noise;
    const auto velocity = noise - b.target;
    const Mixture m = SplitMixture(net->forward(memory, b, noisy, t), net->config.mixture);
    const auto z = (velocity.unsqueeze(-1) - m.means) / m.log_sigma.exp();
    const auto log_prob = torch::logsumexp(
        m.log_weights - 0.5 * z.pow(2) - m.log_sigma - 0.5 * std::log(2 * M_PI), -1);
    loss = -(log_prob * b.active).sum() / active;
  }
  if (net->camera) {
    // cos and sin of the azimuth and elevation / 30°, from the pooled image token.
    std::vector<int64_t> with_view;
    std::vector<float> targets;
    for (size_t r = 0; r < shard.size(); ++r) {
      const auto& view = batch[shard[r]].view;
      if (!view) continue;
      const double az = view->azimuth_deg * M_PI / 180;
      with_view.push_back(static_cast<int64_t>(r));
      targets.insert(targets.end(),
                     {static_cast<float>(std::cos(az)), static_cast<float>(std::sin(az)),
                      static_cast<float>(view->elevation_deg / 30)});
    }
    if (!with_view.empty()) {
      const auto rows = torch::tensor(with_view, torch::kLong);
      const auto pred = net->camera(memory.select(1, 0).index_select(0, rows));
      const auto target =
          torch::from_blob(targets.data(), {static_cast<int64_t>(with_view.size()), 3}).clone();
      loss = loss + (pred - target).pow(2).sum() / static_cast<double>(norm.views);
    }
  }
  return loss;
}

}  // namespace

const char* AssemblerHeadName(AssemblerHead head) {
  return head == AssemblerHead::kGmFlow ? "gmflow" : "regression";
}

bool ParseAssemblerHead(const std::string& name, AssemblerHead* out) {
  if (name == "gmflow") return *out = AssemblerHead::kGmFlow, true;
  if (name == "regression") return *out = AssemblerHead::kRegression, true;
  return false;
}

ArgStats ComputeArgStats(const std::vector<const program::Program*>& programs) {
  const size_t n = static_cast<size_t>(NumCategories()) * kNumCommandTypes * kNumArgs;
  std::vector<double> sum(n, 0), sum2(n, 0), count(n, 0);
  for (const program::Program* p : programs) {
    const int cat = CategoryIndex(p->category);
    if (cat < 0) continue;
    for (const auto& part : program::ToTokens(*p))
      for (const auto& c : part.commands) {
        const auto args = CanonicalArgs(c);
        for (int k = 0; k < kNumArgs; ++k) {
          if (!Active(c, k)) continue;
          const int s = StatIndex(cat, static_cast<int>(c.type), k);
          sum[s] += args[k], sum2[s] += args[k] * args[k], count[s] += 1;
        }
      }
  }
  ArgStats stats;
  stats.mean.assign(n, 0);
  stats.stddev.assign(n, 1);
  for (size_t s = 0; s < n; ++s) {
    if (count[s] < 1) continue;
    stats.mean[s] = sum[s] / count[s];
    const double var = sum2[s] / count[s] - stats.mean[s] * stats.mean[s];
    // A floor keeps constant arguments (a normal that is always +z) from dividing by zero.
    stats.stddev[s] = std::max(std::sqrt(std::max(var, 0.0)), 1e-3);
  }
  return stats;
}

struct AssemblerModel::Impl {
  explicit Impl(const AssemblerConfig& c) : net(c) {}
  AssemblerNet net;
  std::unique_ptr<torch::optim::AdamW> optimizer;
  uint64_t seed = 0;
  int64_t steps = 0;
  // Copies of net that train the other shards of a batch (data_parallel_internal.h).
  std::vector<AssemblerNet> replicas;

  ArgStats Stats() const {
    ArgStats s;
    auto m = net->arg_mean.contiguous(), d = net->arg_std.contiguous();
    s.mean.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
    s.stddev.assign(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
    return s;
  }
};

AssemblerModel::AssemblerModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AssemblerModel::AssemblerModel(AssemblerModel&&) noexcept = default;
AssemblerModel& AssemblerModel::operator=(AssemblerModel&&) noexcept = default;
AssemblerModel::~AssemblerModel() = default;

AssemblerModel AssemblerModel::Create(const AssemblerConfig& config, const ArgStats& stats,
                                      uint64_t seed) {
  IMG2CAD_CHECK(config.image_size % 32 == 0 && config.d_model % config.heads == 0 &&
                (config.grid_stride == 16 || config.grid_stride == 32) && config.mixture >= 1)
      << "bad assembler configuration";
  const size_t n = static_cast<size_t>(NumCategories()) * kNumCommandTypes * kNumArgs;
  IMG2CAD_CHECK_EQ(stats.mean.size(), n);
  IMG2CAD_CHECK_EQ(stats.stddev.size(), n);
  torch::manual_seed(seed);
  auto impl = std::make_unique<Impl>(config);
  impl->seed = seed;
  torch::NoGradGuard no_grad;
  impl->net->arg_mean.copy_(torch::tensor(stats.mean, torch::kFloat64));
  impl->net->arg_std.copy_(torch::tensor(stats.stddev, torch::kFloat64));
  return AssemblerModel(std::move(impl));
}

const AssemblerConfig& AssemblerModel::config() const { return impl_->net->config; }
int64_t AssemblerModel::steps() const { return impl_->steps; }
int64_t AssemblerModel::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

core::Result<double> AssemblerModel::TrainStep(const std::vector<AssemblerExample>& batch,
                                               double learning_rate, bool mixed_bf16) {
  if (batch.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty batch");
  const ArgStats stats = impl_->Stats();
  std::vector<Encoded> encoded;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].program) {
      return core::Status(core::StatusCode::kInvalidArgument, "example without a program",
                          "batch[" + std::to_string(i) + "]");
    }
    auto e = Encode(batch[i].program->category, program::ToTokens(*batch[i].program), stats, true);
    if (!e.ok()) return e.status();
    encoded.push_back(std::move(e).value());
  }
  try {
    AssemblerNet& net = impl_->net;
    net->train();
    const uint64_t step_seed = core::MixSeed(impl_->seed, static_cast<uint64_t>(impl_->steps));
    torch::manual_seed(step_seed);
    ++impl_->steps;
    if (!impl_->optimizer) {
      impl_->optimizer = std::make_unique<torch::optim::AdamW>(
          net->parameters(), torch::optim::AdamWOptions(learning_rate).weight_decay(0.01));
    }
    for (auto& group : impl_->optimizer->param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
    std::vector<size_t> lengths;
    for (const auto& e : encoded) lengths.push_back(e.type.size());
    const auto shards = data_parallel::DealShards(lengths, kShards);
    Normalisers norm;
    for (size_t i = 0; i < batch.size(); ++i) {
      for (float a : encoded[i].active) norm.active += a;
      norm.views += batch[i].view.has_value();
    }
    std::array<double, kShards> losses{};
    data_parallel::ForwardBackward<AssemblerNet>(
        net, &impl_->replicas, [&] { return AssemblerNet(config()); }, shards,
        [&](AssemblerNet& replica, int s) {
          at::Generator noise = at::detail::createCPUGenerator(
              core::MixSeed(step_seed, static_cast<uint64_t>(s) + 1));
          auto loss = ShardLoss(replica, batch, encoded, shards[s], norm, noise);
          loss.backward();
          losses[s] = loss.item<double>();
        },
        mixed_bf16);
    torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
    impl_->optimizer->step();
    double total = 0;
    for (double l : losses) total += l;
    return total;
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("training step failed: ") + e.what_without_backtrace());
  }
}

core::Result<program::Program> AssemblerModel::Predict(const image::Image& crop,
                                                       const program::Structure& structure,
                                                       int sampling_steps, uint64_t seed,
                                                       std::optional<AssemblerView>* view) const {
  using core::Status;
  using core::StatusCode;
  if (crop.empty()) return Status(StatusCode::kInvalidArgument, "empty image");
  if (structure.parts.empty()) return Status(StatusCode::kInvalidArgument, "empty structure");
  if (sampling_steps < 1)
    return Status(StatusCode::kInvalidArgument, "sampling_steps must be >= 1");
  const ArgStats stats = impl_->Stats();
  auto skeleton = program::SkeletonTokens(structure);
  IMG2CAD_ASSIGN_OR_RETURN(Encoded e, Encode(structure.category, skeleton, stats, false));
  std::vector<float> values;  // normalised, [parts, row_len, kNumArgs]
  int64_t row_len = 0;
  try {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    torch::NoGradGuard no_grad;
    AssemblerNet& net = impl_->net;
    net->eval();
    const Batch b = MakeBatch({&e});
    const auto memory = net->encoder(layers::ImageTensor(crop, config().image_size).unsqueeze(0));
    if (view && net->camera) {
      const auto c = net->camera(memory.select(1, 0)).contiguous();
      const float* v = c.data_ptr<float>();
      const double az = std::atan2(v[1], v[0]) * 180 / M_PI;
      *view = AssemblerView{az < 0 ? az + 360 : az, v[2] * 30.0};
    }
    torch::Tensor x;
    if (config().head == AssemblerHead::kRegression) {
      x = net->forward(memory, b, {}, {}).squeeze(-1);
    } else {
      core::Rng rng(seed);
      x = torch::zeros_like(b.active);
      auto xa = x.accessor<float, 3>();
      const auto aa = b.active.accessor<float, 3>();
      for (int64_t r = 0; r < x.size(0); ++r)  // in token order, one draw per active argument
        for (int64_t i = 0; i < x.size(1); ++i)
          for (int k = 0; k < kNumArgs; ++k)
            if (aa[r][i][k] > 0) xa[r][i][k] = static_cast<float>(rng.Normal());
      for (int s = 0; s < sampling_steps; ++s) {
        const double t = 1.0 - static_cast<double>(s) / sampling_steps;
        const double dt = 1.0 / sampling_steps;
        const Mixture m =
            SplitMixture(net->forward(memory, b, x, torch::full({1}, t)), config().mixture);
        const auto velocity = (m.log_weights.exp() * m.means).sum(-1);
        x = (x - dt * velocity) * b.active;
      }
    }
    x = x.contiguous();
    values.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
    row_len = x.size(1);
  } catch (const c10::Error& err) {
    return Status(StatusCode::kInternal,
                  std::string("stage 2 failed: ") + err.what_without_backtrace());
  }
  // Back to millimetres and degrees, into the skeleton's continuous slots.
  for (size_t p = 0; p < skeleton.size(); ++p) {
    int64_t token = static_cast<int64_t>(p) * row_len + 1;  // after the part's PART token
    for (auto& c : skeleton[p].commands) {
      const int type = static_cast<int>(c.type);
      for (int k = 0; k < kNumArgs; ++k) {
        if (!Active(c, k)) continue;
        const int s = StatIndex(e.category, type, k);
        c.args[k] = values[token * kNumArgs + k] * stats.stddev[s] + stats.mean[s];
      }
      if (c.type == CommandType::kExtrude) {
        V3 n{c.args[3], c.args[4], c.args[5]}, xd{c.args[6], c.args[7], c.args[8]};
        Orthonormalise(&n, &xd);
        for (int k = 0; k < 3; ++k) c.args[3 + k] = n[k], c.args[6 + k] = xd[k];
      }
      ++token;
    }
  }
  return program::FromTokens(structure.category, structure.symmetry, skeleton);
}

core::Status AssemblerModel::Save(const std::string& dir, const std::string& card_json) const {
  const AssemblerConfig& c = config();
  nlohmann::ordered_json j;
  j["format"] = "img2cad.model/1";
  j["name"] = "assembler";
  j["description"] = "stage 2: object crop + program structure -> every number of the program";
  j["files"] = {{"weights", "weights.pt"}};
  j["program_version"] = core::kVersion;
  j["vocabulary_version"] = program::kVocabularyVersion;
  j["config"] = {{"image_size", c.image_size},
                 {"width", c.width},
                 {"grid_stride", c.grid_stride},
                 {"d_model", c.d_model},
                 {"heads", c.heads},
                 {"local_layers", c.local_layers},
                 {"global_layers", c.global_layers},
                 {"ff", c.ff},
                 {"head", AssemblerHeadName(c.head)},
                 {"mixture", c.mixture},
                 {"camera_head", c.camera_head}};
  j["parameters"] = num_parameters();
  j["normalisation"] =
      "per category, command type and argument: mean and standard deviation over "
      "the training programs (buffers arg_mean, arg_std in weights.pt)";
  return torch_io::SaveModelDir(dir, *impl_->net, std::move(j), card_json);
}

core::Result<AssemblerModel> AssemblerModel::Load(const std::string& dir) {
  const std::string card_path = dir + "/model.json";
  IMG2CAD_ASSIGN_OR_RETURN(const nlohmann::json j, torch_io::ReadCard(dir));
  auto bad = [&](const std::string& where, const std::string& msg) {
    return core::Status(core::StatusCode::kParse, msg, where, card_path);
  };
  if (j.value("name", "") != "assembler") return bad("name", "not an assembler model");
  if (j.value("vocabulary_version", -1) != program::kVocabularyVersion) {
    return bad("vocabulary_version", "trained for another label vocabulary version");
  }
  AssemblerConfig c;
  try {
    const auto& cj = j.at("config");
    c.image_size = cj.at("image_size").get<int>();
    c.width = cj.at("width").get<int>();
    c.grid_stride = cj.at("grid_stride").get<int>();
    c.d_model = cj.at("d_model").get<int>();
    c.heads = cj.at("heads").get<int>();
    c.local_layers = cj.at("local_layers").get<int>();
    c.global_layers = cj.at("global_layers").get<int>();
    c.ff = cj.at("ff").get<int>();
    c.mixture = cj.at("mixture").get<int>();
    c.camera_head = cj.value("camera_head", false);
    if (!ParseAssemblerHead(cj.at("head").get<std::string>(), &c.head))
      return bad("config.head", "unknown head");
  } catch (const nlohmann::json::exception&) {
    return bad("config", "missing or mistyped configuration");
  }
  if ((c.grid_stride != 16 && c.grid_stride != 32) || c.image_size <= 0 || c.image_size % 32 ||
      c.heads <= 0 || c.d_model % c.heads || c.local_layers < 0 || c.global_layers < 0 ||
      c.width < 8 || c.ff <= 0 || c.mixture < 1) {
    return bad("config", "impossible configuration");
  }
  AssemblerModel model(std::make_unique<Impl>(c));
  IMG2CAD_RETURN_IF_ERROR(torch_io::LoadWeights(dir, model.impl_->net.ptr().get()));
  return model;
}

core::Status AssemblerModel::SaveCheckpoint(const std::string& path) const {
  return torch_io::SaveCheckpoint(path, *impl_->net, impl_->optimizer.get(), impl_->seed,
                                  impl_->steps);
}

core::Status AssemblerModel::LoadCheckpoint(const std::string& path) {
  return torch_io::LoadCheckpoint(path, impl_->net.ptr().get(), impl_->net->parameters(),
                                  &impl_->optimizer, 0.01, &impl_->seed, &impl_->steps);
}

}  // namespace img2cad::nn
