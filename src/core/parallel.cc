#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace img2cad::core {

namespace {

int DefaultBudget() {
  if (const char* env = std::getenv("IMG2CAD_THREADS")) {
    const int n = std::atoi(env);
    if (n >= 1) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::atomic<int>& Budget() {
  static std::atomic<int> budget{DefaultBudget()};
  return budget;
}

// Extra threads (beyond the threads that asked) currently reserved across the process.
std::atomic<int> g_extra_in_use{0};

int TakeExtra(int wanted_extra) {
  if (wanted_extra <= 0) return 0;
  int in_use = g_extra_in_use.load();
  for (;;) {
    const int free = std::max(0, Budget().load() - 1 - in_use);
    const int take = std::min(free, wanted_extra);
    if (take == 0) return 0;
    if (g_extra_in_use.compare_exchange_weak(in_use, in_use + take)) return take;
  }
}

}  // namespace

int ThreadBudget() { return Budget().load(); }

void SetThreadBudget(int threads) { Budget().store(std::max(1, threads)); }

ThreadLease::~ThreadLease() {
  if (extra_ > 0) g_extra_in_use.fetch_sub(extra_);
}

ThreadLease::ThreadLease(ThreadLease&& other) noexcept : extra_(other.extra_) { other.extra_ = 0; }

ThreadLease& ThreadLease::operator=(ThreadLease&& other) noexcept {
  if (this != &other) {
    if (extra_ > 0) g_extra_in_use.fetch_sub(extra_);
    extra_ = other.extra_;
    other.extra_ = 0;
  }
  return *this;
}

ThreadLease ReserveThreads(int wanted) {
  if (wanted <= 0) wanted = ThreadBudget();
  return ThreadLease(TakeExtra(wanted - 1));
}

int MaxWorkers(int max_workers) {
  const int budget = ThreadBudget();
  return max_workers <= 0 ? budget : std::min(max_workers, budget);
}

void ParallelFor(size_t n, int max_workers, const std::function<void(size_t, int)>& fn) {
  if (n == 0) return;
  const int cap = static_cast<int>(std::min<size_t>(n, MaxWorkers(max_workers)));
  ThreadLease lease = ReserveThreads(cap);
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&](int worker) {
    for (size_t i = next++; i < n && !stop.load(); i = next++) {
      try {
        fn(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < lease.count(); ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace img2cad::core
