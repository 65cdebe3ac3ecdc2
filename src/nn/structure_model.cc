// Stage 1's training, saving and loading (the network is in structure_net_internal.h, decoding in
// structure_inference.cc). With layers_internal.h and torch_io_internal.h it is one of the few
// translation units that include libtorch (each takes ~15 s and ~1 GB to compile); everything
// above nn/ is torch-free.
#include "nn/structure_model.h"

#include <torch/torch.h>

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "core/file_io.h"
#include "core/json_format.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/version.h"
#include "nn/data_parallel_internal.h"
#include "nn/layers_internal.h"
#include "nn/part_map_head_internal.h"
#include "nn/slot_heads_internal.h"
#include "nn/structure_net_internal.h"
#include "nn/torch_io_internal.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"

namespace img2cad::nn {

namespace structure_net {

const torch::Tensor& CategoryMask() {
  static const torch::Tensor mask = [] {
    const int vocab = program::StructureVocabularySize();
    program::StructureGrammar grammar;
    IMG2CAD_CHECK(grammar.Accept(program::kBosToken).ok());
    std::vector<unsigned char> allowed;
    grammar.AllowedNext(&allowed);
    auto m = torch::zeros({vocab});
    for (int v = 0; v < vocab; ++v)
      if (!allowed[v]) m[v] = kMasked;
    return m;
  }();
  return mask;
}

}  // namespace structure_net

namespace {

using layers::ImageTensor;
using slot_heads::PartRun;
using structure_net::CategoryMask;
using structure_net::kMasked;
using structure_net::Net;

// Shards per batch (data_parallel_internal.h): fixed, so training does not depend on threads.
constexpr size_t kShards = 2;

torch::Tensor Images(const std::vector<StructureExample>& batch, int size) {
  std::vector<torch::Tensor> images;
  for (const auto& e : batch) images.push_back(ImageTensor(e.crop, size));
  return torch::stack(images);
}

// What a shard's loss sums are divided by, over the whole batch: its tokens that have a target,
// its examples, its count targets and its template targets. So the shards' gradients add up to
// the batch's.
struct Normalisers {
  double tokens, examples, counts, templates, part_cells, density_examples;
};

// One shard's share of the batch loss: the grammar-masked token cross-entropy, plus the category,
// count and template heads' when the model has them. Returns the token part's value and the whole
// loss.
std::pair<double, torch::Tensor> ShardLoss(Net& net, const std::vector<StructureExample>& shard,
                                           const Normalisers& norm) {
  const int vocab = program::StructureVocabularySize();
  const auto memory = net->encoder(Images(shard, net->config.image_size));
  // Length-sorted groups of up to kGroup sequences (the shard comes sorted), each padded only to
  // its own longest.
  constexpr size_t kGroup = 8;
  torch::Tensor token_loss_sum = torch::zeros({}), weighted_sum = torch::zeros({});
  const double first_part_weight = net->config.first_part_weight;
  std::vector<unsigned char> allowed;
  for (size_t g0 = 0; g0 < shard.size(); g0 += kGroup) {
    const int64_t first = static_cast<int64_t>(g0);
    const int64_t b = static_cast<int64_t>(std::min(shard.size(), g0 + kGroup) - g0);
    int64_t len = 0;
    for (int64_t i = 0; i < b; ++i)
      len = std::max<int64_t>(len, static_cast<int64_t>(shard[first + i].tokens.size()) - 1);
    auto inputs = torch::full({b, len}, program::kPadToken, torch::kLong);
    auto targets = torch::full({b, len}, -100, torch::kLong);  // -100: ignored by the loss
    auto mask = torch::zeros({b, len, vocab});
    auto weights = torch::ones({b, len});
    auto wt_a = weights.accessor<float, 2>();
    auto in_a = inputs.accessor<int64_t, 2>();
    auto tg_a = targets.accessor<int64_t, 2>();
    auto mk_a = mask.accessor<float, 3>();
    for (int64_t i = 0; i < b; ++i) {
      const auto& tokens = shard[first + i].tokens;
      program::StructureGrammar grammar;
      IMG2CAD_CHECK(grammar.Accept(tokens[0]).ok());
      PartRun run;
      for (size_t t = 0; t + 1 < tokens.size(); ++t) {
        in_a[i][t] = tokens[t];
        tg_a[i][t] = tokens[t + 1];
        run.Accept(tokens[t]);
        // Inside a label's first part: the tokens that decide its shape.
        if (run.label >= 0 && run.run == 1 && tokens[t + 1] != program::kEosToken &&
            program::StructureTokenLabelIndex(run.category, tokens[t + 1]) < 0)
          wt_a[i][t] = static_cast<float>(first_part_weight);
        // The loss is over the tokens the grammar allows, as in decoding.
        grammar.AllowedNext(&allowed);
        for (int v = 0; v < vocab; ++v)
          if (!allowed[v]) mk_a[i][t][v] = kMasked;
        IMG2CAD_CHECK(grammar.Accept(tokens[t + 1]).ok()) << "training sequence breaks the grammar";
      }
    }
    auto logits = net->forward(memory.slice(0, first, first + b), inputs) + mask;
    auto cross_entropy = [&](auto reduction) {  // 0 where ignored
      return torch::nn::functional::cross_entropy(
          logits.reshape({b * len, vocab}), targets.reshape({b * len}),
          torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(reduction));
    };
    if (first_part_weight == 1) {
      token_loss_sum = token_loss_sum + cross_entropy(torch::kSum);
    } else {
      const auto each = cross_entropy(torch::kNone);
      token_loss_sum = token_loss_sum + each.sum().detach();
      weighted_sum = weighted_sum + (each * weights.reshape({b * len})).sum();
    }
  }
  const auto token_loss = token_loss_sum / std::max(1.0, norm.tokens);
  // What trains: the plain token loss, or the one whose first-part tokens weigh more.
  auto loss = first_part_weight == 1 ? token_loss : weighted_sum / std::max(1.0, norm.tokens);
  if (net->category) {
    std::vector<int64_t> cats;
    for (const auto& e : shard) cats.push_back(e.tokens.at(1));
    auto logits = net->category(memory.select(1, 0)) + CategoryMask();
    loss = loss + torch::nn::functional::cross_entropy(
                      logits, torch::tensor(cats, torch::kLong),
                      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
                      norm.examples;
  }
  if (net->counts)
    loss =
        loss + slot_heads::CountLoss(net->count_logits(memory), shard, std::max(1.0, norm.counts));
  if (net->templates)
    loss =
        loss + slot_heads::TemplateLoss(net->templates, memory, slot_heads::TemplateTargets(shard),
                                        std::max(1.0, norm.templates));
  if (net->part_map && norm.part_cells > 0)
    loss = loss + net->config.part_map_weight *
                      part_map::PartMapLoss(net->part_map, memory, shard, norm.part_cells);
  if (net->density && net->config.part_map_weight > 0 && norm.density_examples > 0)
    loss = loss + net->config.part_map_weight * part_map::DensityLoss(net->density(memory), shard,
                                                                      net->config.grid_stride / 4,
                                                                      norm.density_examples);
  return {token_loss.item<double>(), loss};
}

}  // namespace

StructureModel::StructureModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StructureModel::StructureModel(StructureModel&&) noexcept = default;
StructureModel& StructureModel::operator=(StructureModel&&) noexcept = default;
StructureModel::~StructureModel() = default;

StructureModel StructureModel::Create(const StructureModelConfig& config, uint64_t seed) {
  IMG2CAD_CHECK(config.image_size % 32 == 0 && config.d_model % config.heads == 0 &&
                (config.grid_stride == 16 || config.grid_stride == 32) &&
                config.encoder_blocks >= 1 && config.encoder_blocks <= kMaxEncoderBlocks)
      << "bad structure model configuration";
  torch::manual_seed(seed);
  auto impl = std::make_unique<Impl>(config);
  impl->seed = seed;
  return StructureModel(std::move(impl));
}

const StructureModelConfig& StructureModel::config() const { return impl_->net->config; }

int64_t StructureModel::steps() const { return impl_->steps; }

int64_t StructureModel::num_parameters() const {
  int64_t n = 0;
  for (const auto& p : impl_->net->parameters()) n += p.numel();
  return n;
}

core::Result<double> StructureModel::TrainStep(const std::vector<StructureExample>& batch,
                                               double lr, bool mixed_bf16) {
  try {
    return TrainStepImpl(batch, lr, mixed_bf16);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("training step failed: ") + e.what_without_backtrace());
  }
}

double StructureModel::TrainStepImpl(const std::vector<StructureExample>& batch, double lr,
                                     bool mixed_bf16) {
  IMG2CAD_CHECK(!batch.empty());
  Net& net = impl_->net;
  net->train();
  const uint64_t step_seed = core::MixSeed(impl_->seed, static_cast<uint64_t>(impl_->steps));
  torch::manual_seed(step_seed);
  ++impl_->steps;
  if (!impl_->optimizer) {
    impl_->optimizer = std::make_unique<torch::optim::AdamW>(
        impl_->Trainable(), torch::optim::AdamWOptions(lr).weight_decay(0.01));
  }
  for (auto& group : impl_->optimizer->param_groups())
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

  if (impl_->counts_only) {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    const data_parallel::AutocastScope autocast(mixed_bf16);
    torch::Tensor memory;
    {
      torch::NoGradGuard frozen;
      memory = net->encoder(Images(batch, config().image_size));
    }
    auto loss = slot_heads::CountLoss(net->count_logits(memory), batch);
    impl_->optimizer->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(impl_->Trainable(), 1.0);
    impl_->optimizer->step();
    return loss.item<double>();
  }

  std::vector<size_t> lengths;
  for (const auto& e : batch) lengths.push_back(e.tokens.size());
  const auto shards = data_parallel::DealShards(lengths, kShards);
  Normalisers norm{0, static_cast<double>(batch.size()), 0, 0, 0, 0};
  for (const auto& e : batch) norm.tokens += static_cast<double>(e.tokens.size() - 1);
  if (net->counts) norm.counts = static_cast<double>(slot_heads::CountTargets(batch));
  if (net->templates) norm.templates = static_cast<double>(slot_heads::TemplateTargetCount(batch));
  if (net->part_map)
    norm.part_cells = static_cast<double>(part_map::PartMapCells(batch, net->config));
  if (net->density) norm.density_examples = static_cast<double>(part_map::DensityExamples(batch));
  std::array<double, kShards> token_loss{};
  data_parallel::ForwardBackward<Net>(
      net, &impl_->replicas, [&] { return Net(config()); }, shards,
      [&](Net& replica, int s) {
        layers::DropoutScope dropout(core::MixSeed(step_seed, static_cast<uint64_t>(s) + 1));
        std::vector<StructureExample> shard;
        for (size_t i : shards[s]) shard.push_back(batch[i]);
        auto [tokens, loss] = ShardLoss(replica, shard, norm);
        loss.backward();
        token_loss[s] = tokens;
      },
      mixed_bf16);
  torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
  impl_->optimizer->step();
  double total = 0;
  for (double t : token_loss) total += t;
  return total;
}

core::Status StructureModel::Save(const std::string& dir, const std::string& card_json) const {
  const StructureModelConfig& c = config();
  nlohmann::ordered_json j;
  j["format"] = "img2cad.model/1";
  j["name"] = "structure";
  j["description"] =
      "stage 1: object crop -> program structure (CNN encoder + transformer decoder)";
  j["files"] = {{"weights", "weights.pt"}};
  j["program_version"] = core::kVersion;
  j["vocabulary_version"] = program::kVocabularyVersion;
  j["structure_tokens_version"] = program::kStructureTokensVersion;
  j["config"] = {{"image_size", c.image_size},
                 {"width", c.width},
                 {"d_model", c.d_model},
                 {"heads", c.heads},
                 {"layers", c.layers},
                 {"ff", c.ff},
                 {"grid_stride", c.grid_stride},
                 {"encoder_blocks", c.encoder_blocks},
                 {"category_head", c.category_head},
                 {"count_head", c.count_head},
                 {"count_weight", c.count_weight},
                 {"template_head", c.template_head},
                 {"template_weight", c.template_weight},
                 {"first_part_weight", c.first_part_weight},
                 {"part_map_weight", c.part_map_weight},
                 {"count_density", c.count_density}};
  j["parameters"] = num_parameters();
  return torch_io::SaveModelDir(dir, *impl_->net, std::move(j), card_json);
}

core::Status StructureModel::SaveCheckpoint(const std::string& path) const {
  return torch_io::SaveCheckpoint(path, *impl_->net, impl_->optimizer.get(), impl_->seed,
                                  impl_->steps);
}

core::Status StructureModel::LoadCheckpoint(const std::string& path) {
  return torch_io::LoadCheckpoint(path, impl_->net.ptr().get(), impl_->Trainable(),
                                  &impl_->optimizer, 0.01, &impl_->seed, &impl_->steps);
}

core::Result<StructureModel> StructureModel::Load(const std::string& dir) {
  const std::string card_path = dir + "/model.json";
  IMG2CAD_ASSIGN_OR_RETURN(const nlohmann::json j, torch_io::ReadCard(dir));
  auto bad = [&](const std::string& where, const std::string& msg) {
    return core::Status(core::StatusCode::kParse, msg, where, card_path);
  };
  if (j.value("name", "") != "structure") return bad("name", "not a structure model");
  if (j.value("structure_tokens_version", -1) != program::kStructureTokensVersion) {
    return bad("structure_tokens_version",
               "trained for structure tokens version " +
                   std::to_string(j.value("structure_tokens_version", -1)) +
                   ", this build speaks " + std::to_string(program::kStructureTokensVersion));
  }
  if (j.value("vocabulary_version", -1) != program::kVocabularyVersion) {
    return bad("vocabulary_version", "trained for another label vocabulary version");
  }
  StructureModelConfig c;
  try {
    const auto& cj = j.at("config");
    c.image_size = cj.at("image_size").get<int>();
    c.width = cj.at("width").get<int>();
    c.d_model = cj.at("d_model").get<int>();
    c.heads = cj.at("heads").get<int>();
    c.layers = cj.at("layers").get<int>();
    c.ff = cj.at("ff").get<int>();
    // Models saved before these options existed used a /32 grid and no category head.
    c.grid_stride = cj.value("grid_stride", 32);
    c.encoder_blocks = cj.value("encoder_blocks", 1);
    c.category_head = cj.value("category_head", false);
    c.count_head = cj.value("count_head", false);
    c.count_weight = cj.value("count_weight", 1.0);
    c.template_head = cj.value("template_head", false);
    c.template_weight = cj.value("template_weight", 0.0);
    c.first_part_weight = cj.value("first_part_weight", 1.0);
    c.part_map_weight = cj.value("part_map_weight", 0.0);
    c.count_density = cj.value("count_density", false);
  } catch (const nlohmann::json::exception&) {
    return bad("config", "missing or mistyped configuration");
  }
  if ((c.grid_stride != 16 && c.grid_stride != 32) || c.image_size <= 0 || c.image_size % 32 ||
      c.heads <= 0 || c.d_model % c.heads || c.layers <= 0 || c.width < 8 || c.ff <= 0 ||
      c.encoder_blocks < 1 || c.encoder_blocks > kMaxEncoderBlocks || !(c.count_weight >= 0) ||
      !(c.template_weight >= 0) || !(c.first_part_weight > 0) || !(c.part_map_weight >= 0) ||
      (c.count_density && !c.count_head)) {
    return bad("config", "impossible configuration");
  }
  StructureModel model(std::make_unique<Impl>(c));
  IMG2CAD_RETURN_IF_ERROR(torch_io::LoadWeights(dir, model.impl_->net.ptr().get()));
  return model;
}

core::Result<StructureModel> StructureModel::CountHeadOver(const std::string& base_dir,
                                                           uint64_t seed) {
  IMG2CAD_ASSIGN_OR_RETURN(StructureModel base, Load(base_dir));
  if (base.config().count_head) {
    return core::Status(core::StatusCode::kInvalidArgument, "the base model has a count head", "",
                        base_dir + "/model.json");
  }
  StructureModelConfig config = base.config();
  config.count_head = true;
  StructureModel model = base.WithConfig(config, seed);
  model.impl_->counts_only = true;
  return model;
}

StructureModel StructureModel::WithConfig(const StructureModelConfig& config, uint64_t seed) const {
  StructureModel model = Create(config, seed);
  torch::NoGradGuard no_grad;
  auto target = model.impl_->net->named_parameters();
  for (const auto& p : impl_->net->named_parameters())
    if (auto* t = target.find(p.key())) t->copy_(p.value());
  return model;
}

core::Result<StructureModel> StructureModel::FineTuneFrom(const std::string& dir, uint64_t seed,
                                                          double part_map_weight,
                                                          bool add_count_density) {
  IMG2CAD_ASSIGN_OR_RETURN(StructureModel model, Load(dir));
  StructureModelConfig config = model.config();
  if (part_map_weight >= 0) config.part_map_weight = part_map_weight;
  if (add_count_density) {
    if (!config.count_head)
      return core::Status(core::StatusCode::kInvalidArgument,
                          "a count density needs a model with a count head", "",
                          dir + "/model.json");
    config.count_density = true;
  }
  if (config != model.config()) {
    const bool same_modules =
        (config.part_map_weight > 0) == (model.config().part_map_weight > 0) &&
        config.count_density == model.config().count_density;
    if (same_modules) {
      model.impl_->net->config = config;  // another loss weight, the same modules
    } else {
      model = model.WithConfig(config, seed);
    }
  }
  model.impl_->seed = seed;
  return model;
}

core::Result<double> StructureModel::PartMapLoss(
    const std::vector<StructureExample>& examples) const {
  Net& net = impl_->net;
  if (!net->part_map)
    return core::Status(core::StatusCode::kInvalidArgument, "the model has no part-map head");
  const size_t cells = static_cast<size_t>(part_map::Grid(config())) * part_map::Grid(config());
  for (const auto& e : examples)
    if (!e.part_labels.empty() && (e.part_labels.size() != cells || e.part_seams.size() != cells))
      return core::Status(core::StatusCode::kInvalidArgument,
                          "part-map targets need " + std::to_string(cells) + " cells");
  const int64_t n = part_map::PartMapCells(examples, config());
  if (n == 0) return 0.0;
  try {
    torch::NoGradGuard no_grad;
    net->eval();
    const auto memory = net->encoder(Images(examples, config().image_size));
    return part_map::PartMapLoss(net->part_map, memory, examples, static_cast<double>(n))
        .item<double>();
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("part-map loss failed: ") + e.what_without_backtrace());
  }
}

void StructureModel::set_count_weight(double weight) {
  IMG2CAD_CHECK(weight >= 0);
  impl_->net->config.count_weight = weight;
}

void StructureModel::set_template_weight(double weight) {
  IMG2CAD_CHECK(weight >= 0);
  impl_->net->config.template_weight = weight;
}

}  // namespace img2cad::nn
