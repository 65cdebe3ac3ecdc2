// Speed of the CAD stage on the bundled 10-part chair (examples/chair.json): build with every
// check, and STEP export. The goal is build + check + STEP at most 50 ms median.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "cad/export.h"
#include "cad/model.h"
#include "program/json_io.h"

namespace {

using namespace img2cad;  // NOLINT

const program::Program& Chair() {
  static const program::Program p =
      program::ReadProgramFile(std::string(IMG2CAD_SOURCE_DIR) + "/examples/chair.json").value();
  return p;
}

std::string StepPath() {
  return (std::filesystem::temp_directory_path() / "img2cad_bench.step").string();
}

void BuildLoop(benchmark::State& state, const cad::BuildOptions& options) {
  for (auto _ : state) {
    auto m = cad::BuildModel(Chair(), options);
    if (!m.ok()) state.SkipWithError(m.status().ToString().c_str());
    benchmark::DoNotOptimize(m);
  }
}

cad::BuildOptions WithChecks(cad::SelfInterferenceCheck check, int threads = 2) {
  cad::BuildOptions o;
  o.self_interference = check;
  o.num_threads = threads;
  return o;
}

// Build with the default checks (BRepAlgoAPI_Check on parts made with booleans).
void BM_BuildAndCheck(benchmark::State& state) {
  BuildLoop(state, WithChecks(cad::SelfInterferenceCheck::kAfterBooleans));
}
BENCHMARK(BM_BuildAndCheck)->Unit(benchmark::kMillisecond);

// Strict mode: BRepAlgoAPI_Check on every part.
void BM_BuildAndCheckStrict(benchmark::State& state) {
  BuildLoop(state, WithChecks(cad::SelfInterferenceCheck::kEveryPart));
}
BENCHMARK(BM_BuildAndCheckStrict)->Unit(benchmark::kMillisecond);

void BM_BuildAndCheckOneThread(benchmark::State& state) {
  BuildLoop(state, WithChecks(cad::SelfInterferenceCheck::kAfterBooleans, 1));
}
BENCHMARK(BM_BuildAndCheckOneThread)->Unit(benchmark::kMillisecond);

// No self-interference check at all, to show its share.
void BM_BuildWithoutSelfInterference(benchmark::State& state) {
  BuildLoop(state, WithChecks(cad::SelfInterferenceCheck::kNever));
}
BENCHMARK(BM_BuildWithoutSelfInterference)->Unit(benchmark::kMillisecond);

void BM_StepExport(benchmark::State& state) {
  auto m = cad::BuildModel(Chair());
  for (auto _ : state) {
    auto s = cad::WriteStep(*m, StepPath());
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
}
BENCHMARK(BM_StepExport)->Unit(benchmark::kMillisecond);

void BuildStepLoop(benchmark::State& state, const cad::BuildOptions& options) {
  for (auto _ : state) {
    auto m = cad::BuildModel(Chair(), options);
    auto s = cad::WriteStep(*m, StepPath());
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
}

// The figure: build, check and STEP export together.
void BM_BuildCheckStep(benchmark::State& state) {
  BuildStepLoop(state, WithChecks(cad::SelfInterferenceCheck::kAfterBooleans));
}
BENCHMARK(BM_BuildCheckStep)->Unit(benchmark::kMillisecond);

void BM_BuildCheckStepStrict(benchmark::State& state) {
  BuildStepLoop(state, WithChecks(cad::SelfInterferenceCheck::kEveryPart));
}
BENCHMARK(BM_BuildCheckStepStrict)->Unit(benchmark::kMillisecond);

void BM_Tessellate(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto m = cad::BuildModel(Chair());  // fresh shapes: no cached triangulation
    state.ResumeTiming();
    auto mesh = cad::Tessellate(*m);
    benchmark::DoNotOptimize(mesh);
  }
}
BENCHMARK(BM_Tessellate)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
