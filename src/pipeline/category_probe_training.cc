#include "pipeline/category_probe_training.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/rng.h"
#include "image/clutter.h"
#include "image/image.h"
#include "nn/category_probe.h"
#include "pipeline/drawn_renders_internal.h"
#include "pipeline/find_object.h"
#include "program/vocabulary.h"
#include "segment/segmenter.h"

namespace img2cad::pipeline {

namespace {

// With `room`, the render's backdrop is replaced by a procedural room drawn from it first.
core::Result<std::vector<float>> Features(const segment::Segmenter& isnet, const DrawnRender& s,
                                          int crop_size, core::Rng* room) {
  IMG2CAD_ASSIGN_OR_RETURN(image::Image photo, image::ReadImage(s.image));
  IMG2CAD_ASSIGN_OR_RETURN(image::Image mask, image::ReadImage(s.mask));
  if (room) {
    if (photo.channels != 3 || mask.channels != 1 || mask.width != photo.width ||
        mask.height != photo.height)
      return core::Status(core::StatusCode::kInvalidArgument,
                          "not an RGB render with a one-channel mask of its size", "", s.mask);
    photo = image::OverRoom(photo, mask, *room);
  }
  FindObjectOptions o;
  o.mask = &mask;
  IMG2CAD_ASSIGN_OR_RETURN(ObjectImage object, FindObject(std::move(photo), s.image, o));
  return CropFeatures(object, isnet, crop_size);
}

double Accuracy(const nn::CategoryProbe& probe, const std::vector<std::vector<float>>& x,
                const std::vector<int>& y) {
  int right = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const auto p = probe.Probs(x[i]).value();
    right += std::max_element(p.begin(), p.end()) - p.begin() == y[i];
  }
  return x.empty() ? 0 : static_cast<double>(right) / x.size();
}

}  // namespace

core::Status TrainCategoryProbe(const TrainCategoryProbeOptions& o) {
  if (!(o.clutter >= 0 && o.clutter <= 1))
    return core::Status(core::StatusCode::kInvalidArgument, "the clutter share must be in 0-1", "",
                        "--clutter");
  const auto start = std::chrono::steady_clock::now();
  IMG2CAD_ASSIGN_OR_RETURN(auto train, DrawRenders(o.train_dir, o.per_category, o.seed));
  IMG2CAD_ASSIGN_OR_RETURN(auto val, DrawRenders(o.val_dir, o.val_per_category, o.seed));
  IMG2CAD_ASSIGN_OR_RETURN(auto isnet, segment::Segmenter::Load(o.isnet_path));
  const int total = static_cast<int>(train.size() + val.size());
  int done = 0, skipped = 0;
  // Its own stream, so that the draw of the renders does not depend on the clutter share.
  core::Rng room_rng(core::MixSeed(o.seed, 0xc1077e5));
  auto featurise = [&](const std::vector<DrawnRender>& samples, double clutter,
                       std::vector<std::vector<float>>* x, std::vector<int>* y) {
    for (const DrawnRender& s : samples) {
      const bool room = clutter > 0 && room_rng.Bernoulli(clutter);
      auto f = Features(isnet, s, o.crop_size, room ? &room_rng : nullptr);
      if (f.ok()) {
        x->push_back(std::move(f).value());
        y->push_back(s.category);
      } else {
        std::fprintf(stderr, "img2cad: %s: skipped: %s\n", s.image.c_str(),
                     f.status().ToString().c_str());
        ++skipped;
      }
      if (o.progress) o.progress(++done, total);
    }
  };
  std::vector<std::vector<float>> train_x, val_x;
  std::vector<int> train_y, val_y;
  featurise(train, o.clutter, &train_x, &train_y);
  featurise(val, 0, &val_x, &val_y);
  if (skipped > total / 100) {
    return core::Status(
        core::StatusCode::kInvalidArgument,
        std::to_string(skipped) + " of " + std::to_string(total) + " renders could not be read", "",
        o.train_dir);
  }
  const double features_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::optional<nn::CategoryProbe> best;
  double best_acc = -1;
  nlohmann::ordered_json candidates = nlohmann::ordered_json::array(), chosen;
  for (const std::vector<int>& stages :
       std::vector<std::vector<int>>{{5}, {6}, {5, 6}, {3, 4, 5, 6}}) {
    nn::CategoryProbeFit fit;
    for (int s : stages) {
      const auto [first, last] = segment::Segmenter::EncoderStageColumns(s);
      for (int c = first; c < last; ++c) fit.columns.push_back(c);
    }
    for (double l2 : {1e-3, 1e-2, 1e-1, 1.0}) {
      fit.l2 = l2;
      IMG2CAD_ASSIGN_OR_RETURN(nn::CategoryProbe probe,
                               nn::CategoryProbe::Fit(train_x, train_y, fit));
      const double acc = Accuracy(probe, val_x, val_y);
      nlohmann::ordered_json row = {{"stages", stages},
                                    {"l2", l2},
                                    {"train_accuracy", Accuracy(probe, train_x, train_y)},
                                    {"val_accuracy", acc}};
      candidates.push_back(row);
      if (acc > best_acc) best_acc = acc, best = std::move(probe), chosen = row;
    }
  }
  best->set_crop_size(o.crop_size);
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::ordered_json card = {
      {"command", o.command},
      {"seed", o.seed},
      {"data",
       {{"train", o.train_dir},
        {"val", o.val_dir},
        {"train_per_category", o.per_category},
        {"val_per_category", o.val_per_category},
        {"skipped", skipped},
        {"clutter", o.clutter},
        {"crops", "the renderer's mask, cropped as predict crops a photo"}}},
      {"features", "segment::Segmenter::EncoderFeatures: ISNet encoder stage means, log(1 + x)"},
      {"training_time_s", std::round(total_s)},
      {"feature_time_s", std::round(features_s)},
      {"chosen", chosen},
      {"candidates", candidates}};
  return best->Save(o.out_dir, card.dump());
}

}  // namespace img2cad::pipeline
