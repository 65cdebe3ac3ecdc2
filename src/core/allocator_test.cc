#include "core/allocator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace img2cad::core {
namespace {

volatile char sink;  // keeps the compiler from dropping the buffers

// `steps` rounds of what a training step does to memory: buffers of 1 to 12 MiB allocated and
// written, then all freed. Returns the page faults they took, or -1 when malloc fails.
long FaultsOfSteps(int steps) {
  constexpr int kBuffers = 12;
  const long before = MinorPageFaults();
  for (int s = 0; s < steps; ++s) {
    char* buffers[kBuffers];
    for (int k = 0; k < kBuffers; ++k) {
      const size_t bytes = static_cast<size_t>(k + 1) << 20;
      buffers[k] = static_cast<char*>(std::malloc(bytes));
      if (buffers[k] == nullptr) return -1;
      std::memset(buffers[k], s + k, bytes);
      sink = buffers[k][bytes / 2];
    }
    for (char* b : buffers) std::free(b);
  }
  return MinorPageFaults() - before;
}

TEST(AllocatorTest, FreedLargeBuffersAreReusedWithoutFaultingTheirPagesAgain) {
  ASSERT_TRUE(KeepLargeBuffersInProcess());
  EXPECT_TRUE(KeepLargeBuffersInProcess());  // again: no change, no failure
  ASSERT_GE(FaultsOfSteps(1), 0);            // the heap grows once
  // With glibc's defaults the 16 steps fault about 319,000 pages (each step's 78 MiB anew);
  // tuned, the same pages come back. The bound is one step's pages.
  constexpr long kStepPages = (78l << 20) / 4096;
  EXPECT_LT(FaultsOfSteps(16), kStepPages);
}

}  // namespace
}  // namespace img2cad::core
