#include "nn/assembler_encoding_internal.h"

#include <algorithm>
#include <cmath>

#include "program/vocabulary.h"

namespace img2cad::nn::assembler {

using program::CommandType;
using program::kNumArgs;
using program::kNumCommandTypes;

int NumCategories() { return static_cast<int>(program::Categories().size()); }

int CategoryIndex(const std::string& category) {
  const auto& cats = program::Categories();
  const auto it = std::find(cats.begin(), cats.end(), category);
  return it == cats.end() ? -1 : static_cast<int>(it - cats.begin());
}

int LabelId(int category, const std::string& label) {
  int offset = 0;
  for (int c = 0; c < category; ++c)
    offset += static_cast<int>(program::LabelsOf(program::Categories()[c]).size());
  const auto i = program::LabelIndex(program::Categories()[category], label);
  return i ? offset + *i : -1;
}

int NumLabels() {
  int n = 0;
  for (const auto& c : program::Categories()) n += static_cast<int>(program::LabelsOf(c).size());
  return n;
}

int StatIndex(int category, int type, int arg) {
  return (category * kNumCommandTypes + type) * kNumArgs + arg;
}

bool Active(const program::Command& c, int k) {
  if (k >= program::ArgCount(c.type) || program::IsDiscreteArg(c.type, k)) return false;
  if (c.type == CommandType::kExtrude && k == 11) {
    return static_cast<int>(c.args[9]) == static_cast<int>(program::Extent::kTwoSided);
  }
  return true;
}

namespace {

double Norm3(const V3& v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

}  // namespace

void Orthonormalise(V3* n, V3* x) {
  double len = Norm3(*n);
  if (len < 1e-9) *n = {0, 0, 1}, len = 1;
  for (double& v : *n) v /= len;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const double d = (*x)[0] * (*n)[0] + (*x)[1] * (*n)[1] + (*x)[2] * (*n)[2];
    for (int k = 0; k < 3; ++k) (*x)[k] -= d * (*n)[k];
    const double xl = Norm3(*x);
    if (xl > 1e-6) {
      for (double& v : *x) v /= xl;
      return;
    }
    const int axis = std::abs((*n)[0]) < 0.6 ? 0 : 1;
    *x = {0, 0, 0};
    (*x)[axis] = 1;
  }
}

std::array<double, kNumArgs> CanonicalArgs(const program::Command& c) {
  auto a = c.args;
  if (c.type == CommandType::kExtrude) {
    V3 n{a[3], a[4], a[5]}, x{a[6], a[7], a[8]};
    Orthonormalise(&n, &x);
    for (int k = 0; k < 3; ++k) a[3 + k] = n[k], a[6 + k] = x[k];
  }
  return a;
}

core::Result<Encoded> Encode(const std::string& category,
                             const std::vector<program::PartTokens>& parts, const ArgStats& stats,
                             bool with_targets) {
  Encoded e;
  e.category = CategoryIndex(category);
  if (e.category < 0) {
    return core::Status(core::StatusCode::kInvalidArgument, "unknown category '" + category + "'");
  }
  auto push = [&](int type, int disc, int label, int instance, int position, int feature) {
    e.type.push_back(type);
    e.disc.push_back(disc);
    e.label.push_back(label);
    e.instance.push_back(std::min(instance, kMaxInstance - 1));
    e.position.push_back(std::min(position, kMaxPosition - 1));
    e.feature.push_back(std::min(feature, kMaxFeature - 1));
  };
  for (size_t p = 0; p < parts.size(); ++p) {
    const int label = LabelId(e.category, parts[p].label);
    if (label < 0) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "unknown label '" + parts[p].label + "' for " + category,
                          "parts[" + std::to_string(p) + "]");
    }
    e.part_tokens.push_back(static_cast<int64_t>(e.type.size()));
    push(kPartType, 0, label, parts[p].instance, 0, 0);
    e.target.insert(e.target.end(), kNumArgs, 0.f);
    e.active.insert(e.active.end(), kNumArgs, 0.f);
    int feature = 0;
    for (size_t i = 0; i < parts[p].commands.size(); ++i) {
      const program::Command& c = parts[p].commands[i];
      const int type = static_cast<int>(c.type);
      int disc = 0;
      if (c.type == CommandType::kArc) disc = 1 + (c.args[3] != 0);
      if (c.type == CommandType::kExtrude)
        disc = 3 + static_cast<int>(c.args[9]) * 4 + static_cast<int>(c.args[12]);
      push(type, disc, label, parts[p].instance, static_cast<int>(i) + 1, feature);
      const auto args = CanonicalArgs(c);
      for (int k = 0; k < kNumArgs; ++k) {
        const bool on = Active(c, k);
        const int s = StatIndex(e.category, type, k);
        e.active.push_back(on ? 1.f : 0.f);
        e.target.push_back(on && with_targets
                               ? static_cast<float>((args[k] - stats.mean[s]) / stats.stddev[s])
                               : 0.f);
      }
      if (c.type == CommandType::kExtrude) ++feature;
    }
  }
  return e;
}

Batch MakeBatch(const std::vector<const Encoded*>& items) {
  const int64_t b = static_cast<int64_t>(items.size());
  int64_t rows = 0, len = 1, parts = 0;
  for (const Encoded* e : items) {
    const int64_t n = static_cast<int64_t>(e->part_tokens.size());
    rows += n;
    parts = std::max(parts, n);
    for (int64_t p = 0; p < n; ++p) {
      const int64_t stop = p + 1 < n ? e->part_tokens[p + 1] : static_cast<int64_t>(e->type.size());
      len = std::max(len, stop - e->part_tokens[p]);
    }
  }
  Batch out;
  out.batch = b;
  out.parts = parts;
  out.type = torch::full({rows, len}, kPadType, torch::kLong);
  out.disc = torch::zeros({rows, len}, torch::kLong);
  out.label = torch::zeros({rows, len}, torch::kLong);
  out.instance = torch::zeros({rows, len}, torch::kLong);
  out.position = torch::zeros({rows, len}, torch::kLong);
  out.feature = torch::zeros({rows, len}, torch::kLong);
  out.target = torch::zeros({rows, len, kNumArgs});
  out.active = torch::zeros({rows, len, kNumArgs});
  auto mask = torch::full({rows, len}, kMaskedScore);
  auto global = torch::full({b, parts}, kMaskedScore);
  std::vector<int64_t> cats, row_sample, slots;
  auto ty = out.type.accessor<int64_t, 2>(), di = out.disc.accessor<int64_t, 2>(),
       la = out.label.accessor<int64_t, 2>(), in = out.instance.accessor<int64_t, 2>(),
       po = out.position.accessor<int64_t, 2>(), fe = out.feature.accessor<int64_t, 2>();
  auto ma = mask.accessor<float, 2>();
  auto ta = out.target.accessor<float, 3>(), ac = out.active.accessor<float, 3>();
  int64_t r = 0;
  for (int64_t i = 0; i < b; ++i) {
    const Encoded& e = *items[i];
    cats.push_back(e.category);
    const int64_t n = static_cast<int64_t>(e.part_tokens.size());
    for (int64_t p = 0; p < n; ++p, ++r) {
      row_sample.push_back(i);
      slots.push_back(i * parts + p);
      global[i][p] = 0.f;
      const int64_t first = e.part_tokens[p];
      const int64_t stop = p + 1 < n ? e.part_tokens[p + 1] : static_cast<int64_t>(e.type.size());
      for (int64_t j = first; j < stop; ++j) {
        const int64_t c = j - first;
        ty[r][c] = e.type[j], di[r][c] = e.disc[j], la[r][c] = e.label[j];
        in[r][c] = e.instance[j], po[r][c] = e.position[j], fe[r][c] = e.feature[j];
        ma[r][c] = 0.f;
        for (int k = 0; k < kNumArgs; ++k) {
          ta[r][c][k] = e.target[j * kNumArgs + k];
          ac[r][c][k] = e.active[j * kNumArgs + k];
        }
      }
    }
  }
  out.category = torch::tensor(cats, torch::kLong);
  out.row_sample = torch::tensor(row_sample, torch::kLong);
  out.part_slots = torch::tensor(slots, torch::kLong);
  out.local_mask = mask.view({rows, 1, 1, len});
  out.global_mask = global.view({b, 1, 1, parts});
  return out;
}

}  // namespace img2cad::nn::assembler
