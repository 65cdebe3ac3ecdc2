#include "program/structure_tokens.h"

#include <algorithm>
#include <map>

#include "program/vocabulary.h"

namespace img2cad::program {

namespace {

using core::Status;
using core::StatusCode;

constexpr Symmetry kSymmetries[] = {Symmetry::kNone, Symmetry::kReflectX, Symmetry::kRotational};
constexpr Extent kExtents[] = {Extent::kOneSided, Extent::kSymmetric, Extent::kTwoSided};
constexpr Operation kOperations[] = {Operation::kNewBody, Operation::kJoin, Operation::kCut,
                                     Operation::kIntersect};
constexpr int kNumExtents = 3, kNumOperations = 4;

// The token table, built once from the vocabularies.
struct Table {
  int first_category = 3;
  int first_symmetry = 0;
  int first_label = 0;
  std::vector<std::string> labels;  // the union of all categories' labels, each once
  std::map<std::string, int> label_token;
  int loop = 0, line = 0, arc_ccw = 0, arc_cw = 0, circle = 0;
  int first_extrude = 0;
  int size = 0;
  std::vector<std::string> names;

  Table() {
    names = {"PAD", "BOS", "EOS"};
    for (const auto& c : Categories()) names.push_back("CAT_" + c);
    first_symmetry = static_cast<int>(names.size());
    for (Symmetry s : kSymmetries) names.push_back(std::string("SYM_") + SymmetryName(s));
    first_label = static_cast<int>(names.size());
    for (const auto& c : Categories()) {
      for (const auto& l : LabelsOf(c)) {
        if (label_token.count(l)) continue;
        label_token[l] = static_cast<int>(names.size());
        labels.push_back(l);
        names.push_back("PART_" + l);
      }
    }
    loop = static_cast<int>(names.size());
    line = loop + 1;
    arc_ccw = loop + 2;
    arc_cw = loop + 3;
    circle = loop + 4;
    for (const char* n : {"LOOP", "LINE", "ARC_CCW", "ARC_CW", "CIRCLE"}) names.push_back(n);
    first_extrude = static_cast<int>(names.size());
    for (Extent e : kExtents)
      for (Operation o : kOperations)
        names.push_back(std::string("EXTRUDE_") + ExtentName(e) + "_" + OperationName(o));
    size = static_cast<int>(names.size());
  }

  bool IsCategory(int t) const { return t >= first_category && t < first_symmetry; }
  bool IsSymmetry(int t) const { return t >= first_symmetry && t < first_label; }
  bool IsLabel(int t) const { return t >= first_label && t < loop; }
  bool IsChainCurve(int t) const { return t == line || t == arc_ccw || t == arc_cw; }
  bool IsExtrude(int t) const { return t >= first_extrude && t < size; }
  int ExtrudeToken(Extent e, Operation o) const {
    return first_extrude + static_cast<int>(e) * kNumOperations + static_cast<int>(o);
  }
  Extent ExtentOf(int t) const { return kExtents[(t - first_extrude) / kNumOperations]; }
  Operation OperationOf(int t) const { return kOperations[(t - first_extrude) % kNumOperations]; }
};

const Table& T() {
  static const Table table;
  return table;
}

// Index of a part-label token's label in the category's vocabulary, or -1.
int LabelIndexIn(int category, int token) {
  const Table& t = T();
  const auto idx = LabelIndex(Categories()[category], t.labels[token - t.first_label]);
  return idx ? *idx : -1;
}

}  // namespace

int StructureVocabularySize() { return T().size; }

int StructureTokenCategory(int token) {
  return T().IsCategory(token) ? token - T().first_category : -1;
}

std::vector<int> StructureLabelCounts(const std::vector<int>& tokens, int* category) {
  *category = tokens.size() > 1 ? StructureTokenCategory(tokens[1]) : -1;
  if (*category < 0) return {};
  std::vector<int> counts(LabelsOf(Categories()[*category]).size(), 0);
  for (int t : tokens) {
    const int label = StructureTokenLabelIndex(*category, t);
    if (label >= 0) ++counts[label];
  }
  return counts;
}

std::vector<std::vector<int>> StructureFirstParts(const std::vector<int>& tokens) {
  const int category = tokens.size() > 1 ? StructureTokenCategory(tokens[1]) : -1;
  if (category < 0) return {};
  std::vector<std::vector<int>> parts(LabelsOf(Categories()[category]).size());
  std::vector<bool> seen(parts.size(), false);
  std::vector<int>* current = nullptr;  // the part being read, when it is a label's first
  for (size_t t = 2; t < tokens.size(); ++t) {
    const int label = StructureTokenLabelIndex(category, tokens[t]);
    if (label >= 0) {
      current = seen[label] ? nullptr : &parts[label];
      seen[label] = true;
    } else if (tokens[t] == kEosToken) {
      current = nullptr;
    } else if (current) {
      current->push_back(tokens[t]);
    }
  }
  return parts;
}

int StructureTokenLabelIndex(int category, int token) {
  if (category < 0 || category >= static_cast<int>(Categories().size()) || !T().IsLabel(token))
    return -1;
  return LabelIndexIn(category, token);
}

std::string StructureTokenName(int token) {
  return token >= 0 && token < T().size ? T().names[token] : "?";
}

std::string StructureTokensToText(const std::vector<int>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + StructureTokenName(tokens[i]);
  return out;
}

StructureGrammar::StructureGrammar() = default;

int StructureGrammar::MinToFinish() const {
  switch (state_) {
    case State::kStart:
      return 8;  // BOS CAT SYM PART LOOP CIRCLE EXTRUDE EOS
    case State::kCategory:
      return 7;
    case State::kSymmetry:
      return 6;
    case State::kFirstPart:
      return 5;
    case State::kPartStart:
      return 4;
    case State::kLoopStart:
      return 3;
    case State::kCircleDone:
      return 2;
    case State::kChain:
      return (curves_ < 2 || (chain_lines_ == 2 && curves_ == 2)) ? 3 : 2;
    case State::kFeatureDone:
      return 1;
    case State::kDone:
      return 0;
  }
  return 0;
}

std::string StructureGrammar::Refusal(int token) const {
  const Table& t = T();
  if (token < 0 || token >= t.size) return "unknown token id " + std::to_string(token);
  const std::string name = t.names[token];
  const bool chain_closed = curves_ >= 2 && !(curves_ == 2 && chain_lines_ == 2);
  switch (state_) {
    case State::kStart:
      return token == kBosToken ? "" : "a sequence starts with BOS, not " + name;
    case State::kCategory:
      return t.IsCategory(token) ? "" : "a category must follow BOS, not " + name;
    case State::kSymmetry:
      return t.IsSymmetry(token) ? "" : "a symmetry must follow the category, not " + name;
    case State::kFirstPart:
    case State::kFeatureDone: {
      if (state_ == State::kFeatureDone) {
        if (token == kEosToken) return "";
        if (token == t.loop) {
          return features_ < kMaxFeaturesPerPart
                     ? ""
                     : "a part has at most " + std::to_string(kMaxFeaturesPerPart) + " features";
        }
      }
      if (!t.IsLabel(token)) return name + " cannot start a part";
      const int idx = LabelIndexIn(category_, token);
      if (idx < 0) return name + " is not a " + Categories()[category_] + " label";
      if (idx < last_label_) return name + " breaks the canonical part order (labels ascending)";
      if (parts_ >= kMaxParts) return "at most " + std::to_string(kMaxParts) + " parts";
      return "";
    }
    case State::kPartStart:
      return token == t.loop ? "" : "a part's first feature starts with LOOP, not " + name;
    case State::kLoopStart:
      return token == t.circle || t.IsChainCurve(token) ? "" : "a loop needs a curve, not " + name;
    case State::kCircleDone:
    case State::kChain: {
      if (t.IsChainCurve(token) || token == t.circle) {
        if (state_ == State::kCircleDone || token == t.circle)
          return "a circle must be the only curve of its loop";
        return curves_ < kMaxCurvesPerLoop
                   ? ""
                   : "a loop has at most " + std::to_string(kMaxCurvesPerLoop) + " curves";
      }
      if (state_ == State::kChain && !chain_closed) {
        return "a chain needs at least two curves and an arc when it has two";
      }
      if (token == t.loop) {
        return loops_ < kMaxLoopsPerFeature
                   ? ""
                   : "a sketch has at most " + std::to_string(kMaxLoopsPerFeature) + " loops";
      }
      if (!t.IsExtrude(token)) return name + " cannot close a sketch";
      const bool new_body = t.OperationOf(token) == Operation::kNewBody;
      if (features_ == 0 && !new_body) return "a part's first feature must be new_body";
      if (features_ > 0 && new_body) return "only a part's first feature is new_body";
      return "";
    }
    case State::kDone:
      return "nothing may follow EOS";
  }
  return "bad state";
}

bool StructureGrammar::Permitted(int token) const {
  const Table& t = T();
  if (token < 0 || token >= t.size) return false;
  const bool chain_closed = curves_ >= 2 && !(curves_ == 2 && chain_lines_ == 2);
  auto label_ok = [&] {
    if (!t.IsLabel(token) || parts_ >= kMaxParts) return false;
    const int idx = LabelIndexIn(category_, token);
    return idx >= 0 && idx >= last_label_;
  };
  auto extrude_ok = [&] {
    if (!t.IsExtrude(token)) return false;
    const bool new_body = t.OperationOf(token) == Operation::kNewBody;
    return features_ == 0 ? new_body : !new_body;
  };
  switch (state_) {
    case State::kStart:
      return token == kBosToken;
    case State::kCategory:
      return t.IsCategory(token);
    case State::kSymmetry:
      return t.IsSymmetry(token);
    case State::kFirstPart:
      return label_ok();
    case State::kFeatureDone:
      return token == kEosToken || (token == t.loop && features_ < kMaxFeaturesPerPart) ||
             label_ok();
    case State::kPartStart:
      return token == t.loop;
    case State::kLoopStart:
      return token == t.circle || t.IsChainCurve(token);
    case State::kCircleDone:
      return (token == t.loop && loops_ < kMaxLoopsPerFeature) || extrude_ok();
    case State::kChain:
      if (t.IsChainCurve(token)) return curves_ < kMaxCurvesPerLoop;
      if (!chain_closed) return false;
      return (token == t.loop && loops_ < kMaxLoopsPerFeature) || extrude_ok();
    case State::kDone:
      return false;
  }
  return false;
}

bool StructureGrammar::Allows(int token) const {
  if (!Permitted(token)) return false;
  StructureGrammar next = *this;
  next.Advance(token);
  return next.length_ + next.MinToFinish() <= kMaxStructureTokens;
}

void StructureGrammar::AllowedNext(std::vector<unsigned char>* mask) const {
  mask->assign(T().size, 0);
  for (int t = 0; t < T().size; ++t) (*mask)[t] = Allows(t) ? 1 : 0;
}

core::Status StructureGrammar::Accept(int token) {
  if (std::string why = Refusal(token); !why.empty()) {
    return Status(StatusCode::kInvalidArgument, why);
  }
  StructureGrammar next = *this;
  next.Advance(token);
  if (next.length_ + next.MinToFinish() > kMaxStructureTokens) {
    return Status(
        StatusCode::kInvalidArgument,
        "the sequence could not end within " + std::to_string(kMaxStructureTokens) + " tokens");
  }
  *this = next;
  return core::OkStatus();
}

void StructureGrammar::Advance(int token) {
  const Table& t = T();
  StructureGrammar& next = *this;
  switch (state_) {
    case State::kStart:
      next.state_ = State::kCategory;
      break;
    case State::kCategory:
      next.category_ = token - t.first_category;
      next.state_ = State::kSymmetry;
      break;
    case State::kSymmetry:
      next.state_ = State::kFirstPart;
      break;
    case State::kFirstPart:
    case State::kFeatureDone:
      if (token == kEosToken) {
        next.state_ = State::kDone;
      } else if (token == t.loop) {
        next.loops_ = 1;
        next.state_ = State::kLoopStart;
      } else {
        next.last_label_ = LabelIndexIn(category_, token);
        ++next.parts_;
        next.features_ = 0;
        next.state_ = State::kPartStart;
      }
      break;
    case State::kPartStart:
      next.loops_ = 1;
      next.state_ = State::kLoopStart;
      break;
    case State::kLoopStart:
      next.curves_ = 1;
      next.chain_lines_ = token == t.line ? 1 : 0;
      next.state_ = token == t.circle ? State::kCircleDone : State::kChain;
      break;
    case State::kCircleDone:
    case State::kChain:
      if (t.IsChainCurve(token)) {
        ++next.curves_;
        next.chain_lines_ += token == t.line ? 1 : 0;
      } else if (token == t.loop) {
        ++next.loops_;
        next.state_ = State::kLoopStart;
      } else {
        ++next.features_;
        next.state_ = State::kFeatureDone;
      }
      break;
    case State::kDone:
      break;
  }
  ++next.length_;
}

core::Result<std::vector<int>> EncodeStructure(const Structure& s) {
  const Table& t = T();
  const auto& cats = Categories();
  const auto cat = std::find(cats.begin(), cats.end(), s.category);
  if (cat == cats.end()) {
    return Status(StatusCode::kInvalidArgument, "unknown category '" + s.category + "'",
                  "category");
  }
  std::vector<size_t> order(s.parts.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    if (!LabelIndex(s.category, s.parts[i].label)) {
      return Status(StatusCode::kInvalidArgument,
                    "unknown " + s.category + " label '" + s.parts[i].label + "'",
                    "parts[" + std::to_string(i) + "].label");
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int la = *LabelIndex(s.category, s.parts[a].label);
    const int lb = *LabelIndex(s.category, s.parts[b].label);
    return la != lb ? la < lb : s.parts[a].instance < s.parts[b].instance;
  });
  std::vector<int> tokens;
  StructureGrammar grammar;
  auto put = [&](int token, const std::string& where) -> Status {
    if (Status st = grammar.Accept(token); !st.ok()) {
      return Status(StatusCode::kInvalidArgument, st.message(), where);
    }
    tokens.push_back(token);
    return core::OkStatus();
  };
  IMG2CAD_RETURN_IF_ERROR(put(kBosToken, ""));
  IMG2CAD_RETURN_IF_ERROR(put(t.first_category + static_cast<int>(cat - cats.begin()), "category"));
  IMG2CAD_RETURN_IF_ERROR(put(t.first_symmetry + static_cast<int>(s.symmetry), "symmetry"));
  for (size_t i : order) {
    const PartStructure& part = s.parts[i];
    const std::string pw = "parts[" + std::to_string(i) + "]";
    IMG2CAD_RETURN_IF_ERROR(put(t.label_token.at(part.label), pw));
    if (part.features.empty()) {
      return Status(StatusCode::kInvalidArgument, "a part needs a feature", pw + ".features");
    }
    for (size_t f = 0; f < part.features.size(); ++f) {
      const FeatureStructure& feat = part.features[f];
      const std::string fw = pw + ".features[" + std::to_string(f) + "]";
      if (feat.loops.empty()) {
        return Status(StatusCode::kInvalidArgument, "a sketch needs a loop", fw + ".loops");
      }
      for (size_t l = 0; l < feat.loops.size(); ++l) {
        const std::string lw = fw + ".loops[" + std::to_string(l) + "]";
        IMG2CAD_RETURN_IF_ERROR(put(t.loop, lw));
        if (feat.loops[l].empty()) {
          return Status(StatusCode::kInvalidArgument, "a loop needs a curve", lw);
        }
        for (size_t c = 0; c < feat.loops[l].size(); ++c) {
          const CurveSlot& slot = feat.loops[l][c];
          const int token = slot.type == CurveType::kLine     ? t.line
                            : slot.type == CurveType::kCircle ? t.circle
                            : slot.ccw                        ? t.arc_ccw
                                                              : t.arc_cw;
          IMG2CAD_RETURN_IF_ERROR(put(token, lw + "[" + std::to_string(c) + "]"));
        }
      }
      IMG2CAD_RETURN_IF_ERROR(put(t.ExtrudeToken(feat.extent, feat.operation), fw + ".extrude"));
    }
  }
  IMG2CAD_RETURN_IF_ERROR(put(kEosToken, ""));
  return tokens;
}

core::Result<Structure> DecodeStructure(const std::vector<int>& tokens) {
  const Table& t = T();
  StructureGrammar grammar;
  Structure s;
  std::map<std::string, int> instances;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const int token = tokens[i];
    if (Status st = grammar.Accept(token); !st.ok()) {
      return Status(StatusCode::kInvalidArgument,
                    st.message() + " (token " + StructureTokenName(token) + ")",
                    "tokens[" + std::to_string(i) + "]");
    }
    if (t.IsCategory(token)) {
      s.category = Categories()[token - t.first_category];
    } else if (t.IsSymmetry(token)) {
      s.symmetry = kSymmetries[token - t.first_symmetry];
    } else if (t.IsLabel(token)) {
      PartStructure part;
      part.label = t.labels[token - t.first_label];
      part.instance = instances[part.label]++;
      s.parts.push_back(part);
    } else if (token == t.loop) {
      auto& features = s.parts.back().features;
      // A LOOP right after a part label or an extrude opens a new feature.
      if (features.empty() || i == 0 || t.IsExtrude(tokens[i - 1])) features.emplace_back();
      features.back().loops.emplace_back();
    } else if (token == t.circle || t.IsChainCurve(token)) {
      CurveSlot slot;
      slot.type = token == t.circle ? CurveType::kCircle
                  : token == t.line ? CurveType::kLine
                                    : CurveType::kArc;
      slot.ccw = token != t.arc_cw;
      s.parts.back().features.back().loops.back().push_back(slot);
    } else if (t.IsExtrude(token)) {
      s.parts.back().features.back().extent = t.ExtentOf(token);
      s.parts.back().features.back().operation = t.OperationOf(token);
    }
  }
  if (!grammar.complete()) {
    return Status(StatusCode::kInvalidArgument, "the sequence ends before EOS",
                  "tokens[" + std::to_string(tokens.size()) + "]");
  }
  return s;
}

}  // namespace img2cad::program
