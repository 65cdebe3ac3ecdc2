#include "program/structure.h"

#include <algorithm>
#include <string>

#include "core/json_format.h"
#include "program/json_reader.h"
#include "program/sketch_geometry.h"

namespace img2cad::program {

namespace {

using namespace internal;  // NOLINT
using OJson = nlohmann::ordered_json;

CurveSlot SlotOf(const Curve& c) {
  if (std::holds_alternative<Line>(c)) return {CurveType::kLine, true};
  if (const auto* a = std::get_if<Arc>(&c)) return {CurveType::kArc, a->ccw};
  return {CurveType::kCircle, true};
}

// "line", "arc" (counter-clockwise), "arc_cw", "circle": the one-word slot names used in both
// written forms.
std::string SlotName(const CurveSlot& s) {
  if (s.type == CurveType::kArc && !s.ccw) return "arc_cw";
  return CurveTypeName(s.type);
}

bool ParseSlot(const std::string& name, CurveSlot* out) {
  if (name == "line")
    *out = {CurveType::kLine, true};
  else if (name == "arc")
    *out = {CurveType::kArc, true};
  else if (name == "arc_cw")
    *out = {CurveType::kArc, false};
  else if (name == "circle")
    *out = {CurveType::kCircle, true};
  else
    return false;
  return true;
}

std::string PartKey(const PartStructure& p) {
  std::string k = p.label + "(";
  for (const auto& f : p.features) {
    for (const auto& loop : f.loops) {
      k += "[";
      for (const auto& s : loop) k += SlotName(s)[0];
      k += "]";
    }
    k += std::string(ExtentName(f.extent)).substr(0, 2) + OperationName(f.operation)[0];
  }
  return k + ")";
}

core::Result<Structure> ReadStructure(const Json& j) {
  IMG2CAD_ASSIGN_OR_RETURN(DocumentHeader header, ReadDocumentHeader(j, kStructureFormatName));
  Structure s;
  s.category = header.category;
  s.symmetry = header.symmetry;
  const Json* parts = header.parts;
  for (size_t i = 0; i < parts->size(); ++i) {
    const std::string w = Index("parts", i);
    IMG2CAD_ASSIGN_OR_RETURN(PartHeader ph, ReadPartHeader((*parts)[i], w));
    PartStructure part{ph.label, ph.instance, {}};
    const Json* features = ph.features;
    for (size_t f = 0; f < features->size(); ++f) {
      const std::string fw = Index(w + ".features", f);
      const Json& fj = (*features)[f];
      IMG2CAD_RETURN_IF_ERROR(ExpectObject(fj, fw, {"loops", "extent", "operation"}));
      FeatureStructure fs;
      IMG2CAD_ASSIGN_OR_RETURN(const Json* loops, Field(fj, fw, "loops"));
      IMG2CAD_RETURN_IF_ERROR(ExpectArray(*loops, fw + ".loops"));
      for (size_t l = 0; l < loops->size(); ++l) {
        const std::string lw = Index(fw + ".loops", l);
        IMG2CAD_RETURN_IF_ERROR(ExpectArray((*loops)[l], lw));
        std::vector<CurveSlot> loop;
        for (size_t c = 0; c < (*loops)[l].size(); ++c) {
          IMG2CAD_ASSIGN_OR_RETURN(std::string name, String((*loops)[l][c], Index(lw, c)));
          CurveSlot slot;
          if (!ParseSlot(name, &slot))
            return Bad(Index(lw, c), "unknown curve type '" + name + "'");
          loop.push_back(slot);
        }
        fs.loops.push_back(std::move(loop));
      }
      IMG2CAD_ASSIGN_OR_RETURN(const Json* extent, Field(fj, fw, "extent"));
      IMG2CAD_ASSIGN_OR_RETURN(
          fs.extent, Named<Extent>(*extent, fw + ".extent", ParseExtent, "extent", kExtentNames));
      IMG2CAD_ASSIGN_OR_RETURN(const Json* op, Field(fj, fw, "operation"));
      IMG2CAD_ASSIGN_OR_RETURN(
          fs.operation,
          Named<Operation>(*op, fw + ".operation", ParseOperation, "operation", kOperationNames));
      part.features.push_back(std::move(fs));
    }
    s.parts.push_back(std::move(part));
  }
  return s;
}

}  // namespace

const char* CurveTypeName(CurveType t) {
  switch (t) {
    case CurveType::kLine:
      return "line";
    case CurveType::kArc:
      return "arc";
    case CurveType::kCircle:
      return "circle";
  }
  return "?";
}

Structure StructureOf(const Program& p) {
  Structure s;
  s.category = p.category;
  s.symmetry = p.symmetry;
  for (const Part& part : p.parts) {
    PartStructure ps{part.label, part.instance, {}};
    for (const Feature& f : part.features) {
      FeatureStructure fs;
      for (const Loop& loop : f.sketch.loops) {
        std::vector<CurveSlot> slots;
        for (const Curve& c : loop) slots.push_back(SlotOf(c));
        fs.loops.push_back(std::move(slots));
      }
      fs.extent = f.extrude.extent;
      fs.operation = f.extrude.operation;
      ps.features.push_back(std::move(fs));
    }
    s.parts.push_back(std::move(ps));
  }
  return s;
}

std::string StructureToJson(const Structure& s) {
  OJson j;
  j["format"] = kStructureFormatName;
  j["category"] = s.category;
  if (s.symmetry != Symmetry::kNone) j["symmetry"] = SymmetryName(s.symmetry);
  OJson parts = OJson::array();
  for (const auto& p : s.parts) {
    OJson features = OJson::array();
    for (const auto& f : p.features) {
      OJson loops = OJson::array();
      for (const auto& loop : f.loops) {
        OJson names = OJson::array();
        for (const auto& slot : loop) names.push_back(SlotName(slot));
        loops.push_back(names);
      }
      features.push_back({{"loops", loops},
                          {"extent", ExtentName(f.extent)},
                          {"operation", OperationName(f.operation)}});
    }
    parts.push_back({{"label", p.label}, {"instance", p.instance}, {"features", features}});
  }
  j["parts"] = parts;
  return core::FormatJson(j);
}

core::Result<Structure> ParseStructure(const std::string& text, const std::string& source) {
  auto json = ParseJsonText(text);
  if (!json.ok()) return json.status().WithFile(source);
  auto s = ReadStructure(json.value());
  if (!s.ok()) return s.status().WithFile(source);
  return s;
}

std::string StructureToText(const Structure& s) {
  std::string out = "# " + s.category + ", " + std::to_string(s.parts.size()) + " parts";
  if (s.symmetry != Symmetry::kNone) out += ", symmetry " + std::string(SymmetryName(s.symmetry));
  out += "\n";
  for (const auto& p : s.parts) {
    out += p.label + " " + std::to_string(p.instance) + "\n";
    for (const auto& f : p.features) {
      out += "  sketch";
      for (const auto& loop : f.loops) {
        out += " [";
        for (size_t i = 0; i < loop.size(); ++i) out += (i ? " " : "") + SlotName(loop[i]);
        out += "]";
      }
      out += "\n  extrude " + std::string(ExtentName(f.extent)) + " " + OperationName(f.operation) +
             "\n";
    }
  }
  return out;
}

std::string StructureKey(const Structure& s) {
  std::vector<std::string> keys;
  for (const auto& p : s.parts) keys.push_back(PartKey(p));
  std::sort(keys.begin(), keys.end());
  std::string out = s.category + ":";
  for (const auto& k : keys) out += k;
  return out;
}

namespace {

// Adds w * b to a, element by element.
template <size_t N>
void AddScaled(std::array<double, N>* a, const std::array<double, N>& b, double w) {
  for (size_t k = 0; k < N; ++k) (*a)[k] += w * b[k];
}

// Every numeric field of `from`, scaled by w, added to `to` (same structure).
void AddProgram(Program* to, const Program& from, double w) {
  for (size_t i = 0; i < to->parts.size(); ++i) {
    for (size_t f = 0; f < to->parts[i].features.size(); ++f) {
      Feature& a = to->parts[i].features[f];
      const Feature& b = from.parts[i].features[f];
      AddScaled(&a.sketch.plane.origin, b.sketch.plane.origin, w);
      AddScaled(&a.sketch.plane.normal, b.sketch.plane.normal, w);
      AddScaled(&a.sketch.plane.x_dir, b.sketch.plane.x_dir, w);
      a.extrude.distance += w * b.extrude.distance;
      a.extrude.distance2 += w * b.extrude.distance2;
      for (size_t l = 0; l < a.sketch.loops.size(); ++l) {
        for (size_t c = 0; c < a.sketch.loops[l].size(); ++c) {
          Curve& ca = a.sketch.loops[l][c];
          const Curve& cb = b.sketch.loops[l][c];
          if (auto* line = std::get_if<Line>(&ca)) {
            AddScaled(&line->to, std::get<Line>(cb).to, w);
          } else if (auto* arc = std::get_if<Arc>(&ca)) {
            AddScaled(&arc->to, std::get<Arc>(cb).to, w);
            arc->sweep_deg += w * std::get<Arc>(cb).sweep_deg;
          } else {
            auto& circle = std::get<Circle>(ca);
            AddScaled(&circle.center, std::get<Circle>(cb).center, w);
            circle.radius += w * std::get<Circle>(cb).radius;
          }
        }
      }
    }
  }
}

}  // namespace

core::Result<Program> MeanProgram(const std::vector<Program>& programs) {
  if (programs.empty()) return core::Status(core::StatusCode::kInvalidArgument, "no programs");
  const Structure structure = StructureOf(programs[0]);
  for (size_t k = 1; k < programs.size(); ++k) {
    if (!(StructureOf(programs[k]) == structure)) {
      return core::Status(core::StatusCode::kInvalidArgument,
                          "program " + std::to_string(k) + " has another structure than program 0");
    }
  }
  Program mean = programs[0];
  AddProgram(&mean, programs[0], -1.0);  // zero every number, keep the structure
  for (const Program& p : programs) AddProgram(&mean, p, 1.0 / programs.size());
  for (Part& part : mean.parts) {
    for (Feature& f : part.features) {
      // The mean directions, made orthonormal again as every sketch frame is.
      auto frame = MakeFrame(f.sketch.plane);
      if (!frame.ok()) {
        return core::Status(
            core::StatusCode::kInvalidArgument,
            PartDisplayName(part) + ": the planes' mean " + frame.status().message());
      }
      f.sketch.plane.normal = frame->n;
      f.sketch.plane.x_dir = frame->u;
    }
  }
  return mean;
}

}  // namespace img2cad::program
