// Speed of stages 1 and 2 and of the COCO detector on this machine (issue 7 goal: stage-1 inference
// <= 150 ms median on 2 cores; issue 8: the whole photo <= 1 s; the train steps are recorded in the
// model cards). Decoding uses the shipped model (models/structure, or IMG2CAD_MODELS) on the test
// photos of examples/photos; the train step uses the shipped configuration on batches of the
// examples' structures.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "core/allocator.h"
#include "core/model_locator.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "nn/assembler_model.h"
#include "nn/object_detector.h"
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

// The pretrained COCO detector that flags sofas and beds in `predict` (models/detector/).
void BM_ObjectDetector(benchmark::State& state) {
  auto model = core::FindModelFile("detector", "centernet.json");
  if (!model.ok()) return state.SkipWithError("no models/detector (scripts/fetch_detector)");
  auto detector = nn::ObjectDetector::Load(*model);
  if (!detector.ok()) return state.SkipWithError(detector.status().ToString().c_str());
  const auto photo =
      image::ReadImage(std::string(IMG2CAD_SOURCE_DIR) + "/examples/photos/chair.png").value();
  for (auto _ : state) {
    auto scores = detector->ClassScores(photo);
    if (!scores.ok()) return state.SkipWithError(scores.status().ToString().c_str());
    benchmark::DoNotOptimize(scores->at(nn::kCocoChair));
  }
}
BENCHMARK(BM_ObjectDetector)->Unit(benchmark::kMillisecond)->UseRealTime();

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
  for (auto _ : state) {
    auto loss = model.TrainStep(batch, 1e-4, state.range(0) != 0);
    if (!loss.ok()) return state.SkipWithError(loss.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
// Arg: 1 = bf16 mixed precision (`train --precision bf16`), 0 = float32.
BENCHMARK(BM_Stage1TrainStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<program::Program> Examples() {
  std::vector<program::Program> out;
  for (const char* name : {"chair", "table", "storage"})
    out.push_back(
        program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/" + name + ".json")
            .value());
  return out;
}

nn::ArgStats ExampleStats(const std::vector<program::Program>& programs) {
  std::vector<const program::Program*> ptrs;
  for (const auto& p : programs) ptrs.push_back(&p);
  return nn::ComputeArgStats(ptrs);
}

// Stage 2 on the example structures with the shipped configuration: a train step of 32, and
// one prediction (arg 0: 1 = regression, else the flow head with that many Euler steps).
// Train step args: head (0 regression, 1 GMFlow), precision (0 float32, 1 bf16 mixed).
void BM_Stage2TrainStep(benchmark::State& state) {
  const auto programs = Examples();
  nn::AssemblerConfig config;
  config.head = state.range(0) ? nn::AssemblerHead::kGmFlow : nn::AssemblerHead::kRegression;
  auto model = nn::AssemblerModel::Create(config, ExampleStats(programs), 1);
  const image::Image crop = ChairCrop(config.image_size);
  std::vector<nn::AssemblerExample> batch;
  for (int i = 0; i < 32; ++i) batch.push_back({crop, &programs[i % 3]});
  for (auto _ : state) {
    auto loss = model.TrainStep(batch, 1e-4, state.range(1) != 0);
    if (!loss.ok()) return state.SkipWithError(loss.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_Stage2TrainStep)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Stage2Predict(benchmark::State& state) {
  const auto programs = Examples();
  nn::AssemblerConfig config;
  const int steps = static_cast<int>(state.range(0));
  config.head = steps > 1 ? nn::AssemblerHead::kGmFlow : nn::AssemblerHead::kRegression;
  auto model = nn::AssemblerModel::Create(config, ExampleStats(programs), 1);
  const image::Image crop = ChairCrop(config.image_size);
  const auto structure = program::StructureOf(programs[2]);  // storage: the longest
  for (auto _ : state) {
    auto p = model.Predict(crop, structure, steps, 0);
    if (!p.ok()) return state.SkipWithError(p.status().ToString().c_str());
  }
}
BENCHMARK(BM_Stage2Predict)
    ->Arg(1)
    ->Arg(4)
    ->Arg(8)
    ->Arg(32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

// As `img2cad` does at start-up (core/allocator.h), so that the figures are the tool's.
int main(int argc, char** argv) {
  img2cad::core::KeepLargeBuffersInProcess();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
