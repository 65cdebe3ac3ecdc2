#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace img2cad::core {
namespace {

// Restores the budget a test changed.
class BudgetGuard {
 public:
  explicit BudgetGuard(int threads) : old_(ThreadBudget()) { SetThreadBudget(threads); }
  ~BudgetGuard() { SetThreadBudget(old_); }

 private:
  int old_;
};

TEST(ParallelTest, EveryIndexRunsExactlyOnce) {
  BudgetGuard budget(4);
  std::vector<std::atomic<int>> hits(1000);
  ParallelFor(hits.size(), 0, [&](size_t i, int) { hits[i]++; });
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelTest, WorkersStayBelowTheCap) {
  BudgetGuard budget(3);
  EXPECT_EQ(MaxWorkers(0), 3);
  EXPECT_EQ(MaxWorkers(2), 2);
  EXPECT_EQ(MaxWorkers(8), 3);
  std::mutex m;
  std::set<int> workers;
  ParallelFor(200, 2, [&](size_t, int w) {
    std::lock_guard<std::mutex> lock(m);
    workers.insert(w);
  });
  for (int w : workers) {
    EXPECT_GE(w, 0);
    EXPECT_LT(w, 2);
  }
}

TEST(ParallelTest, NestedLoopsNeverExceedTheBudget) {
  BudgetGuard budget(2);
  std::atomic<int> running{0}, peak{0};
  ParallelFor(8, 0, [&](size_t, int) {
    ParallelFor(8, 0, [&](size_t, int) {
      const int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      --running;
    });
  });
  EXPECT_LE(peak.load(), 2);
}

TEST(ParallelTest, LeasesShareTheBudget) {
  BudgetGuard budget(3);
  ThreadLease a = ReserveThreads(0);
  EXPECT_EQ(a.count(), 3);
  {
    // Another thread asking now gets only itself: the budget is spent.
    ThreadLease b = ReserveThreads(2);
    EXPECT_EQ(b.count(), 1);
  }
  a = ThreadLease();  // gives the two extra threads back
  ThreadLease c = ReserveThreads(2);
  EXPECT_EQ(c.count(), 2);
}

TEST(ParallelTest, ExceptionsReachTheCaller) {
  BudgetGuard budget(2);
  EXPECT_THROW(ParallelFor(50, 0,
                           [](size_t i, int) {
                             if (i == 7) throw std::runtime_error("boom");
                           }),
               std::runtime_error);
  // The budget is whole again afterwards.
  EXPECT_EQ(ReserveThreads(0).count(), 2);
}

TEST(ParallelTest, EmptyRangeDoesNothing) {
  bool called = false;
  ParallelFor(0, 0, [&](size_t, int) { called = true; });
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace img2cad::core
