#include "pipeline/mask_refiner_training.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/rng.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "pipeline/drawn_renders_internal.h"
#include "pipeline/find_object.h"
#include "segment/segmenter.h"

namespace img2cad::pipeline {

namespace {

namespace fs = std::filesystem;

// A window of the picture that ends inside the object on one to three sides, cut 2-12% of the
// object's larger side in, as a photo cut tight around a piece of furniture: x0, y0, x1, y1.
std::array<int, 4> TightWindow(const image::Image& truth, core::Rng& rng) {
  const image::Foreground fg = image::ForegroundFromMask(truth, truth.width, truth.height);
  if (!fg.found) return {0, 0, truth.width, truth.height};
  std::array<int, 4> win = image::CutInsideBox(fg, truth.width, truth.height, rng);
  // At least a quarter of the picture each way, so that a cut never leaves a sliver.
  win[0] = std::clamp(win[0], 0, truth.width * 3 / 4);
  win[1] = std::clamp(win[1], 0, truth.height * 3 / 4);
  win[2] = std::clamp(win[2], win[0] + truth.width / 4, truth.width);
  win[3] = std::clamp(win[3], win[1] + truth.height / 4, truth.height);
  return win;
}

// The render, its true mask and ISNet's map, read (or computed and cached) for training; with
// `tight`, all three cut to a TightWindow drawn from `rng` (ISNet reads the cut picture, as it
// would read such a photo). A render whose files do not fit together is an error naming the file.
core::Result<nn::MaskRefinerExample> LoadExample(const DrawnRender& r,
                                                 const segment::Segmenter& isnet,
                                                 const std::string& cache_dir, bool tight,
                                                 core::Rng& rng) {
  IMG2CAD_ASSIGN_OR_RETURN(image::Image photo, image::ReadImage(r.image));
  IMG2CAD_ASSIGN_OR_RETURN(image::Image truth, image::ReadImage(r.mask));
  if (truth.channels != 1 || truth.width != photo.width || truth.height != photo.height) {
    return core::Status(core::StatusCode::kInvalidArgument,
                        "not a one-channel mask of the render's size", "", r.mask);
  }
  std::string name = r.id;
  if (tight) {
    const auto w = TightWindow(truth, rng);
    photo = image::Window(photo, w[0], w[1], w[2] - w[0], w[3] - w[1]);
    truth = image::Window(truth, w[0], w[1], w[2] - w[0], w[3] - w[1]);
    name += "_w" + std::to_string(w[0]) + "_" + std::to_string(w[1]) + "_" + std::to_string(w[2]) +
            "_" + std::to_string(w[3]);
  }
  const std::string cached = (fs::path(cache_dir) / (name + ".png")).string();
  image::Image map;
  if (fs::exists(cached)) {
    auto read = image::ReadImage(cached);
    if (read.ok() && read->channels == 1 && read->width == photo.width &&
        read->height == photo.height)
      map = std::move(read).value();
  }
  if (map.empty()) {
    FindObjectOptions o;
    o.isnet = &isnet;
    IMG2CAD_ASSIGN_OR_RETURN(IsnetMap m, SegmentWithIsnet(photo, o));
    map = std::move(m.probability);
    IMG2CAD_RETURN_IF_ERROR(image::WritePng(cached, map));
  }
  return nn::MaskRefinerExample{image::ConvertChannels(photo, 3), std::move(map), std::move(truth)};
}

double BoxIou(const image::Foreground& a, const image::Foreground& b) {
  const int ix = std::max(0, std::min(a.x1, b.x1) - std::max(a.x0, b.x0));
  const int iy = std::max(0, std::min(a.y1, b.y1) - std::max(a.y0, b.y0));
  const double inter = static_cast<double>(ix) * iy;
  const double uni = static_cast<double>(a.x1 - a.x0) * (a.y1 - a.y0) +
                     static_cast<double>(b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return uni > 0 ? inter / uni : 0;
}

// Scores of the maps `map_of(example)` gives for the val examples.
template <typename MapOf>
MaskScores Score(const std::vector<nn::MaskRefinerExample>& val, MapOf map_of) {
  MaskScores s;
  for (const auto& e : val) {
    const image::Image map = map_of(e);
    const image::Foreground found =
        image::ForegroundFromMask(segment::Binarise(map), map.width, map.height);
    const image::Foreground truth = image::ForegroundFromMask(e.truth, map.width, map.height);
    const double box = found.found ? BoxIou(found, truth) : 0;
    size_t inter = 0, uni = 0;
    for (size_t i = 0; i < map.pixels.size(); ++i) {
      const bool a = found.mask.pixels[i] > 127, b = truth.mask.pixels[i] > 127;
      inter += a && b, uni += a || b;
    }
    s.box_iou += box;
    s.mask_iou += uni ? static_cast<double>(inter) / uni : 1;
    s.boxes_below_half += box < 0.5;
    s.boxes_below_0_8 += box < 0.8;
  }
  if (!val.empty()) s.box_iou /= val.size(), s.mask_iou /= val.size();
  return s;
}

nlohmann::ordered_json ScoresJson(const MaskScores& s) {
  return {{"box_iou_mean", s.box_iou},
          {"mask_iou_mean", s.mask_iou},
          {"boxes_iou_below_0_5", s.boxes_below_half},
          {"boxes_iou_below_0_8", s.boxes_below_0_8}};
}

}  // namespace

core::Status TrainMaskRefiner(const TrainMaskRefinerOptions& o,
                              const std::function<void(const nn::TrainProgress&)>& progress) {
  IMG2CAD_ASSIGN_OR_RETURN(auto train_draw, DrawRenders(o.train_dir, o.per_category, o.seed));
  IMG2CAD_ASSIGN_OR_RETURN(auto val_draw, DrawRenders(o.val_dir, o.val_per_category, o.seed));
  IMG2CAD_ASSIGN_OR_RETURN(auto isnet, segment::Segmenter::Load(o.isnet_path));
  const std::string cache = (fs::path(o.work_dir) / "isnet").string();
  std::error_code ec;
  fs::create_directories(cache, ec);
  if (ec) return core::Status(core::StatusCode::kIo, "cannot create: " + ec.message(), "", cache);
  const int total = static_cast<int>(train_draw.size() + val_draw.size());
  int done = 0, skipped = 0;
  // Which renders are cut tight, and where: a function of the seed and the render's place, drawn
  // only when the option is on, so a recipe without it reads the same maps as before.
  auto load = [&](const std::vector<DrawnRender>& draw, std::vector<nn::MaskRefinerExample>* out,
                  double tight_share) {
    for (size_t i = 0; i < draw.size(); ++i) {
      const DrawnRender& r = draw[i];
      core::Rng rng(core::MixSeed(core::MixSeed(o.seed, 0x7167), i));
      const bool tight = tight_share > 0 && rng.Bernoulli(tight_share);
      auto e = LoadExample(r, isnet, cache, tight, rng);
      if (e.ok()) {
        out->push_back(std::move(e).value());
      } else {
        std::fprintf(stderr, "img2cad: %s: skipped: %s\n", r.image.c_str(),
                     e.status().ToString().c_str());
        ++skipped;
      }
      if (o.map_progress) o.map_progress(++done, total);
    }
  };
  std::vector<nn::MaskRefinerExample> train, val;
  load(train_draw, &train, o.tight);
  load(val_draw, &val, 0);  // the val renders stay whole, so that runs compare
  if (skipped > total / 100 || train.empty()) {
    return core::Status(
        core::StatusCode::kInvalidArgument,
        std::to_string(skipped) + " of " + std::to_string(total) + " renders could not be read", "",
        o.train_dir);
  }

  nn::MaskRefiner refiner = nn::MaskRefiner::Create(o.config, o.seed);
  auto refined = [&](const nn::MaskRefinerExample& e) {
    auto r = refiner.Refine(e.photo, e.probability);
    return r.ok() ? std::move(r).value() : e.probability;
  };
  nn::TrainLoopOptions loop;
  static_cast<nn::TrainSchedule&>(loop) = o;
  loop.work_dir = o.work_dir;
  loop.samples = train.size();
  loop.val_names = {"val_box_iou", "val_mask_iou"};
  loop.val_are_shares = true;
  nn::TrainLoopHooks hooks;
  hooks.step = [&](const std::vector<size_t>& indices, int64_t step, double lr) {
    std::vector<nn::MaskRefinerExample> batch;
    for (size_t idx : indices) {
      core::Rng rng(core::MixSeed(core::MixSeed(o.seed, static_cast<uint64_t>(step)), idx));
      const nn::MaskRefinerExample& e = train[idx];
      batch.push_back(rng.Bernoulli(0.5) ? nn::MaskRefinerExample{image::MirrorX(e.photo),
                                                                  image::MirrorX(e.probability),
                                                                  image::MirrorX(e.truth)}
                                         : e);
    }
    return refiner.TrainStep(batch, lr);
  };
  // The loop's last call is the final validation, whose scores go in the card.
  MaskScores after;
  hooks.validate = [&](bool) {
    after = Score(val, refined);
    return std::array<double, 2>{after.box_iou, after.mask_iou};
  };
  hooks.steps_done = [&] { return refiner.steps(); };
  hooks.save_checkpoint = [&](const std::string& path) { return refiner.SaveCheckpoint(path); };
  hooks.load_checkpoint = [&](const std::string& path) { return refiner.LoadCheckpoint(path); };
  IMG2CAD_ASSIGN_OR_RETURN(nn::TrainLoopResult result, nn::RunTrainLoop(loop, hooks, progress));

  const MaskScores alone =
      Score(val, [](const nn::MaskRefinerExample& e) { return e.probability; });
  nlohmann::ordered_json card;
  card["command"] = o.command;
  card["seed"] = o.seed;
  card["data"] = {{"train", o.train_dir},
                  {"val", o.val_dir},
                  {"train_per_category", o.per_category},
                  {"val_per_category", o.val_per_category},
                  {"train_samples", train.size()},
                  {"val_samples", val.size()},
                  {"skipped", skipped},
                  {"maps", "ISNet (models/segmenter) at predict's automatic input side"},
                  {"tight", o.tight},
                  {"augmentation", "horizontal flips"}};
  card["training"] = {{"steps", o.steps},
                      {"batch", o.batch},
                      {"learning_rate", o.learning_rate},
                      {"warmup", o.warmup},
                      {"optimizer", "AdamW, weight decay 0.01, gradient clip 1.0"},
                      {"loss", "per-pixel binary cross-entropy against the renderer's mask"},
                      {"seconds", std::round(result.seconds)}};
  card["validation"] = {{"isnet_alone", ScoresJson(alone)}, {"refined", ScoresJson(after)}};
  return refiner.Save(o.out_dir, card.dump());
}

}  // namespace img2cad::pipeline
