// Synthetic datasets: sample = synth -> cad -> render, written as a folder with a manifest.
//
// Layout of DIR:
//   manifest.jsonl      one JSON object per line, in seed order: id, category, seed, split,
//                       style, symmetry, program, image (paths relative to DIR), camera, and maps
//                       when requested
//   programs/ID.json    the program (img2cad.program/1)
//   images/ID.png       the rendered photo; with maps also ID.mask.png, ID.depth.png,
//                       ID.parts.png
//   failures.jsonl      one line per sample that failed (id, seed, error); absent when none
//
// Sample k of a run uses seed (first_seed + k); its id is dataset::SampleId and its split follows
// from the seed (dataset/splits.h), so datasets made by different runs never share samples across
// splits. Manifest lines are dataset::ManifestEntry (dataset/manifest.h). The same arguments
// always give byte-identical files, whatever the thread count. Every file is written atomically;
// a rerun over an existing folder keeps the samples its manifest already lists and makes only the
// missing ones (resume), after checking that each kept sample's program is still what its seed
// gives: a folder made by another version of the generators is refused, not extended.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "dataset/splits.h"

namespace img2cad::pipeline {

struct SynthOptions {
  std::string category;
  int count = 0;
  uint64_t first_seed = 0;
  std::string out_dir;
  int image_size = 128;
  int threads = 2;  // at most this many workers, within the process budget (core/parallel.h)
  bool maps = false;
  double shelf_contents = 0;  // RenderRequest::shelf_contents
  double quilted = 0;         // RenderRequest::quilted
  double panelled = 0;        // RenderRequest::panelled
  double lounge = 0;          // synth::GenerateOptions::lounge
};

struct SynthReport {
  int written = 0;  // made by this run
  int skipped = 0;  // already in the manifest (resume)
  int failed = 0;   // listed in failures.jsonl
};

// Writes the dataset. Errors: kInvalidArgument for bad options, or for a kept sample whose program
// differs from the one the generator now makes for its seed (naming that program's file); kIo
// when the folder or manifest cannot be written or a kept program cannot be read. A sample that
// fails is recorded in failures.jsonl and counted; the others still run.
core::Result<SynthReport> WriteSynthDataset(const SynthOptions& options,
                                            const dataset::ProgressFn& progress = {});

}  // namespace img2cad::pipeline
