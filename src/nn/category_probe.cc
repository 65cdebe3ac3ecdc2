#include "nn/category_probe.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/parallel.h"
#include "core/version.h"
#include "nn/torch_io_internal.h"
#include "program/vocabulary.h"

namespace img2cad::nn {

namespace {

core::Status Bad(const std::string& what) {
  return core::Status(core::StatusCode::kInvalidArgument, what);
}

}  // namespace

core::Result<CategoryProbe> CategoryProbe::Fit(const std::vector<std::vector<float>>& features,
                                               const std::vector<int>& labels,
                                               const CategoryProbeFit& fit) {
  const int classes = static_cast<int>(program::Categories().size());
  if (features.empty() || features.size() != labels.size()) {
    return Bad("a probe needs as many labels as feature rows, and at least one");
  }
  const size_t width = features[0].size();
  if (fit.columns.empty()) return Bad("a probe needs at least one feature column");
  for (int c : fit.columns)
    if (c < 0 || static_cast<size_t>(c) >= width) return Bad("a probe column is out of range");
  for (size_t i = 0; i < features.size(); ++i) {
    if (features[i].size() != width) return Bad("feature rows differ in length");
    if (labels[i] < 0 || labels[i] >= classes) return Bad("a label is not a category index");
    for (float v : features[i])
      if (!std::isfinite(v) || v < 0) return Bad("features must be finite and >= 0");
  }
  const core::ThreadLease lease = core::ReserveThreads(0);
  torch::set_num_threads(lease.count());
  torch::NoGradGuard no_grad;
  const int64_t n = static_cast<int64_t>(features.size());
  auto x = torch::empty({n, static_cast<int64_t>(width)}, torch::kDouble);
  auto xa = x.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (size_t k = 0; k < width; ++k) xa[i][k] = std::log1p(static_cast<double>(features[i][k]));
  const auto mean = x.mean(0);
  const auto std = x.std(0, /*unbiased=*/false) + 1e-6;
  auto cols = torch::tensor(std::vector<int64_t>(fit.columns.begin(), fit.columns.end()));
  const auto z = ((x - mean) / std).index_select(1, cols);
  auto y = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()));
  const auto onehot = torch::one_hot(y, classes).to(torch::kDouble);
  auto w = torch::zeros({z.size(1), classes}, torch::kDouble);
  auto b = torch::zeros({classes}, torch::kDouble);
  // Plain gradient descent on the mean cross-entropy plus l2/2 |w|^2: deterministic, and the
  // same update as scripts/isnet_probe.py, with which the probe was first measured.
  for (int step = 0; step < fit.steps; ++step) {
    const auto p = torch::softmax(z.matmul(w) + b, 1);
    const auto g = (p - onehot) / static_cast<double>(n);
    w -= fit.learning_rate * (z.t().matmul(g) + fit.l2 * w);
    b -= fit.learning_rate * g.sum(0);
  }
  CategoryProbe probe;
  probe.columns_ = fit.columns;
  probe.mean_.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + width);
  probe.std_.assign(std.data_ptr<double>(), std.data_ptr<double>() + width);
  const auto wt = w.t().contiguous();
  for (int c = 0; c < classes; ++c) {
    const double* row = wt[c].data_ptr<double>();
    probe.weights_.emplace_back(row, row + wt.size(1));
  }
  probe.bias_.assign(b.data_ptr<double>(), b.data_ptr<double>() + classes);
  return probe;
}

core::Result<std::vector<double>> CategoryProbe::Probs(const std::vector<float>& features) const {
  if (static_cast<int>(features.size()) != feature_size()) {
    return Bad("the probe reads " + std::to_string(feature_size()) + " features, not " +
               std::to_string(features.size()));
  }
  std::vector<double> logits(bias_);
  for (size_t k = 0; k < columns_.size(); ++k) {
    const int col = columns_[k];
    const double v = (std::log1p(static_cast<double>(features[col])) - mean_[col]) / std_[col];
    for (size_t c = 0; c < logits.size(); ++c) logits[c] += weights_[c][k] * v;
  }
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (double& l : logits) sum += (l = std::exp(l - top));
  for (double& l : logits) l /= sum;
  return logits;
}

core::Status CategoryProbe::Save(const std::string& dir, const std::string& card_json) const {
  nlohmann::ordered_json extra = nlohmann::ordered_json::parse(card_json, nullptr, false);
  if (extra.is_discarded() || !extra.is_object()) return Bad("the card must be a JSON object");
  nlohmann::ordered_json j;
  j["format"] = "img2cad.model/1";
  j["name"] = "category_probe";
  j["description"] =
      "a second opinion on the category: softmax regression over ISNet's encoder features of "
      "the object crop";
  j["program_version"] = core::kVersion;
  j["categories"] = program::Categories();
  j["config"] = {
      {"feature_size", feature_size()}, {"crop_size", crop_size_}, {"columns", columns_}};
  j["weights"] = {{"mean", mean_}, {"std", std_}, {"w", weights_}, {"b", bias_}};
  for (auto& [key, value] : extra.items()) j[key] = value;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return core::WriteFileAtomic(dir + "/model.json", j.dump(1) + "\n");
}

core::Result<CategoryProbe> CategoryProbe::Load(const std::string& dir) {
  IMG2CAD_ASSIGN_OR_RETURN(nlohmann::json j, torch_io::ReadCard(dir));
  const std::string file = dir + "/model.json";
  auto parse_error = [&](const std::string& what) {
    return core::Status(core::StatusCode::kParse, what, "", file);
  };
  if (j.value("name", "") != "category_probe") return parse_error("not a category probe");
  if (j.value("categories", nlohmann::json()) != nlohmann::json(program::Categories())) {
    return parse_error("its categories are not this build's");
  }
  CategoryProbe p;
  try {
    const auto& c = j.at("config");
    const auto& w = j.at("weights");
    p.crop_size_ = c.at("crop_size").get<int>();
    p.columns_ = c.at("columns").get<std::vector<int>>();
    p.mean_ = w.at("mean").get<std::vector<double>>();
    p.std_ = w.at("std").get<std::vector<double>>();
    p.weights_ = w.at("w").get<std::vector<std::vector<double>>>();
    p.bias_ = w.at("b").get<std::vector<double>>();
    if (c.at("feature_size").get<int>() != p.feature_size())
      return parse_error("config.feature_size");
  } catch (const nlohmann::json::exception& e) {
    return parse_error(std::string("missing or mistyped field: ") + e.what());
  }
  const size_t classes = program::Categories().size();
  bool ok = p.std_.size() == p.mean_.size() && p.bias_.size() == classes &&
            p.weights_.size() == classes && p.crop_size_ > 0;
  for (const auto& row : p.weights_) ok = ok && row.size() == p.columns_.size();
  for (int col : p.columns_) ok = ok && col >= 0 && col < p.feature_size();
  for (double s : p.std_) ok = ok && s > 0;
  if (!ok) return parse_error("weights whose sizes do not fit together");
  return p;
}

}  // namespace img2cad::nn
