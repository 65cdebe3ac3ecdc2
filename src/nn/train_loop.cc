#include "nn/train_loop.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "core/file_io.h"
#include "core/rng.h"
#include "image/draw.h"
#include "image/image.h"

namespace img2cad::nn {

namespace {

namespace fs = std::filesystem;

double LearningRate(const TrainLoopOptions& o, int64_t step) {
  if (step < o.warmup) return o.learning_rate * (step + 1) / o.warmup;
  const double t = static_cast<double>(step - o.warmup) / std::max<int64_t>(1, o.steps - o.warmup);
  return o.learning_rate * (0.05 + 0.95 * 0.5 * (1 + std::cos(3.14159265358979 * t)));
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

// A two-panel learning curve: training loss (log scale) above, the validation columns below
// (red the first, green the second), on 0-1 or scaled to their largest value. Each panel names
// what it shows and the values at its top and bottom edges; the step axis is labelled below.
core::Status WriteCurve(const std::string& path, const std::vector<std::vector<double>>& rows,
                        bool shares, const std::array<std::string, 2>& val_names) {
  const int w = 640, h = 480, left = 64, right = 16, top_pad = 22, gap = 40, bottom_pad = 30;
  image::Image img(w, h, 3, 255);
  const image::Rgb grey = {160, 160, 160}, ink = {40, 40, 40}, blue = {30, 80, 200},
                   red = {200, 40, 40}, green = {30, 150, 60};
  if (rows.empty()) return image::WritePng(path, img);
  const double max_step = std::max(1.0, rows.back()[0]);
  // Log scale for a positive loss; a negative log-likelihood (the flow head's) goes below zero,
  // so then the scale is linear.
  bool positive = true;
  for (const auto& r : rows) positive &= r[2] > 0;
  auto scaled = [&](double loss) { return positive ? std::log10(loss) : loss; };
  double lo = 1e9, hi = -1e9;
  for (const auto& r : rows) lo = std::min(lo, scaled(r[2])), hi = std::max(hi, scaled(r[2]));
  if (hi <= lo) hi = lo + 1;
  const int panel = (h - top_pad - gap - bottom_pad) / 2;
  const int top0 = top_pad, top1 = top0 + panel, bot0 = top1 + gap, bot1 = bot0 + panel;
  for (int y : {top0, top1, bot0, bot1}) image::DrawLine(img, left, y, w - right, y, grey);
  auto px = [&](double step) {
    return left + static_cast<int>((w - left - right) * step / max_step);
  };
  auto label_left = [&](int y, const std::string& text) {
    image::DrawText(img, left - 4 - image::TextWidth(text), y - image::TextHeight() / 2, text, ink);
  };
  image::DrawText(img, left, top0 - 14, positive ? "train loss (log scale)" : "train loss", blue);
  label_left(top0, Number(positive ? std::pow(10, hi) : hi));
  label_left(top1, Number(positive ? std::pow(10, lo) : lo));
  int lx = -1, ly = -1;
  for (const auto& r : rows) {
    const int x = px(r[0]);
    const int y = top1 - static_cast<int>((top1 - top0) * (scaled(r[2]) - lo) / (hi - lo));
    if (lx >= 0) image::DrawLine(img, lx, ly, x, y, blue);
    lx = x, ly = y;
  }
  double val_max = 1;
  if (!shares)
    for (const auto& r : rows) val_max = std::max({val_max, r[6], r[7]});
  const int legend_x = image::DrawText(img, left, bot0 - 14, val_names[0], red);
  image::DrawText(img, legend_x + 12, bot0 - 14, val_names[1], green);
  label_left(bot0, Number(val_max));
  label_left(bot1, "0");
  for (int col : {6, 7}) {
    const image::Rgb& color = col == 6 ? red : green;
    lx = -1;
    for (const auto& r : rows) {
      if (r[col] < 0) continue;
      const int x = px(r[0]), y = bot1 - static_cast<int>((bot1 - bot0) * r[col] / val_max);
      if (lx >= 0) image::DrawLine(img, lx, ly, x, y, color);
      for (int d = -2; d <= 2; ++d) image::DrawLine(img, x - 2, y + d, x + 2, y + d, color);
      lx = x, ly = y;
    }
  }
  const std::string last = Number(max_step);
  image::DrawText(img, left, bot1 + 6, "0", ink);
  image::DrawText(img, w - right - image::TextWidth(last), bot1 + 6, last, ink);
  image::DrawText(img, (left + w - right - image::TextWidth("step")) / 2, bot1 + 6, "step", ink);
  return image::WritePng(path, img);
}

// The sample order of one epoch, a function of the seed only: a plain shuffle, so every batch
// mixes the categories. (Stage 1's batches sorted by length were single-category, and the
// category swung from one evaluation to the next.)
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

std::string LogText(const std::vector<std::vector<double>>& rows,
                    const std::array<std::string, 2>& val_names) {
  std::string out =
      "step,epoch,loss,lr,samples_per_s,elapsed_s," + val_names[0] + "," + val_names[1] + "\n";
  char buf[256];
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof(buf), "%.0f,%.0f,%.5f,%.6g,%.1f,%.1f,%.4f,%.4f\n", r[0], r[1], r[2],
                  r[3], r[4], r[5], r[6], r[7]);
    out += buf;
  }
  return out;
}

}  // namespace

core::Result<TrainLoopResult> RunTrainLoop(
    const TrainLoopOptions& o, const TrainLoopHooks& hooks,
    const std::function<void(const TrainProgress&)>& progress) {
  using core::Status;
  using core::StatusCode;
  std::error_code ec;
  fs::create_directories(o.work_dir, ec);
  if (ec) return Status(StatusCode::kIo, "cannot create: " + ec.message(), "", o.work_dir);
  if (o.samples == 0 || o.batch < 1) {
    return Status(StatusCode::kInvalidArgument, "nothing to train on", "", o.work_dir);
  }
  const std::string ckpt = (fs::path(o.work_dir) / "checkpoint.pt").string();
  const std::string log_path = (fs::path(o.work_dir) / "log.csv").string();
  const std::string curve_path = (fs::path(o.work_dir) / "curve.png").string();
  double elapsed_before = 0;
  std::vector<std::vector<double>> rows;
  if (fs::exists(ckpt)) {
    IMG2CAD_RETURN_IF_ERROR(hooks.load_checkpoint(ckpt));
    rows = ReadLog(log_path, hooks.steps_done());
    if (!rows.empty()) elapsed_before = rows.back()[5];
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return elapsed_before +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // With fewer samples than a batch, a batch repeats samples (overfit checks).
  const int64_t per_epoch = std::max<int64_t>(1, static_cast<int64_t>(o.samples / o.batch));
  std::vector<size_t> order;
  int64_t order_epoch = -1;
  double loss_sum = 0;
  int loss_count = 0;
  auto window_start = std::chrono::steady_clock::now();
  int64_t window_steps = 0;
  TrainProgress p;
  p.steps = o.steps;
  p.val_names = o.val_names;
  while (hooks.steps_done() < o.steps) {
    const int64_t step = hooks.steps_done();
    const int64_t epoch = step / per_epoch;
    if (epoch != order_epoch) {
      order = EpochOrder(o.samples, core::MixSeed(o.seed, 1000 + epoch));
      order_epoch = epoch;
    }
    std::vector<size_t> indices;
    for (int b = 0; b < o.batch; ++b)
      indices.push_back(
          order[static_cast<size_t>((step % per_epoch) * o.batch + b) % order.size()]);
    const double lr = LearningRate(o, step);
    IMG2CAD_ASSIGN_OR_RETURN(double loss, hooks.step(indices, step, lr));
    loss_sum += loss;
    ++loss_count;
    ++window_steps;
    const int64_t done = hooks.steps_done();
    const bool eval = done % o.eval_every == 0 || done == o.steps;
    if (done % o.checkpoint_every == 0 || eval) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
      p.step = done;
      p.loss = loss_sum / loss_count;
      p.samples_per_s = secs > 0 ? window_steps * o.batch / secs : 0;
      p.eta_s = p.samples_per_s > 0 ? (o.steps - done) * o.batch / p.samples_per_s : 0;
      p.val = {-1, -1};  // only a step that evaluates reports them
      if (eval) p.val = hooks.validate(/*final=*/false);
      rows.push_back({static_cast<double>(done), static_cast<double>(epoch), p.loss, lr,
                      p.samples_per_s, elapsed(), p.val[0], p.val[1]});
      IMG2CAD_RETURN_IF_ERROR(hooks.save_checkpoint(ckpt));
      IMG2CAD_RETURN_IF_ERROR(core::WriteFileAtomic(log_path, LogText(rows, o.val_names)));
      IMG2CAD_RETURN_IF_ERROR(WriteCurve(curve_path, rows, o.val_are_shares, o.val_names));
      if (progress) progress(p);
      loss_sum = 0, loss_count = 0, window_steps = 0;
      window_start = std::chrono::steady_clock::now();
    }
  }
  TrainLoopResult result;
  result.final_val = hooks.validate(/*final=*/true);
  result.seconds = elapsed();
  return result;
}

}  // namespace img2cad::nn
