#include "nn/train_structure.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/rng.h"
#include "nn/structure_data.h"
#include "nn/train_stage_internal.h"

namespace img2cad::nn {

namespace {

// Greedy decoding of un-augmented crops: the share whose structure is exactly right and whose
// category is right.
std::array<double, 2> Score(const StructureModel& model, const std::vector<StructureSample>& val,
                            size_t count) {
  int n = 0;
  double exact = 0, category = 0;
  for (size_t i = 0; i < val.size() && i < count; ++i) {
    auto hyps = model.Decode(SampleCrop(val[i], model.config().image_size, nullptr), 1);
    if (!hyps.ok() || hyps->empty()) continue;
    ++n;
    exact += (*hyps)[0].tokens == val[i].tokens;
    category += (*hyps)[0].structure.category == val[i].category;
  }
  return n ? std::array<double, 2>{exact / n, category / n} : std::array<double, 2>{0, 0};
}

}  // namespace

core::Status TrainStructure(const TrainStructureOptions& o,
                            const std::function<void(const TrainProgress&)>& progress) {
  IMG2CAD_ASSIGN_OR_RETURN(TrainingSets sets,
                           LoadTrainingSets(o.train_data, o.val_data, o.train_limit));
  const std::vector<StructureSample>& train = sets.train;
  const std::vector<StructureSample>& val = sets.val;

  StructureModel model = StructureModel::Create(o.config, o.seed);
  auto step = [&](const std::vector<size_t>& indices, int64_t step, double lr) {
    std::vector<StructureExample> batch;
    for (size_t idx : indices) {
      core::Rng aug(core::MixSeed(core::MixSeed(o.seed, static_cast<uint64_t>(step)), idx));
      batch.push_back({SampleCrop(train[idx], o.config.image_size, &aug), train[idx].tokens});
    }
    return model.TrainStep(batch, lr);
  };
  auto validate = [&](bool final) {
    return Score(model, val, static_cast<size_t>(final ? 5 : 1) * o.val_samples);
  };
  IMG2CAD_ASSIGN_OR_RETURN(StageRun run, TrainStage(o, sets, model, {"val_exact", "val_category"},
                                                    true, step, validate, progress));
  run.card["validation"] = {{"samples", std::min<size_t>(val.size(), 5 * o.val_samples)},
                            {"structure_exact", run.result.final_val[0]},
                            {"category_accuracy", run.result.final_val[1]},
                            {"decode", "greedy"}};
  return model.Save(o.out_dir, run.card.dump());
}

}  // namespace img2cad::nn
