#include "nn/slot_heads_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.h"
#include "nn/layers_internal.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"

namespace img2cad::nn::slot_heads {

using layers::Attention;

int SlotOffset(int category) {
  int offset = 0;
  for (int c = 0; c < category; ++c) offset += NumLabels(c);
  return offset;
}

int NumSlots() { return SlotOffset(static_cast<int>(program::Categories().size())); }

int NumLabels(int category) {
  return static_cast<int>(program::LabelsOf(program::Categories()[category]).size());
}

SlotHeadImpl::SlotHeadImpl(const StructureModelConfig& c, int outputs) {
  queries = register_parameter("queries", torch::randn({NumSlots(), c.d_model}) * 0.02);
  for (int i = 0; i < kRounds; ++i) {
    attn->push_back(Attention(c.d_model, c.heads));
    n1->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    n2->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.d_model})));
    ff1->push_back(torch::nn::Linear(c.d_model, c.ff));
    ff2->push_back(torch::nn::Linear(c.ff, c.d_model));
  }
  register_module("attn", attn);
  register_module("n1", n1);
  register_module("n2", n2);
  register_module("ff1", ff1);
  register_module("ff2", ff2);
  out = register_module("out", torch::nn::Linear(c.d_model, outputs));
}

torch::Tensor SlotHeadImpl::forward(const torch::Tensor& memory) {
  auto x = queries.unsqueeze(0).expand({memory.size(0), -1, -1});
  for (int i = 0; i < kRounds; ++i) {
    auto a = attn[i]->as<Attention>();
    x = x + a->Attend(n1[i]->as<torch::nn::LayerNorm>()->forward(x), a->Keys(memory),
                      a->Values(memory), {}, 0);
    auto h = n2[i]->as<torch::nn::LayerNorm>()->forward(x);
    x = x + ff2[i]->as<torch::nn::Linear>()->forward(
                torch::gelu(ff1[i]->as<torch::nn::Linear>()->forward(h)));
  }
  return out(x);
}

int64_t CountTargets(const std::vector<StructureExample>& batch) {
  int64_t n = 0;
  for (const auto& e : batch) {
    const int category = program::StructureTokenCategory(e.tokens.at(1));
    IMG2CAD_CHECK(category >= 0) << "a training sequence without its category";
    n += NumLabels(category);
  }
  return n;
}

torch::Tensor CountLoss(const torch::Tensor& logits, const std::vector<StructureExample>& batch,
                        double normaliser) {
  const int64_t b = static_cast<int64_t>(batch.size());
  auto targets = torch::full({b, NumSlots()}, -100, torch::kLong);  // -100: ignored
  auto tg = targets.accessor<int64_t, 2>();
  for (int64_t i = 0; i < b; ++i) {
    int category = -1;
    const std::vector<int> counts = program::StructureLabelCounts(batch[i].tokens, &category);
    IMG2CAD_CHECK(category >= 0) << "a training sequence without its category";
    for (size_t l = 0; l < counts.size(); ++l)
      tg[i][SlotOffset(category) + static_cast<int>(l)] = std::min(counts[l], kMaxCountClass);
  }
  if (normaliser <= 0) normaliser = static_cast<double>(std::max<int64_t>(1, CountTargets(batch)));
  return torch::nn::functional::cross_entropy(
             logits.reshape({b * NumSlots(), kMaxCountClass + 1}), targets.reshape({-1}),
             torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(
                 torch::kSum)) /
         normaliser;
}

CountTable MakeCountTable(const torch::Tensor& logits) {
  constexpr double kFloor = -30;  // keeps impossible counts finite
  auto logp = torch::log_softmax(logits[0], -1).to(torch::kDouble);  // [slots, K]
  auto tail = torch::logcumsumexp(logp.flip(-1), -1).flip(-1);
  auto lp = logp.accessor<double, 2>();
  auto tl = tail.accessor<double, 2>();
  CountTable table;
  table.exactly.resize(NumSlots());
  table.at_least.resize(NumSlots());
  for (int s = 0; s < NumSlots(); ++s)
    for (int k = 0; k <= kMaxCountClass; ++k) {
      table.exactly[s][k] = std::max(kFloor, lp[s][k]);
      table.at_least[s][k] = std::max(kFloor, tl[s][k]);
    }
  return table;
}

void PartRun::Accept(int token) {
  if (category < 0) {
    category = program::StructureTokenCategory(token);
    return;
  }
  const int l = program::StructureTokenLabelIndex(category, token);
  if (l < 0) {
    if (label >= 0) ++position;
    return;
  }
  run = l == label ? run + 1 : 1;
  label = l;
  position = 0;
}

double CountLogProb(const CountTable& t, const PartRun& h, int token) {
  if (h.category < 0) return 0;
  const int offset = SlotOffset(h.category);
  const int label = program::StructureTokenLabelIndex(h.category, token);
  if (token != program::kEosToken && label < 0) return 0;
  if (label >= 0 && label == h.label)
    return t.AtLeast(offset + label, h.run + 1) - t.AtLeast(offset + label, h.run);
  double lp = 0;
  if (h.label >= 0) lp += t.Exactly(offset + h.label, h.run) - t.AtLeast(offset + h.label, h.run);
  const int next = label >= 0 ? label : NumLabels(h.category);
  for (int l = h.label + 1; l < next; ++l) lp += t.Exactly(offset + l, 0);
  if (label >= 0) lp += t.AtLeast(offset + label, 1);
  return lp;
}

// ---- Templates ----

TemplateHeadImpl::TemplateHeadImpl(const StructureModelConfig& c) {
  slots =
      register_module("slots", SlotHead(c, kTemplateTokens * program::StructureVocabularySize()));
}

torch::Tensor TemplateHeadImpl::forward(const torch::Tensor& memory) {
  const auto out = slots(memory);
  return out.reshape(
      {out.size(0), out.size(1), kTemplateTokens, program::StructureVocabularySize()});
}

torch::Tensor TemplateTargets(const std::vector<StructureExample>& batch) {
  const int64_t b = static_cast<int64_t>(batch.size());
  auto targets = torch::full({b, NumSlots(), kTemplateTokens}, -100, torch::kLong);
  auto tg = targets.accessor<int64_t, 3>();
  for (int64_t i = 0; i < b; ++i) {
    const int category = program::StructureTokenCategory(batch[i].tokens.at(1));
    IMG2CAD_CHECK(category >= 0) << "a training sequence without its category";
    const auto templates = program::StructureFirstParts(batch[i].tokens);
    for (size_t l = 0; l < templates.size(); ++l) {
      const auto& tokens = templates[l];  // a label without a part ends at once
      const int slot = SlotOffset(category) + static_cast<int>(l);
      for (size_t p = 0; p < tokens.size() && p < kTemplateTokens; ++p) tg[i][slot][p] = tokens[p];
      if (tokens.size() < kTemplateTokens) tg[i][slot][tokens.size()] = program::kPadToken;
    }
  }
  return targets;
}

int64_t TemplateTargetCount(const std::vector<StructureExample>& batch) {
  int64_t n = 0;
  for (const auto& e : batch)
    for (const auto& tokens : program::StructureFirstParts(e.tokens))
      n += std::min<int64_t>(static_cast<int64_t>(tokens.size()) + 1, kTemplateTokens);
  return n;
}

torch::Tensor TemplateLoss(TemplateHead& head, const torch::Tensor& memory,
                           const torch::Tensor& targets, double normaliser) {
  IMG2CAD_CHECK(normaliser > 0);
  return torch::nn::functional::cross_entropy(
             head(memory).reshape({-1, program::StructureVocabularySize()}), targets.reshape({-1}),
             torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(
                 torch::kSum)) /
         normaliser;
}

TemplateTable MakeTemplateTable(TemplateHead& head, const torch::Tensor& memory) {
  const auto logp = torch::log_softmax(head(memory)[0], -1).contiguous();  // [S, P, V]
  auto a = logp.accessor<float, 3>();
  TemplateTable table;
  table.logp.assign(NumSlots(), std::vector<std::vector<float>>(kTemplateTokens));
  for (int s = 0; s < NumSlots(); ++s)
    for (int p = 0; p < kTemplateTokens; ++p)
      for (int v = 0; v < program::StructureVocabularySize(); ++v)
        table.logp[s][p].push_back(a[s][p][v]);
  return table;
}

std::vector<std::vector<int>> BestTemplates(const TemplateTable& table, int category) {
  std::vector<std::vector<int>> out;
  for (int l = 0; l < NumLabels(category); ++l) {
    const auto& slot = table.logp[SlotOffset(category) + l];
    std::vector<int> tokens;
    for (int p = 0; p < kTemplateTokens; ++p) {
      const int best =
          static_cast<int>(std::max_element(slot[p].begin(), slot[p].end()) - slot[p].begin());
      if (best == program::kPadToken) break;
      tokens.push_back(best);
    }
    out.push_back(std::move(tokens));
  }
  return out;
}

std::vector<double> TemplateVotes(const TemplateTable& table, const PartRun& h,
                                  const std::vector<unsigned char>& allowed) {
  const int vocab = program::StructureVocabularySize();
  std::vector<double> votes(vocab, 0.0);
  if (h.category < 0 || h.label < 0 || h.run != 1 || h.position >= kTemplateTokens) return votes;
  const auto& logp = table.logp[SlotOffset(h.category) + h.label][h.position];
  // The part's end is one event for the head, whichever PART token or EOS the decoder ends it
  // with: its mass counts once in the normaliser.
  double norm = -std::numeric_limits<double>::infinity();
  bool end_counted = false;
  auto add = [&](double lp) {
    const double hi = std::max(norm, lp);
    norm = hi + std::log(std::exp(norm - hi) + std::exp(lp - hi));
  };
  for (int v = 0; v < vocab; ++v) {
    if (!allowed[v]) continue;
    const bool ends =
        v == program::kEosToken || program::StructureTokenLabelIndex(h.category, v) >= 0;
    votes[v] = logp[ends ? program::kPadToken : v];
    if (!ends) {
      add(votes[v]);
    } else if (!end_counted) {
      add(votes[v]);
      end_counted = true;
    }
  }
  for (int v = 0; v < vocab; ++v)
    if (allowed[v]) votes[v] -= norm;
  return votes;
}

}  // namespace img2cad::nn::slot_heads
