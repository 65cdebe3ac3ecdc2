#include "core/allocator.h"

#include <sys/resource.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace img2cad::core {

bool KeepLargeBuffersInProcess() {
#if defined(__GLIBC__)
  // Setting any of these turns glibc's dynamic mmap threshold off, so all three are set: the
  // trim threshold and top pad alone left every block over 128 KiB to mmap and made the stage-2
  // training step three times slower.
  constexpr int kMiB = 1 << 20;
  bool ok = mallopt(M_MMAP_THRESHOLD, 32 * kMiB) == 1;
  ok &= mallopt(M_TRIM_THRESHOLD, 256 * kMiB) == 1;
  ok &= mallopt(M_TOP_PAD, 64 * kMiB) == 1;
  return ok;
#else
  return false;
#endif
}

long MinorPageFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

}  // namespace img2cad::core
