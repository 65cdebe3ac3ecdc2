#include "nn/train_structure.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/parallel.h"
#include "core/rng.h"
#include "nn/structure_data.h"
#include "nn/train_stage_internal.h"
#include "program/structure_tokens.h"

namespace img2cad::nn {

namespace {

// Greedy decoding of un-augmented crops: the share whose structure is exactly right and whose
// category is right. The samples are decoded in parallel, one thread each; the first alone, so
// that the model is switched to inference before the others start.
std::array<double, 2> Score(const StructureModel& model, const std::vector<StructureSample>& val,
                            size_t count) {
  const size_t n = std::min(val.size(), count);
  std::vector<signed char> exact(n, -1), category(n, 0);
  auto decode = [&](size_t i, int) {
    auto hyps = model.Decode(SampleCrop(val[i], model.config().image_size, nullptr), 1);
    if (!hyps.ok() || hyps->empty()) return;
    exact[i] = (*hyps)[0].tokens == val[i].tokens;
    category[i] = (*hyps)[0].structure.category == val[i].category;
  };
  if (n == 0) return {0, 0};
  decode(0, 0);
  core::ParallelFor(n - 1, 0, [&](size_t i, int w) { decode(i + 1, w); });
  int decoded = 0;
  double right = 0, category_right = 0;
  for (size_t i = 0; i < n; ++i)
    if (exact[i] >= 0) ++decoded, right += exact[i], category_right += category[i];
  return decoded ? std::array<double, 2>{right / decoded, category_right / decoded}
                 : std::array<double, 2>{0, 0};
}

// The share of samples whose every label count the count head gets right (given the category).
double CountScore(const StructureModel& model, const std::vector<StructureSample>& val,
                  size_t count) {
  int n = 0, right = 0;
  for (size_t i = 0; i < val.size() && i < count; ++i) {
    int category = -1;
    std::vector<int> truth = program::StructureLabelCounts(val[i].tokens, &category);
    for (int& c : truth) c = std::min(c, kMaxCountClass);
    auto counts =
        model.PredictCounts(SampleCrop(val[i], model.config().image_size, nullptr), category);
    if (!counts.ok()) continue;
    ++n;
    right += *counts == truth;
  }
  return n ? static_cast<double>(right) / n : 0;
}

// The template head alone: the share of (sample, label with a part) pairs whose first part's
// tokens it reads exactly (given the category).
double TemplateScore(const StructureModel& model, const std::vector<StructureSample>& val,
                     size_t count) {
  int n = 0, right = 0;
  for (size_t i = 0; i < val.size() && i < count; ++i) {
    const int category = program::StructureTokenCategory(val[i].tokens.at(1));
    auto predicted =
        model.PredictTemplates(SampleCrop(val[i], model.config().image_size, nullptr), category);
    if (!predicted.ok()) continue;
    const auto truth = program::StructureFirstParts(val[i].tokens);
    for (size_t l = 0; l < truth.size(); ++l) {
      if (truth[l].empty()) continue;
      ++n;
      right += (*predicted)[l] == truth[l];
    }
  }
  return n ? static_cast<double>(right) / n : 0;
}

}  // namespace

core::Status TrainStructure(const TrainStructureOptions& o,
                            const std::function<void(const TrainProgress&)>& progress) {
  const bool counts_only = !o.base_dir.empty();
  if (counts_only && !o.init_dir.empty())
    return core::Status(core::StatusCode::kInvalidArgument,
                        "a base model (count head only) and an initial model (fine-tuning) "
                        "exclude each other");
  // A count head over a base model, or a fine-tuned model, takes that model's configuration, so
  // nothing is built from o.config in those cases.
  StructureModelConfig config = o.config;
  if (o.part_map_weight >= 0) config.part_map_weight = o.part_map_weight;
  IMG2CAD_ASSIGN_OR_RETURN(
      StructureModel model,
      counts_only           ? StructureModel::CountHeadOver(o.base_dir, o.seed)
      : !o.init_dir.empty() ? StructureModel::FineTuneFrom(o.init_dir, o.seed, o.part_map_weight,
                                                           o.config.count_density)
                            : core::Result<StructureModel>(StructureModel::Create(config, o.seed)));
  const bool part_maps = model.config().part_map_weight > 0 && !counts_only;
  IMG2CAD_ASSIGN_OR_RETURN(TrainingSets sets, LoadTrainingSets(o.train_data, o.val_data,
                                                               o.train_limit, o.masks, part_maps));
  const std::vector<StructureSample>& train = sets.train;
  const std::vector<StructureSample>& val = sets.val;
  const int image_size = model.config().image_size;
  auto step = [&](const std::vector<size_t>& indices, int64_t step, double lr) {
    std::vector<StructureExample> batch;
    for (size_t idx : indices) {
      core::Rng aug(core::MixSeed(core::MixSeed(o.seed, static_cast<uint64_t>(step)), idx));
      image::CropWindow window;
      StructureExample e{SampleCrop(train[idx], image_size, &aug, o.augment, &window),
                         train[idx].tokens};
      if (part_maps)
        PartMapTargets(train[idx], window, image_size / 4, &e.part_labels, &e.part_seams,
                       &e.part_centres);
      batch.push_back(std::move(e));
    }
    return model.TrainStep(batch, lr, o.mixed_bf16);
  };
  // The count expert's weight is a decoding choice made on validation: with a count head, the
  // final validation tries each of o.count_weights, keeps the best and records the sweep.
  const bool sweep = model.config().count_head && !o.count_weights.empty();
  const bool template_sweep = model.config().template_head && !o.template_weights.empty();
  nlohmann::ordered_json sweep_card = nlohmann::ordered_json::array();
  nlohmann::ordered_json template_sweep_card = nlohmann::ordered_json::array();
  auto validate = [&](bool final) -> std::array<double, 2> {
    const size_t n = static_cast<size_t>(final ? 5 : 1) * o.val_samples;
    if (!final || (!sweep && !template_sweep)) {
      if (counts_only) return {CountScore(model, val, n), Score(model, val, n)[0]};
      return Score(model, val, n);
    }
    // One weight at a time: the count expert's (the template expert off), then the template
    // expert's with the chosen count weight.
    std::array<double, 2> best{-1, 0};
    // `current` is the weight `best` was scored with (none before the first sweep); it is not
    // scored again and stays unless another weight beats it.
    auto try_weights = [&](const std::vector<double>& weights, double current, const char* name,
                           void (StructureModel::*set)(double), nlohmann::ordered_json* card) {
      double best_weight = best[0] < 0 ? weights[0] : current;
      for (double w : weights) {
        std::array<double, 2> score = best;
        if (best[0] < 0 || w != current) {
          (model.*set)(w);
          score = Score(model, val, n);
        }
        card->push_back(
            {{name, w}, {"structure_exact", score[0]}, {"category_accuracy", score[1]}});
        if (score[0] > best[0]) best = score, best_weight = w;
      }
      (model.*set)(best_weight);
    };
    if (template_sweep) model.set_template_weight(0);
    if (sweep)
      try_weights(o.count_weights, model.config().count_weight, "count_weight",
                  &StructureModel::set_count_weight, &sweep_card);
    if (template_sweep)
      try_weights(o.template_weights, 0, "template_weight", &StructureModel::set_template_weight,
                  &template_sweep_card);
    if (counts_only) return {CountScore(model, val, n), best[0]};
    return best;
  };
  const std::array<std::string, 2> names =
      counts_only ? std::array<std::string, 2>{"val_counts", "val_exact"}
                  : std::array<std::string, 2>{"val_exact", "val_category"};
  IMG2CAD_ASSIGN_OR_RETURN(StageRun run,
                           TrainStage(o, sets, model, names, true, step, validate, progress));
  const size_t n_val = std::min<size_t>(val.size(), 5 * o.val_samples);
  run.card["validation"] = {{"samples", n_val}, {"decode", "greedy"}};
  if (!o.init_dir.empty()) run.card["init"] = o.init_dir;
  if (counts_only) {
    run.card["base"] = o.base_dir;
    run.card["validation"]["counts_exact"] = run.result.final_val[0];
  } else {
    run.card["validation"]["structure_exact"] = run.result.final_val[0];
    run.card["validation"]["category_accuracy"] = run.result.final_val[1];
  }
  if (sweep) {
    run.card["validation"]["count_weight"] = model.config().count_weight;
    run.card["validation"]["count_weight_sweep"] = sweep_card;
    if (counts_only) run.card["validation"]["structure_exact"] = run.result.final_val[1];
  }
  if (template_sweep) {
    run.card["validation"]["template_weight"] = model.config().template_weight;
    run.card["validation"]["template_weight_sweep"] = template_sweep_card;
  }
  if (model.config().template_head)
    run.card["validation"]["template_head_exact"] = TemplateScore(model, val, n_val);
  return model.Save(o.out_dir, run.card.dump());
}

}  // namespace img2cad::nn
