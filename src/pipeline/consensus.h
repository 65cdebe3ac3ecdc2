// Choosing among stage 1's hypotheses by consensus (minimum Bayes risk): each hypothesis is
// completed into a program, and the one with the least expected Chamfer distance to the others,
// weighted by how likely the decoder finds them, is kept. Where the beam hesitates between two
// readings (two drawers or three), the choice goes to the shape that is closest to all of them
// rather than the single most likely one, which is what a mean Chamfer distance rewards.
#pragma once

#include <vector>

#include "core/status.h"
#include "program/program.h"

namespace img2cad::cad {
class Model;
}

namespace img2cad::pipeline {

struct ConsensusChoice {
  int index = -1;  // the chosen candidate
  // Per candidate: its expected distance to the others (eval::ChamferPaper, the paper's
  // normalisation), or a negative value for a candidate that did not build.
  std::vector<double> risk;
  std::vector<double> weight;  // the normalised weights the risks used
};

// Chooses among `programs`, whose scores are `log_probs` (natural logs; each candidate weighs
// exp(log_prob) normalised over those that build). Builds and tessellates every candidate with
// OpenCASCADE; a candidate that fails is never chosen and weighs nothing. `models`, when given
// (one per candidate, null where none), holds candidates already built from their programs,
// which are then only tessellated. A tie goes to the earlier candidate, so the decoder's best
// wins when all are alike. Deterministic (fixed sampling seeds). Errors: kInvalidArgument when
// there is no candidate, or `log_probs` (or a non-empty `models`) differs in length from
// `programs`; kGeometry when no candidate builds.
core::Result<ConsensusChoice> ChooseByConsensus(const std::vector<program::Program>& programs,
                                                const std::vector<double>& log_probs,
                                                const std::vector<const cad::Model*>& models = {});

}  // namespace img2cad::pipeline
