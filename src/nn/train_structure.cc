#include "nn/train_structure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "core/file_io.h"
#include "core/rng.h"
#include "nn/structure_data.h"
#include "program/structure_tokens.h"

namespace img2cad::nn {

namespace {

namespace fs = std::filesystem;

// Greedy decoding of un-augmented crops: the share whose structure is exactly right and whose
// category is right.
struct StructureScore {
  int n = 0;
  double exact = 0, category = 0;
};

constexpr char kLogHeader[] = "step,epoch,loss,lr,samples_per_s,elapsed_s,val_exact,val_category";

double LearningRate(const TrainStructureOptions& o, int64_t step) {
  if (step < o.warmup) return o.learning_rate * (step + 1) / o.warmup;
  const double t = static_cast<double>(step - o.warmup) / std::max<int64_t>(1, o.steps - o.warmup);
  return o.learning_rate * (0.05 + 0.95 * 0.5 * (1 + std::cos(3.14159265358979 * t)));
}

StructureScore Score(const StructureModel& model, const std::vector<StructureSample>& val,
                     size_t count) {
  StructureScore s;
  for (size_t i = 0; i < val.size() && i < count; ++i) {
    auto hyps = model.Decode(SampleCrop(val[i], model.config().image_size, nullptr), 1);
    if (!hyps.ok() || hyps->empty()) continue;
    ++s.n;
    s.exact += (*hyps)[0].tokens == val[i].tokens;
    s.category += (*hyps)[0].structure.category == val[i].category;
  }
  if (s.n) s.exact /= s.n, s.category /= s.n;
  return s;
}

// Validation samples in an order that interleaves the categories, so a prefix is balanced.
std::vector<StructureSample> Interleave(std::vector<StructureSample> v) {
  std::vector<std::vector<StructureSample*>> by;
  std::vector<std::string> cats;
  for (auto& s : v) {
    auto it = std::find(cats.begin(), cats.end(), s.category);
    if (it == cats.end()) cats.push_back(s.category), by.emplace_back();
    by[std::find(cats.begin(), cats.end(), s.category) - cats.begin()].push_back(&s);
  }
  std::vector<StructureSample> out;
  for (size_t i = 0; out.size() < v.size(); ++i)
    for (auto& list : by)
      if (i < list.size()) out.push_back(std::move(*list[i]));
  return out;
}

// A two-panel learning curve: training loss (log scale) above, validation exact match and
// category accuracy below.
core::Status WriteCurve(const std::string& path, const std::vector<std::vector<double>>& rows) {
  const int w = 640, h = 480, pad = 30;
  image::Image img(w, h, 3, 255);
  auto line = [&](int x0, int y0, int x1, int y1, const uint8_t c[3]) {
    const int n = std::max({std::abs(x1 - x0), std::abs(y1 - y0), 1});
    for (int i = 0; i <= n; ++i) {
      const int x = x0 + (x1 - x0) * i / n, y = y0 + (y1 - y0) * i / n;
      if (x >= 0 && y >= 0 && x < w && y < h)
        for (int k = 0; k < 3; ++k) img.at(x, y, k) = c[k];
    }
  };
  const uint8_t grey[3] = {160, 160, 160}, blue[3] = {30, 80, 200}, red[3] = {200, 40, 40},
                green[3] = {30, 150, 60};
  if (rows.empty()) return image::WritePng(path, img);
  const double max_step = std::max(1.0, rows.back()[0]);
  double lo = 1e9, hi = -1e9;
  for (const auto& r : rows)
    if (r[2] > 0) lo = std::min(lo, std::log10(r[2])), hi = std::max(hi, std::log10(r[2]));
  if (hi <= lo) hi = lo + 1;
  const int top0 = pad, top1 = h / 2 - pad / 2, bot0 = h / 2 + pad / 2, bot1 = h - pad;
  for (int y : {top0, top1, bot0, bot1}) line(pad, y, w - pad, y, grey);
  auto px = [&](double step) { return pad + static_cast<int>((w - 2 * pad) * step / max_step); };
  int lx = -1, ly = -1;
  for (const auto& r : rows) {
    if (r[2] <= 0) continue;
    const int x = px(r[0]);
    const int y = top1 - static_cast<int>((top1 - top0) * (std::log10(r[2]) - lo) / (hi - lo));
    if (lx >= 0) line(lx, ly, x, y, blue);
    lx = x, ly = y;
  }
  for (int col : {6, 7}) {
    lx = -1;
    for (const auto& r : rows) {
      if (r[col] < 0) continue;
      const int x = px(r[0]), y = bot1 - static_cast<int>((bot1 - bot0) * r[col]);
      if (lx >= 0) line(lx, ly, x, y, col == 6 ? red : green);
      for (int d = -2; d <= 2; ++d) line(x - 2, y + d, x + 2, y + d, col == 6 ? red : green);
      lx = x, ly = y;
    }
  }
  return image::WritePng(path, img);
}

// The sample order of one epoch, a function of the seed only: a plain shuffle, so every batch
// mixes the categories. (Batches sorted by length were single-category, and the category swung
// from one evaluation to the next; TrainStep now pads within length-sorted groups instead.)
std::vector<size_t> EpochOrder(size_t count, uint64_t seed) {
  core::Rng rng(seed);
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<size_t>(rng.UniformInt(0, static_cast<int>(i) - 1))]);
  return order;
}

// Rows of log.csv up to `max_step` (a resumed run drops what came after its checkpoint).
std::vector<std::vector<double>> ReadLog(const std::string& path, int64_t max_step) {
  std::vector<std::vector<double>> rows;
  auto text = core::ReadFile(path);
  if (!text.ok()) return rows;
  std::istringstream in(*text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> r;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) r.push_back(std::atof(cell.c_str()));
    if (r.size() == 8 && r[0] <= max_step) rows.push_back(r);
  }
  return rows;
}

std::string LogText(const std::vector<std::vector<double>>& rows) {
  std::string out = std::string(kLogHeader) + "\n";
  char buf[256];
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof(buf), "%.0f,%.0f,%.5f,%.6g,%.1f,%.1f,%.4f,%.4f\n", r[0], r[1], r[2],
                  r[3], r[4], r[5], r[6], r[7]);
    out += buf;
  }
  return out;
}

}  // namespace

core::Status TrainStructure(const TrainStructureOptions& o,
                            const std::function<void(const TrainProgress&)>& progress) {
  using core::Status;
  using core::StatusCode;
  std::error_code ec;
  fs::create_directories(o.work_dir, ec);
  if (ec) return Status(StatusCode::kIo, "cannot create: " + ec.message(), "", o.work_dir);
  LoadReport train_report, val_report;
  IMG2CAD_ASSIGN_OR_RETURN(
      auto train, LoadStructureSamples(o.train_data, "train", o.train_limit, &train_report));
  IMG2CAD_ASSIGN_OR_RETURN(auto val, LoadStructureSamples(o.val_data, "val", 0, &val_report));
  if (train.empty()) {
    return Status(StatusCode::kInvalidArgument, "no training sample in the train split", "",
                  o.train_data);
  }
  val = Interleave(std::move(val));

  StructureModel model = StructureModel::Create(o.config, o.seed);
  const std::string ckpt = (fs::path(o.work_dir) / "checkpoint.pt").string();
  const std::string log_path = (fs::path(o.work_dir) / "log.csv").string();
  const std::string curve_path = (fs::path(o.work_dir) / "curve.png").string();
  double elapsed_before = 0;
  std::vector<std::vector<double>> rows;
  if (fs::exists(ckpt)) {
    IMG2CAD_RETURN_IF_ERROR(model.LoadCheckpoint(ckpt));
    rows = ReadLog(log_path, model.steps());
    if (!rows.empty()) elapsed_before = rows.back()[5];
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return elapsed_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const size_t n = train.size();
  const int64_t per_epoch = static_cast<int64_t>(n / o.batch);
  std::vector<size_t> order;
  int64_t order_epoch = -1;
  double loss_sum = 0;
  int loss_count = 0;
  auto window_start = std::chrono::steady_clock::now();
  int64_t window_steps = 0;
  TrainProgress p;
  p.steps = o.steps;
  while (model.steps() < o.steps) {
    const int64_t step = model.steps();
    const int64_t epoch = step / per_epoch;
    if (epoch != order_epoch) {
      order = EpochOrder(train.size(), core::MixSeed(o.seed, 1000 + epoch));
      order_epoch = epoch;
    }
    std::vector<StructureExample> batch;
    for (int b = 0; b < o.batch; ++b) {
      const size_t idx = order[static_cast<size_t>((step % per_epoch) * o.batch + b)];
      core::Rng aug(core::MixSeed(core::MixSeed(o.seed, static_cast<uint64_t>(step)), idx));
      batch.push_back({SampleCrop(train[idx], o.config.image_size, &aug), train[idx].tokens});
    }
    const double lr = LearningRate(o, step);
    IMG2CAD_ASSIGN_OR_RETURN(double loss, model.TrainStep(batch, lr));
    loss_sum += loss;
    ++loss_count;
    ++window_steps;
    const int64_t done = model.steps();
    const bool eval = done % o.eval_every == 0 || done == o.steps;
    if (done % o.checkpoint_every == 0 || eval) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
      p.step = done;
      p.loss = loss_sum / loss_count;
      p.samples_per_s = secs > 0 ? window_steps * o.batch / secs : 0;
      p.eta_s = p.samples_per_s > 0 ? (o.steps - done) * o.batch / p.samples_per_s : 0;
      std::vector<double> row = {static_cast<double>(done),
                                 static_cast<double>(epoch),
                                 p.loss,
                                 lr,
                                 p.samples_per_s,
                                 elapsed(),
                                 -1,
                                 -1};
      p.val_exact = p.val_category = -1;  // only a step that evaluates reports them
      if (eval) {
        const size_t count = static_cast<size_t>(done == o.steps ? 5 : 1) * o.val_samples;
        const StructureScore s = Score(model, val, count);
        row[6] = p.val_exact = s.exact;
        row[7] = p.val_category = s.category;
      }
      rows.push_back(row);
      IMG2CAD_RETURN_IF_ERROR(model.SaveCheckpoint(ckpt));
      IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(log_path, LogText(rows)));
      IMG2CAD_RETURN_IF_ERROR(WriteCurve(curve_path, rows));
      if (progress) progress(p);
      loss_sum = 0, loss_count = 0, window_steps = 0;
      window_start = std::chrono::steady_clock::now();
    }
  }

  // The finished model and its card.
  const StructureScore final_score = Score(model, val, static_cast<size_t>(5) * o.val_samples);
  nlohmann::ordered_json card;
  card["command"] = o.command;
  card["seed"] = o.seed;
  card["data"] = {{"train", o.train_data},
                  {"train_samples", train.size()},
                  {"train_failed", train_report.failed},
                  {"val", o.val_data},
                  {"val_samples", val.size()}};
  card["training"] = {{"steps", o.steps},
                      {"batch", o.batch},
                      {"learning_rate", o.learning_rate},
                      {"warmup", o.warmup},
                      {"optimizer", "AdamW, weight decay 0.01, gradient clip 1.0"},
                      {"seconds", std::round(elapsed())}};
  card["validation"] = {{"samples", final_score.n},
                        {"structure_exact", final_score.exact},
                        {"category_accuracy", final_score.category},
                        {"decode", "greedy"}};
  return model.Save(o.out_dir, card.dump());
}

}  // namespace img2cad::nn
