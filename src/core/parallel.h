// One thread budget for the whole process, and the one parallel loop that spends it.
//
// The process may keep at most ThreadBudget() threads busy (default: the machine's cores, or
// IMG2CAD_THREADS when set; apps set it from --threads). The thread that asks counts as one; the
// others are taken from a shared pool of "extra" threads and given back when the work is done.
// So nested parallelism cannot oversubscribe the machine: a ParallelFor inside a ParallelFor
// worker finds the budget spent and runs on its caller's thread, and a libtorch section that
// reserves its intra-op threads with ReserveThreads() gets one thread per busy worker. With torch
// in the process, workers x torch threads therefore never exceed the budget.
//
//   core::ParallelFor(items.size(), [&](size_t i, int worker) { out[i] = Work(items[i]); });
#pragma once

#include <cstddef>
#include <functional>

namespace img2cad::core {

// The number of threads the process may keep busy, >= 1.
int ThreadBudget();
// Sets the budget (clamped to >= 1). Call it once at start-up, before any parallel work; threads
// already reserved keep their reservation.
void SetThreadBudget(int threads);

// A reservation of threads from the budget: the calling thread plus extra threads that nobody
// else may use until the lease ends. Move-only; the extra threads go back in the destructor.
class ThreadLease {
 public:
  ThreadLease() = default;
  ~ThreadLease();
  ThreadLease(ThreadLease&& other) noexcept;
  ThreadLease& operator=(ThreadLease&& other) noexcept;
  ThreadLease(const ThreadLease&) = delete;
  ThreadLease& operator=(const ThreadLease&) = delete;

  // Threads this lease may keep busy, the calling thread included: >= 1.
  int count() const { return 1 + extra_; }

 private:
  friend ThreadLease ReserveThreads(int wanted);
  explicit ThreadLease(int extra) : extra_(extra) {}
  int extra_ = 0;
};

// Reserves up to `wanted` threads (the caller's included); fewer when the budget is spent, but
// always at least the calling thread. `wanted` <= 0 asks for the whole budget.
ThreadLease ReserveThreads(int wanted);

// The largest worker count a ParallelFor(n, max_workers, ...) can use: min(max_workers, budget),
// with max_workers <= 0 meaning the budget. Size per-worker state (a renderer per worker) by it.
int MaxWorkers(int max_workers);

// Runs fn(i, worker) for every i in [0, n), on up to `max_workers` threads (the caller's
// included; <= 0 means the whole budget), each index exactly once, and returns when all are done.
// `worker` is in [0, MaxWorkers(max_workers)) and no two threads share one at the same time, so it
// can index per-worker state. Indices are handed out in increasing order. The first exception a
// call of fn throws is rethrown on the calling thread after the others have stopped taking work.
void ParallelFor(size_t n, int max_workers, const std::function<void(size_t i, int worker)>& fn);

}  // namespace img2cad::core
