// The structure as a token sequence, the language stage 1 writes, and its grammar.
//
// A sequence (version kStructureTokensVersion) is
//
//   BOS  CAT_<category>  SYM_<symmetry>  part+  EOS
//   part    := PART_<label> feature+
//   feature := loop+ EXTRUDE_<extent>_<operation>
//   loop    := LOOP (CIRCLE | chain)      chain := (LINE | ARC_CCW | ARC_CW){2..}
//
// Parts come in a canonical order: by the label's index in the category's vocabulary, then by
// instance; a part's instance is the number of parts with its label before it. So one structure
// has exactly one sequence, and the order of the generator's parts does not matter.
//
// StructureGrammar accepts exactly the sequences that decode to a valid img2cad.structure/1:
// labels from the category's vocabulary only, non-decreasing label order, a circle alone in its
// loop, a chain of at least two curves and never of two lines only (it would enclose no area),
// new_body for a part's first feature and only for it, and the size limits below, including the
// total length. AllowedNext() is the mask a decoder applies before sampling each token; any
// sequence built from allowed tokens can still be finished within kMaxStructureTokens.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "program/structure.h"

namespace img2cad::program {

// Bump when the token list or the grammar changes; models record it.
inline constexpr int kStructureTokensVersion = 1;

// Size limits of the token form (the generators stay well inside them: at most 33 parts, 2
// features, 2 loops and 12 curves per loop, 380 tokens).
inline constexpr int kMaxStructureTokens = 512;
inline constexpr int kMaxParts = 64;
inline constexpr int kMaxFeaturesPerPart = 4;
inline constexpr int kMaxLoopsPerFeature = 8;
inline constexpr int kMaxCurvesPerLoop = 32;

// Token ids are contiguous in [0, StructureVocabularySize()). Their order: PAD, BOS, EOS, the
// categories, the symmetries, the union of all part labels (in category order, each once),
// LOOP, LINE, ARC_CCW, ARC_CW, CIRCLE, and the 12 EXTRUDE_<extent>_<operation>.
inline constexpr int kPadToken = 0;
inline constexpr int kBosToken = 1;
inline constexpr int kEosToken = 2;
int StructureVocabularySize();

// The index in Categories() of a CAT_<category> token, or -1 for any other token.
int StructureTokenCategory(int token);
// For a PART_<label> token: the label's index in LabelsOf(Categories()[category]); -1 when the
// token is not a part label or the label is not in that category's vocabulary.
int StructureTokenLabelIndex(int category, int token);

// How many parts of each label of its category a sequence has, in the vocabulary's label order;
// the category (an index into Categories()) goes to *category, -1 (and no counts) when tokens[1]
// is not a category token.
std::vector<int> StructureLabelCounts(const std::vector<int>& tokens, int* category);

// The first part of every label of a sequence's category, each as its tokens after the PART
// token up to the next PART or EOS (its loops, curves and extrudes; empty for a label without a
// part), in the vocabulary's label order; empty when tokens[1] is not a category token.
std::vector<std::vector<int>> StructureFirstParts(const std::vector<int>& tokens);

// A token's name, e.g. "PART_leg", "EXTRUDE_one_sided_new_body"; "?" for an unknown id.
std::string StructureTokenName(int token);

// The sequence of a structure, BOS to EOS. Errors: kInvalidArgument, placed, for an unknown
// category or label, a structure the grammar refuses (an empty loop, a chain of two lines, a later
// feature with new_body, ...), or one beyond the size limits.
core::Result<std::vector<int>> EncodeStructure(const Structure& structure);

// The structure of a complete sequence. Errors: kInvalidArgument naming the first token the
// grammar refuses ("tokens[17]: ..."), or an unfinished sequence.
core::Result<Structure> DecodeStructure(const std::vector<int>& tokens);

// Space-separated token names, for logs and golden files.
std::string StructureTokensToText(const std::vector<int>& tokens);

// The grammar as a state machine over a growing prefix. Cheap to copy (beam search keeps one per
// hypothesis).
class StructureGrammar {
 public:
  StructureGrammar();  // the empty prefix: only BOS is allowed

  // mask[t] = 1 when token t may come next, 0 otherwise; StructureVocabularySize() entries.
  // After EOS nothing is allowed.
  void AllowedNext(std::vector<unsigned char>* mask) const;
  bool Allows(int token) const;

  // Appends `token`. Errors: kInvalidArgument with the reason when the grammar forbids it (the
  // state is then unchanged).
  core::Status Accept(int token);

  bool complete() const { return state_ == State::kDone; }
  int length() const { return length_; }

 private:
  enum class State {
    kStart,
    kCategory,
    kSymmetry,
    kFirstPart,
    kPartStart,
    kLoopStart,
    kCircleDone,
    kChain,
    kFeatureDone,
    kDone
  };
  // Why `token` is not allowed now, ignoring the length budget; empty when it is.
  std::string Refusal(int token) const;
  // The same test without building a message (the mask asks it for every token at every step).
  bool Permitted(int token) const;
  // Moves to the state after `token`, which must be permitted.
  void Advance(int token);
  // The fewest tokens that can finish the sequence from the current state.
  int MinToFinish() const;

  State state_ = State::kStart;
  int length_ = 0;
  int category_ = -1;    // index into Categories()
  int last_label_ = -1;  // vocabulary index of the current part's label
  int parts_ = 0, features_ = 0, loops_ = 0, curves_ = 0, chain_lines_ = 0;
};

}  // namespace img2cad::program
