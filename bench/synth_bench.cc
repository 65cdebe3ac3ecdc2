// Throughput of synthetic data generation at 128² with 2 threads (issue 3 goals: synth at 20
// samples/s or more, rendering alone at 300 images/s or more).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "cad/model.h"
#include "core/parallel.h"
#include "image/preprocess.h"
#include "pipeline/silhouette_fit.h"
#include "pipeline/synth_dataset.h"
#include "render/camera.h"
#include "render/renderer.h"
#include "render/silhouette.h"
#include "synth/generator.h"

namespace {

using namespace img2cad;  // NOLINT

// Whole samples (generate, build, tessellate, render, write PNG + JSON + manifest), 2 workers.
void BM_Synth(benchmark::State& state) {
  static const char* kCategories[] = {"chair", "table", "storage"};
  const std::string category = kCategories[state.range(0)];
  const auto dir = std::filesystem::temp_directory_path() / "img2cad_bench_synth";
  int round = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
    pipeline::SynthOptions o;
    o.category = category;
    o.count = 40;
    o.first_seed = 1000 * round++;
    o.out_dir = dir.string();
    o.threads = 2;
    auto r = pipeline::WriteSynthDataset(o);
    if (!r.ok() || r->written != 40) state.SkipWithError("synth failed");
  }
  state.SetItemsProcessed(state.iterations() * 40);
  state.SetLabel(category);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Synth)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Rendering alone: random scenes of pre-tessellated chairs, 2 threads with a renderer each.
void BM_RenderOnly(benchmark::State& state) {
  std::vector<geom::Mesh> meshes;
  std::vector<std::vector<std::string>> labels;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    auto s = synth::Generate("chair", seed).value();
    auto m = cad::BuildModel(s.program).value();
    meshes.push_back(cad::Tessellate(m).value());
    std::vector<std::string> l;
    for (const auto& p : s.program.parts) l.push_back(p.label);
    labels.push_back(l);
  }
  const int per_iteration = 64;
  std::vector<render::Renderer> renderers(core::MaxWorkers(2));
  uint64_t seed = 0;
  for (auto _ : state) {
    core::ParallelFor(per_iteration, 2, [&](size_t i, int worker) {
      core::Rng rng(seed + i);
      const auto& mesh = meshes[i % meshes.size()];
      auto f = renderers[worker].Render(
          mesh, render::RandomScene(rng, geom::Bounds(mesh), labels[i % meshes.size()], 128));
      benchmark::DoNotOptimize(f);
    });
    seed += per_iteration;
  }
  state.SetItemsProcessed(state.iterations() * per_iteration);
}
BENCHMARK(BM_RenderOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// The silhouette fit (predict --silhouette-fit view, the default options) on one object: generated
// pieces, each fitted to the mask of itself stretched (1.15, 0.9, 1) and seen from another view
// than the one the fit starts from; one thread. Arg: the category (0 chair, 1 table, 2 storage).
void BM_SilhouetteFit(benchmark::State& state) {
  static const char* kCategories[] = {"chair", "table", "storage"};
  std::vector<geom::Mesh> meshes;
  std::vector<image::Image> masks;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    auto s = synth::Generate(kCategories[state.range(0)], seed).value();
    meshes.push_back(cad::Tessellate(cad::BuildModel(s.program).value()).value());
    auto sil = render::SilhouetteRenderer::Create(meshes.back()).value();
    const render::Vec3d stretch{1.15, 0.9, 1};
    const render::Camera cam =
        render::FrameObject(sil->ScaledBounds(stretch), 40, 20, 40, 0.8, 128, 128);
    image::Image photo = sil->Render(cam, stretch);
    masks.push_back(
        image::CropToObject(photo, image::ForegroundFromMask(photo, 128, 128), 64).mask);
  }
  const pipeline::SilhouetteFitOptions o;
  size_t i = 0;
  int renders = 0;
  for (auto _ : state) {
    auto fit = pipeline::FitSilhouette(meshes[i % 8], masks[i % 8], 25, 15, o);
    if (!fit.ok()) state.SkipWithError("fit failed");
    renders += fit->evaluations;
    ++i;
  }
  state.counters["renders"] = benchmark::Counter(renders / static_cast<double>(i));
  state.SetLabel(kCategories[state.range(0)]);
}
BENCHMARK(BM_SilhouetteFit)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
