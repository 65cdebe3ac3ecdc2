// Speed of stage 1 on this machine (issue 7 goals: inference <= 150 ms median on 2 cores; the
// train step is recorded in the model card). Decoding uses the shipped model
// (models/structure, or IMG2CAD_MODELS) on the test photos of examples/photos; the train step
// uses the shipped configuration on batches of the examples' structures.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "core/model_locator.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "nn/structure_model.h"
#include "program/json_io.h"
#include "program/structure_tokens.h"

namespace {

using namespace img2cad;  // NOLINT

image::Image ChairCrop(int size) {
  auto photo =
      image::ReadImage(std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png").value();
  return image::CropToObject(photo, image::FindForeground(photo), size).rgb;
}

void BM_Stage1Decode(benchmark::State& state) {
  auto card = core::FindModelFile("structure", "model.json");
  if (!card.ok()) return state.SkipWithError("no models/structure (train it first)");
  auto model = nn::StructureModel::Load(std::filesystem::path(*card).parent_path().string());
  if (!model.ok()) return state.SkipWithError(model.status().ToString().c_str());
  const image::Image crop = ChairCrop(model->config().image_size);
  size_t tokens = 0;
  for (auto _ : state) {
    auto h = model->Decode(crop, static_cast<int>(state.range(0)));
    if (!h.ok()) return state.SkipWithError(h.status().ToString().c_str());
    tokens = h->front().tokens.size();
  }
  state.counters["tokens"] = static_cast<double>(tokens);
}
BENCHMARK(BM_Stage1Decode)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Stage1TrainStep(benchmark::State& state) {
  nn::StructureModelConfig config;  // the shipped configuration
  nn::StructureModel model = nn::StructureModel::Create(config, 1);
  std::vector<nn::StructureExample> batch;
  const image::Image crop = ChairCrop(config.image_size);
  const char* names[] = {"chair", "table", "storage"};
  for (int i = 0; i < 32; ++i) {
    auto p = program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" +
                                      names[i % 3] + ".json");
    batch.push_back({crop, program::EncodeStructure(program::StructureOf(*p)).value()});
  }
  for (auto _ : state) benchmark::DoNotOptimize(model.TrainStep(batch, 1e-4));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_Stage1TrainStep)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
