// The C library's allocator, tuned for a process that allocates and frees the same large buffers
// over and over, as network training and inference do (libtorch's tensors come from malloc).
//
// By default glibc serves each allocation above a threshold (128 KiB, raised as such blocks are
// freed) with its own mmap and gives it back with munmap, and it returns the top of the heap to
// the kernel whenever 128 KiB are free there. A training step then faults every page of its
// activations in again: a quarter of the CPU time went to the kernel, and the stage-1 training
// step took twice as long (bench/nn_bench.cc, BM_Stage1TrainStep, 2026-12-07).
#pragma once

namespace img2cad::core {

// Serves allocations up to 32 MiB from the heap, keeps up to 256 MiB of freed memory at the
// heap's top for reuse instead of returning it, and grows the heap 64 MiB at a time. Peak
// memory rises by at most about that much; freed memory is still reused. Call once at start-up,
// before threads allocate; calling it again changes nothing. Returns false when the C library
// refuses a setting (not glibc, or a glibc without these options): nothing else changes then.
// Meant for training: over 2,000 `predict` inputs the heap's high-water mark crept up 62 MB
// with it (2026-12-07), so `img2cad` calls it for `train structure|assembler` only.
bool KeepLargeBuffersInProcess();

// This process's minor page faults so far (getrusage), for measuring the above.
long MinorPageFaults();

}  // namespace img2cad::core
