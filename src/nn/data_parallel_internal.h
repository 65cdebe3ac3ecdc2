// Data-parallel training inside one process. Internal to nn/: it includes libtorch.
//
// Why: on this project's 2-core machine libtorch's intra-op threads give the train steps almost
// nothing (a stage-1 step of 32 took ~1.07 s on one thread and ~1.06–1.2 s on two), while two
// single-threaded steps side by side each keep their speed. So a batch is cut into a fixed number
// of shards, each shard runs forward and backward on its own replica of the network on its own
// thread, and the replicas' gradients are summed into the master before the optimizer step.
// The shards and the order of the sum do not depend on the thread count, so training stays a
// function of the seed and the batches.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "core/check.h"
#include "core/parallel.h"

namespace img2cad::nn::data_parallel {

// Copies `from`'s parameters and buffers into `to`, a module of the same architecture.
inline void CopyParameters(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto src = from.parameters(), dst = to.parameters();
  IMG2CAD_CHECK(src.size() == dst.size()) << "replica of another architecture";
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  const auto src_buffers = from.buffers(), dst_buffers = to.buffers();
  IMG2CAD_CHECK(src_buffers.size() == dst_buffers.size()) << "replica of another architecture";
  for (size_t i = 0; i < src_buffers.size(); ++i) dst_buffers[i].copy_(src_buffers[i]);
}

// Adds `from`'s gradients to `into`'s (same architecture); parameters without one are skipped.
inline void AddGradients(torch::nn::Module& from, torch::nn::Module& into) {
  torch::NoGradGuard no_grad;
  auto src = from.parameters(), dst = into.parameters();
  IMG2CAD_CHECK(src.size() == dst.size()) << "replica of another architecture";
  for (size_t i = 0; i < src.size(); ++i) {
    if (!src[i].grad().defined()) continue;
    if (dst[i].grad().defined()) {
      dst[i].mutable_grad().add_(src[i].grad());
    } else {
      dst[i].mutable_grad() = src[i].grad().clone();
    }
  }
}

// While alive, and when `enabled`, the calling thread runs libtorch's CPU autocast in bfloat16:
// convolutions and matrix products take bf16 copies of their float32 inputs (the parameters stay
// float32, and so does the optimiser). Why: on this project's AVX-512-BF16 CPU oneDNN's bf16
// products are about 4 times as fast as OpenBLAS's float32 ones, and a training step 1.4-1.75
// times. Autocast state and its cast cache are thread-local, so each shard's thread opens its own
// scope, and the cache is cleared on the way out: the cached casts would outlive the optimiser
// step that changes the weights they were made from.
class AutocastScope {
 public:
  explicit AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  ~AutocastScope() {
    if (!enabled_) return;
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
};

// Runs fn(shard) for every shard in [0, shards): side by side on the process's thread budget,
// each with an equal share of it as libtorch intra-op threads, or one after another with the
// whole budget when it allows a single thread. fn must touch only its shard's state.
inline void RunShards(int shards, const std::function<void(int shard)>& fn) {
  const int workers = core::MaxWorkers(shards);
  if (workers < 2) {
    const core::ThreadLease lease = core::ReserveThreads(0);
    torch::set_num_threads(lease.count());
    for (int s = 0; s < shards; ++s) fn(s);
    return;
  }
  const int per_shard = std::max(1, core::ThreadBudget() / workers);
  torch::set_num_threads(per_shard);
  core::ParallelFor(static_cast<size_t>(shards), workers, [&](size_t s, int) {
    torch::set_num_threads(per_shard);  // OpenMP's thread count is per calling thread
    fn(static_cast<int>(s));
  });
}

// The batch's indices in `shards` groups: sorted by length (stably) and dealt out in turn, so
// that the shards cost about the same.
inline std::vector<std::vector<size_t>> DealShards(const std::vector<size_t>& lengths,
                                                   size_t shards) {
  std::vector<size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lengths[a] < lengths[b]; });
  std::vector<std::vector<size_t>> out(shards);
  for (size_t i = 0; i < order.size(); ++i) out[i % shards].push_back(order[i]);
  return out;
}

// One data-parallel step's forward and backward: shard 0 runs on `master`, shard s on
// replicas[s - 1] (made with `make` when missing and given the master's parameters first), each
// in training mode with its gradients zeroed; fn(net, s) computes shard s's loss and calls
// backward(). Empty shards are skipped. The replicas' gradients are then added to the master's,
// ready for its optimizer step. `mixed_bf16`: each shard runs inside an AutocastScope.
template <typename Net>
void ForwardBackward(Net& master, std::vector<Net>* replicas, const std::function<Net()>& make,
                     const std::vector<std::vector<size_t>>& shards,
                     const std::function<void(Net& net, int shard)>& fn, bool mixed_bf16 = false) {
  while (replicas->size() + 1 < shards.size()) replicas->push_back(make());
  for (auto& r : *replicas) CopyParameters(*master, *r);
  RunShards(static_cast<int>(shards.size()), [&](int s) {
    if (shards[s].empty()) return;
    Net& net = s == 0 ? master : (*replicas)[s - 1];
    net->train();
    net->zero_grad();
    const AutocastScope autocast(mixed_bf16);
    fn(net, s);
  });
  for (size_t r = 0; r + 1 < shards.size(); ++r)
    if (!shards[r + 1].empty()) AddGradients(*(*replicas)[r], *master);
}

}  // namespace img2cad::nn::data_parallel
