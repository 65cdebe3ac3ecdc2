// train: the commands that train img2cad's networks.
#include <unistd.h>

#include <cstdio>

#include "apps/commands.h"

namespace img2cad::apps {

int RunTrainStructure(const nn::TrainStructureOptions& o) {
  const bool tty = isatty(fileno(stderr));
  auto status = nn::TrainStructure(o, [&](const nn::TrainProgress& p) {
    std::fprintf(stderr,
                 "%strain structure: step %lld/%lld  loss %.4f  %.1f samples/s  ETA %.0f min",
                 tty ? "\r" : "", static_cast<long long>(p.step), static_cast<long long>(p.steps),
                 p.loss, p.samples_per_s, p.eta_s / 60);
    if (p.val_exact >= 0) {
      std::fprintf(stderr, "  val exact %.1f%%  category %.1f%%", 100 * p.val_exact,
                   100 * p.val_category);
    }
    std::fprintf(stderr, tty ? "   " : "\n");
  });
  if (tty) std::fprintf(stderr, "\n");
  if (!status.ok()) return Fail(status);
  std::fprintf(stderr, "train structure: model written to %s (curve: %s/curve.png)\n",
               o.out_dir.c_str(), o.work_dir.c_str());
  return kExitOk;
}

}  // namespace img2cad::apps
