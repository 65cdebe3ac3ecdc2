// Builds every program of a seed range with every check (strict self-interference included) and
// fails if any does not validate or build, does not stand on z = 0, or has a floating part. Usage:
// img2cad_synth_sweep CATEGORY FIRST COUNT
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "cad/model.h"
#include "program/validate.h"
#include "synth/generator.h"

int main(int argc, char** argv) {
  using namespace img2cad;  // NOLINT
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s CATEGORY FIRST COUNT\n", argv[0]);
    return 2;
  }
  const std::string category = argv[1];
  const uint64_t first = std::strtoull(argv[2], nullptr, 10),
                 count = std::strtoull(argv[3], nullptr, 10);
  cad::BuildOptions options;
  options.self_interference = cad::SelfInterferenceCheck::kEveryPart;
  std::map<std::string, int> styles;
  int failed = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    auto s = synth::Generate(category, seed);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
      return 1;
    }
    styles[s->style.substr(0, s->style.find('/'))]++;
    auto m = cad::BuildModel(s->program, options);
    if (!m.ok()) {
      if (++failed <= 10)
        std::printf("FAIL seed %llu (%s): %s\n", static_cast<unsigned long long>(seed),
                    s->style.c_str(), m.status().ToString().c_str());
      continue;
    }
    auto groups = cad::ContactGroups(*m);
    if (!groups.ok() || groups->size() != 1) {
      ++failed;
      std::printf("FAIL seed %llu (%s): parts float (%zu groups)\n",
                  static_cast<unsigned long long>(seed), s->style.c_str(),
                  groups.ok() ? groups->size() : 0);
      continue;
    }
    if (m->Bounds().min[2] < -1e-3 || m->Bounds().min[2] > 1e-3) {
      ++failed;
      std::printf("FAIL seed %llu (%s): does not stand on z = 0\n",
                  static_cast<unsigned long long>(seed), s->style.c_str());
    }
  }
  for (const auto& [style, n] : styles) std::printf("%s: %d\n", style.c_str(), n);
  std::printf("%s: %llu programs, %d failed\n", category.c_str(),
              static_cast<unsigned long long>(count), failed);
  return failed ? 1 : 0;
}
