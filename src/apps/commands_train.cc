// train: the commands that train img2cad's networks.
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "apps/commands.h"
#include "core/allocator.h"
#include "core/model_locator.h"

namespace img2cad::apps {

namespace {

// Trains with a progress line (rewritten in place on a terminal, one line per report in a log).
template <typename Options, typename Train>
int RunTraining(const char* what, const Options& o, Train train,
                const std::function<std::string(const nn::TrainProgress&)>& val_text) {
  // Training steps free and allocate the same large buffers over and over; keep them in the
  // process (twice as fast). Only here: over a long predict batch the kept memory drifted up
  // (peak RSS 829 MB after 200 inputs, 891 MB after 2,000; tests/heavy/predict_memory.sh).
  core::KeepLargeBuffersInProcess();
  const bool tty = isatty(fileno(stderr));
  auto status = train(o, [&](const nn::TrainProgress& p) {
    if (Quiet()) return;
    std::fprintf(stderr, "%strain %s: step %lld/%lld  loss %.4f  %.1f samples/s  ETA %.0f min%s",
                 tty ? "\r" : "", what, static_cast<long long>(p.step),
                 static_cast<long long>(p.steps), p.loss, p.samples_per_s, p.eta_s / 60,
                 p.val[0] >= 0 ? val_text(p).c_str() : "");
    std::fprintf(stderr, tty ? "   " : "\n");
  });
  if (tty && !Quiet()) std::fprintf(stderr, "\n");
  if (!status.ok()) return Fail(status);
  if (Quiet()) return kExitOk;
  std::fprintf(stderr, "train %s: model written to %s (curve: %s/curve.png)\n", what,
               o.out_dir.c_str(), o.work_dir.c_str());
  return kExitOk;
}

// The progress of a pass over renders before training ("WHAT done/total"), every 250 renders.
std::function<void(int, int)> PassProgress(const std::string& what) {
  const bool tty = isatty(fileno(stderr));
  return [tty, what](int done, int total) {
    if (Quiet() || (done % 250 && done != total)) return;
    std::fprintf(stderr, "%s%s %d/%d%s", tty ? "\r" : "", what.c_str(), done, total,
                 tty ? "   " : "\n");
  };
}

std::string Format(const char* fmt, double a, double b) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), fmt, a, b);
  return buf;
}

}  // namespace

int RunTrainStructure(const nn::TrainStructureOptions& o) {
  return RunTraining("structure", o, nn::TrainStructure, [](const nn::TrainProgress& p) {
    // val_exact/val_category, or val_counts/val_exact when only a count head trains.
    return "  " + p.val_names[0] + Format(" %.1f%%  ", 100 * p.val[0], 0) + p.val_names[1] +
           Format(" %.1f%%", 100 * p.val[1], 0);
  });
}

int RunTrainAssembler(const nn::TrainAssemblerOptions& o) {
  return RunTraining("assembler", o, nn::TrainAssembler, [](const nn::TrainProgress& p) {
    return Format("  val %.1f mm  normals %.1f deg", p.val[0], p.val[1]);
  });
}

int RunTrainCategoryProbe(pipeline::TrainCategoryProbeOptions o) {
  auto isnet = core::FindModelFile("segmenter", "isnet.onnx");
  if (!isnet.ok()) return Fail(isnet.status());
  o.isnet_path = *isnet;
  const bool tty = isatty(fileno(stderr));
  o.progress = PassProgress("train category-probe: features");
  const core::Status status = pipeline::TrainCategoryProbe(o);
  if (tty && !Quiet()) std::fprintf(stderr, "\n");
  if (!status.ok()) return Fail(status);
  if (!Quiet()) {
    std::fprintf(stderr, "train category-probe: model written to %s/model.json\n",
                 o.out_dir.c_str());
  }
  return kExitOk;
}

int RunTrainMaskRefiner(pipeline::TrainMaskRefinerOptions o) {
  auto isnet = core::FindModelFile("segmenter", "isnet.onnx");
  if (!isnet.ok()) return Fail(isnet.status());
  o.isnet_path = *isnet;
  o.map_progress = PassProgress("train mask-refiner: ISNet maps");
  return RunTraining(
      "mask-refiner", o,
      [](const pipeline::TrainMaskRefinerOptions& options,
         const std::function<void(const nn::TrainProgress&)>& progress) {
        return pipeline::TrainMaskRefiner(options, progress);
      },
      [](const nn::TrainProgress& p) {
        return Format("  val box IoU %.3f  mask IoU %.3f", p.val[0], p.val[1]);
      });
}

}  // namespace img2cad::apps
