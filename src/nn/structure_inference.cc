// Stage 1 at inference: beam decoding under the grammar and the per-label heads' answers. Like
// structure_model.cc, one of the few translation units that include libtorch.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "nn/layers_internal.h"
#include "nn/slot_heads_internal.h"
#include "nn/structure_model.h"
#include "nn/structure_net_internal.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"

namespace img2cad::nn {

namespace {

using layers::ImageTensor;
using slot_heads::CountLogProb;
using slot_heads::CountTable;
using slot_heads::NumLabels;
using slot_heads::PartRun;
using slot_heads::SlotOffset;
using slot_heads::TemplateTable;
using slot_heads::TemplateVotes;
using structure_net::CategoryMask;
using structure_net::DecoderLayer;
using structure_net::kMasked;
using structure_net::LayerCache;
using structure_net::Net;

}  // namespace

core::Result<std::vector<StructureHypothesis>> StructureModel::Decode(
    const image::Image& crop, int beam, const std::vector<double>& category_prior) const {
  return DecodeEnsemble({{this, crop}}, beam, category_prior);
}

core::Result<std::vector<StructureHypothesis>> StructureModel::DecodeEnsemble(
    const std::vector<EnsembleMember>& members, int beam,
    const std::vector<double>& category_prior) {
  if (members.empty()) return core::Status(core::StatusCode::kInvalidArgument, "no member");
  for (const auto& m : members) {
    if (m.model == nullptr) return core::Status(core::StatusCode::kInvalidArgument, "no model");
    if (m.crop.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty image");
  }
  if (beam < 1) return core::Status(core::StatusCode::kInvalidArgument, "beam must be >= 1");
  if (!category_prior.empty()) {
    bool any = false, bad = category_prior.size() != program::Categories().size();
    for (double w : category_prior) bad |= !std::isfinite(w) || w<0, any |= w> 0;
    if (bad || !any) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "a category prior needs one finite weight >= 0 per category, not all 0");
    }
  }
  try {
    return DecodeImpl(members, beam, category_prior);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("structure decoding failed: ") + e.what_without_backtrace());
  }
}

namespace {

// One member's state through a decode: its network, image tokens, key/value caches and heads.
struct MemberState {
  Net net{nullptr};
  torch::Tensor memory;
  std::vector<LayerCache> caches;
  double count_weight = 0;
  CountTable counts;
  double template_weight = 0;
  TemplateTable templates;
};

}  // namespace

std::vector<StructureHypothesis> StructureModel::DecodeImpl(
    const std::vector<EnsembleMember>& members, int beam,
    const std::vector<double>& category_prior) {
  // One thread: decoding is a chain of small operations that a second intra-op thread only
  // slows down (greedy, examples/photos/chair.png: 249 ms on one thread, 293 ms on two).
  const core::ThreadLease lease = core::ReserveThreads(1);
  torch::set_num_threads(lease.count());
  torch::NoGradGuard no_grad;
  const int vocab = program::StructureVocabularySize();
  std::vector<MemberState> states(members.size());
  for (size_t m = 0; m < members.size(); ++m) {
    MemberState& st = states[m];
    st.net = members[m].model->impl_->net;
    Net& net = st.net;
    if (net->is_training()) net->eval();  // a write only after training: decodes run in parallel
    st.memory = net->encoder(ImageTensor(members[m].crop, net->config.image_size).unsqueeze(0));
    st.count_weight = net->counts ? net->config.count_weight : 0;
    if (st.count_weight > 0) st.counts = slot_heads::MakeCountTable(net->count_logits(st.memory));
    st.template_weight = net->templates ? net->config.template_weight : 0;
    if (st.template_weight > 0)
      st.templates = slot_heads::MakeTemplateTable(net->templates, st.memory);
    st.caches.resize(net->layers->size());
    for (size_t l = 0; l < st.caches.size(); ++l) {
      auto layer = (*net->layers)[l]->as<DecoderLayer>();
      st.caches[l].cross_k = layer->cross_attn->Keys(st.memory);
      st.caches[l].cross_v = layer->cross_attn->Values(st.memory);
    }
  }
  const double members_n = static_cast<double>(states.size());

  struct Hyp {
    program::StructureGrammar grammar;
    std::vector<int> tokens;
    double log_prob = 0;
    double category_prob = 1;
    PartRun parts;
  };
  std::vector<Hyp> alive(1);
  IMG2CAD_CHECK(alive[0].grammar.Accept(program::kBosToken).ok());
  alive[0].tokens = {program::kBosToken};
  std::vector<Hyp> finished;
  std::vector<unsigned char> allowed;
  while (!alive.empty()) {
    const int64_t n = static_cast<int64_t>(alive.size());
    const int64_t t = static_cast<int64_t>(alive[0].tokens.size()) - 1;
    auto last = torch::empty({n, 1}, torch::kLong);
    for (int64_t i = 0; i < n; ++i) last[i][0] = alive[i].tokens.back();
    auto mask = torch::full({n, vocab}, kMasked);
    auto mask_a = mask.accessor<float, 2>();
    // template_votes[i][m]: member m's template vote on each next token of hypothesis i.
    std::vector<std::vector<std::vector<double>>> template_votes(
        n, std::vector<std::vector<double>>(states.size()));
    for (int64_t i = 0; i < n; ++i) {
      alive[i].grammar.AllowedNext(&allowed);
      for (int v = 0; v < vocab; ++v)
        if (allowed[v]) mask_a[i][v] = 0;
      for (size_t m = 0; m < states.size(); ++m)
        if (states[m].template_weight > 0)
          template_votes[i][m] = TemplateVotes(states[m].templates, alive[i].parts, allowed);
    }
    // Each member's distribution of the next token; an ensemble's is their normalised geometric
    // mean (a product of experts that keeps one member's scale).
    torch::Tensor logp;
    for (MemberState& st : states) {
      Net& net = st.net;
      auto x = net->embed(last) + net->pos.slice(0, t, t + 1).unsqueeze(0);
      for (size_t l = 0; l < st.caches.size(); ++l)
        x = (*net->layers)[l]->as<DecoderLayer>()->Step(x, &st.caches[l]);
      auto member =
          torch::log_softmax(layers::Apply(net->head, net->norm(x)).squeeze(1) + mask, -1);
      if (t == 0 && net->category) {
        // The category is read by both heads; their product of experts decides it.
        const auto head =
            torch::log_softmax(net->category(st.memory.select(1, 0)) + CategoryMask(), -1);
        member = torch::log_softmax(member + head, -1);
      }
      logp = logp.defined() ? logp + member : member;
    }
    if (states.size() > 1) logp = torch::log_softmax(logp / members_n, -1);
    if (t == 0 && !category_prior.empty()) {
      auto prior = torch::zeros({vocab});
      for (int v = 0; v < vocab; ++v)
        if (const int c = program::StructureTokenCategory(v); c >= 0)
          prior[v] =
              category_prior[c] > 0 ? static_cast<float>(std::log(category_prior[c])) : kMasked;
      logp = torch::log_softmax(logp + prior, -1);
    }
    auto logp_a = logp.accessor<float, 2>();
    // Every allowed continuation of every hypothesis competes for the beam.
    struct Cand {
      double score;
      int64_t parent;
      int token;
    };
    std::vector<Cand> cands;
    for (int64_t i = 0; i < n; ++i) {
      for (int v = 0; v < vocab; ++v) {
        if (mask_a[i][v] != 0) continue;
        // The heads' votes, averaged over the members like their distributions.
        double votes = 0;
        for (size_t m = 0; m < states.size(); ++m) {
          const MemberState& st = states[m];
          if (st.count_weight > 0)
            votes += st.count_weight * CountLogProb(st.counts, alive[i].parts, v);
          if (st.template_weight > 0) votes += st.template_weight * template_votes[i][m][v];
        }
        cands.push_back({alive[i].log_prob + logp_a[i][v] + votes / members_n, i, v});
      }
    }
    const size_t keep = std::min<size_t>(cands.size(), beam);
    std::partial_sort(cands.begin(), cands.begin() + keep, cands.end(),
                      [](const Cand& a, const Cand& b) { return a.score > b.score; });
    std::vector<Hyp> next;
    std::vector<int64_t> parents;
    for (size_t c = 0; c < keep; ++c) {
      Hyp h = alive[cands[c].parent];
      IMG2CAD_CHECK(h.grammar.Accept(cands[c].token).ok());
      h.tokens.push_back(cands[c].token);
      h.parts.Accept(cands[c].token);
      h.log_prob = cands[c].score;
      if (t == 0) h.category_prob = std::exp(logp_a[cands[c].parent][cands[c].token]);
      if (h.grammar.complete()) {
        finished.push_back(std::move(h));
      } else {
        next.push_back(std::move(h));
        parents.push_back(cands[c].parent);
      }
    }
    // Scores only fall as sequences grow: stop once the beam's worst finished one beats every
    // live hypothesis.
    std::sort(finished.begin(), finished.end(),
              [](const Hyp& a, const Hyp& b) { return a.log_prob > b.log_prob; });
    if (finished.size() > static_cast<size_t>(beam)) finished.resize(beam);
    if (finished.size() == static_cast<size_t>(beam)) {
      double best_alive = -std::numeric_limits<double>::infinity();
      for (const auto& h : next) best_alive = std::max(best_alive, h.log_prob);
      if (finished.back().log_prob >= best_alive) break;
    }
    if (next.empty()) break;
    auto index = torch::tensor(parents, torch::kLong);
    for (MemberState& st : states)
      for (auto& c : st.caches) {
        c.self_k = c.self_k.index_select(0, index);
        c.self_v = c.self_v.index_select(0, index);
        if (c.cross_k.size(0) != index.size(0)) {
          c.cross_k = c.cross_k[0].unsqueeze(0).expand({index.size(0), -1, -1, -1});
          c.cross_v = c.cross_v[0].unsqueeze(0).expand({index.size(0), -1, -1, -1});
        }
      }
    alive = std::move(next);
  }
  std::vector<StructureHypothesis> out;
  for (const Hyp& h : finished) {
    auto s = program::DecodeStructure(h.tokens);
    IMG2CAD_CHECK(s.ok()) << "the grammar let through " << s.status().ToString();
    out.push_back({std::move(s).value(), h.tokens, h.log_prob, h.category_prob});
  }
  return out;
}
core::Result<std::vector<std::vector<double>>> StructureModel::CategoryProbs(
    const std::vector<image::Image>& crops) const {
  if (crops.empty()) return core::Status(core::StatusCode::kInvalidArgument, "no crop");
  for (const auto& c : crops)
    if (c.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty image");
  try {
    return CategoryProbsImpl(crops);
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        std::string("category prediction failed: ") + e.what_without_backtrace());
  }
}

std::vector<std::vector<double>> StructureModel::CategoryProbsImpl(
    const std::vector<image::Image>& crops) const {
  const core::ThreadLease lease = core::ReserveThreads(1);
  torch::set_num_threads(lease.count());
  torch::NoGradGuard no_grad;
  Net& net = impl_->net;
  if (net->is_training()) net->eval();  // a write only after training: decodes may run in parallel
  std::vector<torch::Tensor> images;
  for (const auto& c : crops) images.push_back(ImageTensor(c, config().image_size));
  const auto memory = net->encoder(torch::stack(images));
  const int64_t n = memory.size(0);
  const auto bos = torch::full({n, 1}, program::kBosToken, torch::kLong);
  auto logp = torch::log_softmax(net->forward(memory, bos).select(1, 0) + CategoryMask(), -1);
  if (net->category) {
    const auto head = torch::log_softmax(net->category(memory.select(1, 0)) + CategoryMask(), -1);
    logp = torch::log_softmax(logp + head, -1);
  }
  const auto probs = logp.exp().contiguous();
  auto a = probs.accessor<float, 2>();
  std::vector<std::vector<double>> out(n, std::vector<double>(program::Categories().size(), 0));
  for (int64_t i = 0; i < n; ++i)
    for (int v = 0; v < program::StructureVocabularySize(); ++v)
      if (const int c = program::StructureTokenCategory(v); c >= 0) out[i][c] += a[i][v];
  return out;
}

namespace {

// What the per-label heads' answers share: the checks, one encoder pass on one thread, and
// libtorch's errors turned into a status. `read` maps the image tokens to the answer.
template <typename T>
core::Result<T> AskHead(Net& net, bool has_head, const std::string& what, const image::Image& crop,
                        int category, const std::function<T(const torch::Tensor& memory)>& read) {
  if (!has_head)
    return core::Status(core::StatusCode::kInvalidArgument, "the model has no " + what);
  if (crop.empty()) return core::Status(core::StatusCode::kInvalidArgument, "empty image");
  if (category < 0 || category >= static_cast<int>(program::Categories().size()))
    return core::Status(core::StatusCode::kInvalidArgument, "unknown category");
  try {
    const core::ThreadLease lease = core::ReserveThreads(1);
    torch::set_num_threads(lease.count());
    torch::NoGradGuard no_grad;
    if (net->is_training()) net->eval();  // a write only after training: decodes run in parallel
    return read(net->encoder(ImageTensor(crop, net->config.image_size).unsqueeze(0)));
  } catch (const c10::Error& e) {
    return core::Status(core::StatusCode::kInternal,
                        what + " failed: " + e.what_without_backtrace());
  }
}

// A per-slot row [slots] of one image, cut to the labels of `category`, as T.
template <typename T>
std::vector<T> CategorySlots(const torch::Tensor& row, int category) {
  const auto values = row.slice(0, SlotOffset(category), SlotOffset(category) + NumLabels(category))
                          .to(torch::kDouble)
                          .contiguous();
  const double* v = values.data_ptr<double>();
  std::vector<T> out;
  for (int l = 0; l < NumLabels(category); ++l) out.push_back(static_cast<T>(v[l]));
  return out;
}

}  // namespace

core::Result<std::vector<int>> StructureModel::PredictCounts(const image::Image& crop,
                                                             int category) const {
  Net& net = impl_->net;
  return AskHead<std::vector<int>>(net, static_cast<bool>(net->counts), "count head", crop,
                                   category, [&](const torch::Tensor& memory) {
                                     return CategorySlots<int>(
                                         net->count_logits(memory)[0].argmax(-1), category);
                                   });
}

core::Result<std::vector<double>> StructureModel::PredictVisibleCounts(const image::Image& crop,
                                                                       int category) const {
  Net& net = impl_->net;
  return AskHead<std::vector<double>>(net, static_cast<bool>(net->density), "count density", crop,
                                      category, [&](const torch::Tensor& memory) {
                                        return CategorySlots<double>(net->density(memory).sum(1)[0],
                                                                     category);
                                      });
}

core::Result<std::vector<std::vector<int>>> StructureModel::PredictTemplates(
    const image::Image& crop, int category) const {
  Net& net = impl_->net;
  return AskHead<std::vector<std::vector<int>>>(
      net, static_cast<bool>(net->templates), "template head", crop, category,
      [&](const torch::Tensor& memory) {
        return slot_heads::BestTemplates(slot_heads::MakeTemplateTable(net->templates, memory),
                                         category);
      });
}
core::Result<StructureModel::PartMapReading> StructureModel::PredictPartMap(
    const image::Image& crop, int category) const {
  Net& net = impl_->net;
  return AskHead<PartMapReading>(
      net, static_cast<bool>(net->part_map), "part-map head", crop, category,
      [&](const torch::Tensor& memory) {
        const auto out = net->part_map(memory)[0];  // [grid, grid, classes + 1]
        const int64_t classes = net->part_map->classes;
        const auto best = out.slice(2, 0, classes).argmax(-1).flatten().contiguous();
        const auto seam = torch::sigmoid(out.select(2, classes)).flatten().contiguous();
        PartMapReading r;
        r.grid = net->part_map->grid;
        const int64_t* b = best.data_ptr<int64_t>();
        const int first = 1 + SlotOffset(category), n = NumLabels(category);
        for (int64_t k = 0; k < best.numel(); ++k) {
          const int l = static_cast<int>(b[k]) - first;
          r.labels.push_back(l >= 0 && l < n ? l : -1);
        }
        r.seams.assign(seam.data_ptr<float>(), seam.data_ptr<float>() + seam.numel());
        return r;
      });
}

}  // namespace img2cad::nn
