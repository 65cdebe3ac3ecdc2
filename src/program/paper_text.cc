#include "program/paper_text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "program/vocabulary.h"

namespace img2cad::program {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r`$*");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r`$*");
  return s.substr(b, e - b + 1);
}

// Synonyms of each vocabulary label, per category ("" = any category). Matched as whole words
// after digits and punctuation are removed; the longest match wins.
const std::vector<std::tuple<std::string, std::string, std::string>>& Synonyms() {
  static const std::vector<std::tuple<std::string, std::string, std::string>> kTable = {
      {"", "seat", "seat"},
      {"", "seat cushion", "seat"},
      {"", "seat board", "seat"},
      {"", "backrest", "back"},
      {"", "back rest", "back"},
      {"", "back", "back"},
      {"", "back panel", "back"},
      {"", "leg", "leg"},
      {"", "legs", "leg"},
      {"", "arm", "arm"},
      {"", "armrest", "arm"},
      {"", "arm rest", "arm"},
      {"", "stretcher", "stretcher"},
      {"", "rung", "stretcher"},
      {"", "crossbar", "stretcher"},
      {"", "cross bar", "stretcher"},
      {"", "column", "column"},
      {"", "pedestal", "column"},
      {"", "stem", "column"},
      {"", "spoke", "spoke"},
      {"", "star base arm", "spoke"},
      {"", "top", "top"},
      {"", "tabletop", "top"},
      {"", "table top", "top"},
      {"", "top panel", "top"},
      {"", "countertop", "top"},
      {"", "apron", "apron"},
      {"", "skirt", "apron"},
      {"", "rail", "apron"},
      {"", "shelf", "shelf"},
      {"", "shelves", "shelf"},
      {"", "shelf board", "shelf"},
      {"", "foot", "foot"},
      {"", "feet", "foot"},
      {"", "drawer", "drawer"},
      {"", "drawer front", "drawer"},
      {"", "side", "side"},
      {"", "side panel", "side"},
      {"", "bottom", "bottom"},
      {"", "bottom panel", "bottom"},
      {"", "base panel", "bottom"},
      {"", "divider", "divider"},
      {"", "partition", "divider"},
      {"", "door", "door"},
      {"", "door panel", "door"},
      {"", "handle", "handle"},
      {"", "knob", "handle"},
      {"", "pull", "handle"},
      {"", "plinth", "plinth"},
      {"", "kickboard", "plinth"},
      {"", "toe kick", "plinth"},
      {"table", "base", "foot"},
      {"storage", "base", "plinth"},
      {"chair", "base", "column"},
  };
  return kTable;
}

// "Leg 3:" -> "leg"; "table-top" -> "table top".
std::string NormaliseName(const std::string& name) {
  std::string out;
  for (char c : Lower(name)) out += std::isalpha(static_cast<unsigned char>(c)) ? c : ' ';
  std::istringstream in(out);
  std::string word, joined;
  while (in >> word) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

struct RawPart {
  std::string name;
  int line = 0;
  std::vector<FeatureStructure> features;
};

core::Status ErrorAt(int line, const std::string& msg, const std::string& source) {
  return core::Status(core::StatusCode::kParse, msg, "line " + std::to_string(line), source);
}

// The curve kind of a line ('L', 'A', 'R') or 0: "L:", "L (", "A 12 30", "R:".
char CurveKind(const std::string& t) {
  if (t.size() < 2) return 0;
  const char k = static_cast<char>(std::toupper(static_cast<unsigned char>(t[0])));
  if (k != 'L' && k != 'A' && k != 'R') return 0;
  const char next = t[1];
  if (next == ':' || next == '(') return k;
  if (next == ' ') {
    const std::string rest = Trim(t.substr(1));
    if (rest.empty()) return 0;
    const char r = rest[0];
    if (r == ':' || r == '(' || r == '-' || r == '+' || r == '.' ||
        std::isdigit(static_cast<unsigned char>(r)))
      return k;
  }
  return 0;
}

bool IsExtrude(const std::string& t) {
  return t.size() >= 2 && (t[0] == 'E' || t[0] == 'e') && (t[1] == ':' || t[1] == '(');
}

}  // namespace

std::string LabelForPartName(const std::string& category, const std::string& name) {
  std::string n = " ";  // built piecewise: GCC 12 warns falsely on " " + string + " "
  n += NormaliseName(name);
  n += ' ';
  // The match that ends last wins (the head noun comes last: "door knob" is a knob), then the
  // longest ("table top" over "top").
  std::string best;
  size_t best_end = 0, best_len = 0;
  for (const auto& [cat, phrase, label] : Synonyms()) {
    if (!cat.empty() && cat != category) continue;
    if (!category.empty() && !LabelIndex(category, label)) continue;
    std::string key = " ";
    key += phrase;
    key += ' ';
    const size_t at = n.rfind(key);
    if (at == std::string::npos) continue;
    const size_t end = at + phrase.size();
    if (end < best_end || (end == best_end && phrase.size() <= best_len)) continue;
    best = label, best_end = end, best_len = phrase.size();
  }
  return best;
}

core::Result<Structure> ParsePaperText(const std::string& text, const std::string& source,
                                       const std::string& category,
                                       const std::string& fallback_category) {
  std::vector<RawPart> parts;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  // The state of the current block.
  std::string name;
  bool in_block = false;
  RawPart current;
  FeatureStructure feature;
  bool feature_open = false, next_is_cut = false;
  auto finish_block = [&]() -> core::Status {
    if (feature_open && !feature.loops.empty()) {
      return ErrorAt(line_no, "part '" + current.name + "' ends without an E: line", source);
    }
    if (!current.features.empty()) parts.push_back(current);
    current = RawPart{};
    feature = FeatureStructure{};
    feature_open = next_is_cut = false;
    name.clear();
    in_block = false;
    return core::OkStatus();
  };
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string t = Trim(raw);
    if (t.rfind("```", 0) == 0 || Trim(raw).empty()) {
      if (t.empty() && in_block && !feature_open) IMG2CAD_RETURN_IF_ERROR(finish_block());
      continue;
    }
    if (t[0] == '#' || t.rfind("//", 0) == 0) {
      const size_t start = t[0] == '#' ? t.find_first_not_of('#') : 2;
      const std::string comment = start < t.size() ? Trim(t.substr(start)) : "";
      // A new part name starts a new part, even without a blank line before it.
      if (!current.features.empty() || feature_open) IMG2CAD_RETURN_IF_ERROR(finish_block());
      name = comment, in_block = true;
      current.name = comment, current.line = line_no;
      continue;
    }
    const std::string upper = [&] {
      std::string u;
      for (char c : t) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return u;
    }();
    if (upper.find("<CUT>") != std::string::npos) {
      next_is_cut = true;
      continue;
    }
    if (upper.find("<SOL>") != std::string::npos) {
      if (name.empty()) return ErrorAt(line_no, "<SOL> in a block without a part name", source);
      feature_open = true;
      feature.loops.emplace_back();
      continue;
    }
    if (const char kind = CurveKind(t)) {
      if (!feature_open || feature.loops.empty())
        return ErrorAt(line_no, "a curve before any <SOL>", source);
      auto& loop = feature.loops.back();
      const bool circle_in_loop = std::any_of(loop.begin(), loop.end(), [](const CurveSlot& c) {
        return c.type == CurveType::kCircle;
      });
      if (circle_in_loop || (kind == 'R' && !loop.empty()))
        return ErrorAt(line_no, "a circle must be a loop of its own", source);
      CurveSlot slot;
      slot.type = kind == 'L'   ? CurveType::kLine
                  : kind == 'A' ? CurveType::kArc
                                : CurveType::kCircle;
      if (kind == 'A') {
        const bool counter = upper.find("COUNTER") != std::string::npos ||
                             upper.find("ANTICLOCKWISE") != std::string::npos ||
                             upper.find("CCW") != std::string::npos;
        const bool cw = !counter && (upper.find("CLOCKWISE") != std::string::npos ||
                                     upper.find(" CW") != std::string::npos ||
                                     upper.find(",CW") != std::string::npos);
        slot.ccw = !cw;
      }
      loop.push_back(slot);
      continue;
    }
    if (IsExtrude(t)) {
      if (!feature_open || feature.loops.empty())
        return ErrorAt(line_no, "an E: line without loops before it", source);
      for (size_t k = 0; k < feature.loops.size(); ++k) {
        const auto& loop = feature.loops[k];
        if (loop.empty() || (loop.size() == 1 && loop[0].type != CurveType::kCircle))
          return ErrorAt(line_no, "loop " + std::to_string(k) + " has too few curves", source);
      }
      const bool first = current.features.empty();
      feature.operation = next_is_cut ? Operation::kCut
                          : first     ? Operation::kNewBody
                                      : Operation::kJoin;
      if (upper.find("NEWBODY") != std::string::npos || upper.find("NEW BODY") != std::string::npos)
        feature.operation = Operation::kNewBody;
      if (upper.find("JOIN") != std::string::npos) feature.operation = Operation::kJoin;
      if (upper.find("CUT") != std::string::npos) feature.operation = Operation::kCut;
      if (upper.find("INTERSECT") != std::string::npos) feature.operation = Operation::kIntersect;
      feature.extent = Extent::kOneSided;
      if (upper.find("TWOSIDED") != std::string::npos ||
          upper.find("TWO SIDED") != std::string::npos ||
          upper.find("TWO_SIDED") != std::string::npos)
        feature.extent = Extent::kTwoSided;
      if (upper.find("SYMMETRIC") != std::string::npos) feature.extent = Extent::kSymmetric;
      if (first) feature.operation = Operation::kNewBody;  // a part starts with a body
      current.features.push_back(feature);
      feature = FeatureStructure{};
      feature_open = next_is_cut = false;
      continue;
    }
    // Anything else is prose or numbers: skipped.
  }
  IMG2CAD_RETURN_IF_ERROR(finish_block());
  if (parts.empty()) return ErrorAt(line_no, "no part with <SOL> loops and an E: line", source);

  // The category: given, else decided by the names, else the fallback.
  std::string cat = category;
  if (cat.empty()) {
    std::set<std::string> possible(Categories().begin(), Categories().end());
    for (const RawPart& p : parts) {
      std::set<std::string> fits;
      for (const auto& c : Categories())
        if (!LabelForPartName(c, p.name).empty()) fits.insert(c);
      std::set<std::string> both;
      std::set_intersection(possible.begin(), possible.end(), fits.begin(), fits.end(),
                            std::inserter(both, both.begin()));
      if (!both.empty()) possible = both;
    }
    // Words naming the furniture itself ("table top", "cabinet door") narrow it further.
    if (possible.size() > 1) {
      static const std::vector<std::pair<std::string, std::string>> kHints = {
          {"chair", "chair"},     {"stool", "chair"},      {"table", "table"},
          {"desk", "table"},      {"cabinet", "storage"},  {"wardrobe", "storage"},
          {"dresser", "storage"}, {"bookcase", "storage"}, {"cupboard", "storage"}};
      std::set<std::string> hinted;
      for (const RawPart& p : parts) {
        const std::string n = NormaliseName(p.name);
        for (const auto& [word, c] : kHints)
          if (n.find(word) != std::string::npos && possible.count(c)) hinted.insert(c);
      }
      if (hinted.size() == 1) possible = hinted;
    }
    if (possible.size() == 1) {
      cat = *possible.begin();
    } else if (!fallback_category.empty() && possible.count(fallback_category)) {
      cat = fallback_category;
    } else {
      std::string list;
      for (const auto& c : possible) list += (list.empty() ? "" : " or ") + c;
      return ErrorAt(1, "the part names fit " + list + "; give the category", source);
    }
  }
  if (!IsKnownCategory(cat)) return ErrorAt(1, "unknown category '" + cat + "'", source);
  Structure s;
  s.category = cat;
  std::map<std::string, int> instances;
  for (const RawPart& p : parts) {
    const std::string label = LabelForPartName(cat, p.name);
    if (label.empty()) {
      return ErrorAt(p.line, "part name '" + p.name + "' is not a " + cat + " part", source);
    }
    s.parts.push_back({label, instances[label]++, p.features});
  }
  return s;
}

}  // namespace img2cad::program
