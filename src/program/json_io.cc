#include "program/json_io.h"

#include "core/file_io.h"
#include "core/json_format.h"
#include "program/json_reader.h"

namespace img2cad::program {

namespace {

using namespace internal;  // NOLINT: the reader helpers are this file's vocabulary
using OJson = nlohmann::ordered_json;

core::Result<Curve> ReadCurve(const Json& j, const std::string& where) {
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(j, where, {"line", "arc", "circle"}));
  if (j.size() != 1)
    return Bad(where, "a curve is an object with exactly one of line, arc, circle");
  if (auto it = j.find("line"); it != j.end()) {
    const std::string w = where + ".line";
    IMG2CAD_RETURN_IF_ERROR(ExpectObject(*it, w, {"to"}));
    IMG2CAD_ASSIGN_OR_RETURN(const Json* to, Field(*it, w, "to"));
    Line line;
    IMG2CAD_ASSIGN_OR_RETURN(line.to, Vector<2>(*to, w + ".to"));
    return Curve(line);
  }
  if (auto it = j.find("arc"); it != j.end()) {
    const std::string w = where + ".arc";
    IMG2CAD_RETURN_IF_ERROR(ExpectObject(*it, w, {"to", "sweep_deg", "ccw"}));
    Arc arc;
    IMG2CAD_ASSIGN_OR_RETURN(const Json* to, Field(*it, w, "to"));
    IMG2CAD_ASSIGN_OR_RETURN(arc.to, Vector<2>(*to, w + ".to"));
    IMG2CAD_ASSIGN_OR_RETURN(const Json* sweep, Field(*it, w, "sweep_deg"));
    IMG2CAD_ASSIGN_OR_RETURN(arc.sweep_deg, Number(*sweep, w + ".sweep_deg"));
    IMG2CAD_ASSIGN_OR_RETURN(const Json* ccw, Field(*it, w, "ccw"));
    IMG2CAD_ASSIGN_OR_RETURN(arc.ccw, Bool(*ccw, w + ".ccw"));
    return Curve(arc);
  }
  const Json& c = j.at("circle");
  const std::string w = where + ".circle";
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(c, w, {"center", "radius"}));
  Circle circle;
  IMG2CAD_ASSIGN_OR_RETURN(const Json* center, Field(c, w, "center"));
  IMG2CAD_ASSIGN_OR_RETURN(circle.center, Vector<2>(*center, w + ".center"));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* radius, Field(c, w, "radius"));
  IMG2CAD_ASSIGN_OR_RETURN(circle.radius, Number(*radius, w + ".radius"));
  return Curve(circle);
}

core::Result<Sketch> ReadSketch(const Json& j, const std::string& where) {
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(j, where, {"plane", "loops"}));
  Sketch s;
  IMG2CAD_ASSIGN_OR_RETURN(const Json* plane, Field(j, where, "plane"));
  const std::string pw = where + ".plane";
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(*plane, pw, {"origin", "normal", "x_dir"}));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* origin, Field(*plane, pw, "origin"));
  IMG2CAD_ASSIGN_OR_RETURN(s.plane.origin, Vector<3>(*origin, pw + ".origin"));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* normal, Field(*plane, pw, "normal"));
  IMG2CAD_ASSIGN_OR_RETURN(s.plane.normal, Vector<3>(*normal, pw + ".normal"));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* x_dir, Field(*plane, pw, "x_dir"));
  IMG2CAD_ASSIGN_OR_RETURN(s.plane.x_dir, Vector<3>(*x_dir, pw + ".x_dir"));

  IMG2CAD_ASSIGN_OR_RETURN(const Json* loops, Field(j, where, "loops"));
  const std::string lw = where + ".loops";
  IMG2CAD_RETURN_IF_ERROR(ExpectArray(*loops, lw));
  for (size_t l = 0; l < loops->size(); ++l) {
    const std::string w = Index(lw, l);
    IMG2CAD_RETURN_IF_ERROR(ExpectArray((*loops)[l], w));
    Loop loop;
    for (size_t c = 0; c < (*loops)[l].size(); ++c) {
      IMG2CAD_ASSIGN_OR_RETURN(Curve curve, ReadCurve((*loops)[l][c], Index(w, c)));
      loop.push_back(curve);
    }
    s.loops.push_back(std::move(loop));
  }
  return s;
}

core::Result<Extrude> ReadExtrude(const Json& j, const std::string& where) {
  IMG2CAD_RETURN_IF_ERROR(ExpectObject(j, where, {"extent", "distance", "distance2", "operation"}));
  Extrude e;
  IMG2CAD_ASSIGN_OR_RETURN(const Json* extent, Field(j, where, "extent"));
  IMG2CAD_ASSIGN_OR_RETURN(
      e.extent, Named<Extent>(*extent, where + ".extent", ParseExtent, "extent", kExtentNames));
  IMG2CAD_ASSIGN_OR_RETURN(const Json* distance, Field(j, where, "distance"));
  IMG2CAD_ASSIGN_OR_RETURN(e.distance, Number(*distance, where + ".distance"));
  if (e.extent == Extent::kTwoSided) {
    IMG2CAD_ASSIGN_OR_RETURN(const Json* d2, Field(j, where, "distance2"));
    IMG2CAD_ASSIGN_OR_RETURN(e.distance2, Number(*d2, where + ".distance2"));
  } else if (j.contains("distance2")) {
    return Bad(where + ".distance2", "distance2 is only used by a two_sided extent");
  }
  IMG2CAD_ASSIGN_OR_RETURN(const Json* op, Field(j, where, "operation"));
  IMG2CAD_ASSIGN_OR_RETURN(e.operation, Named<Operation>(*op, where + ".operation", ParseOperation,
                                                         "operation", kOperationNames));
  return e;
}

core::Result<Program> ReadProgram(const Json& j) {
  IMG2CAD_ASSIGN_OR_RETURN(DocumentHeader header, ReadDocumentHeader(j, kFormatName));
  Program p;
  p.category = header.category;
  p.symmetry = header.symmetry;
  const Json* parts = header.parts;
  for (size_t i = 0; i < parts->size(); ++i) {
    const std::string w = Index("parts", i);
    IMG2CAD_ASSIGN_OR_RETURN(PartHeader ph, ReadPartHeader((*parts)[i], w));
    Part part{ph.label, ph.instance, {}};
    const Json* features = ph.features;
    for (size_t f = 0; f < features->size(); ++f) {
      const std::string fw = Index(w + ".features", f);
      const Json& fj = (*features)[f];
      IMG2CAD_RETURN_IF_ERROR(ExpectObject(fj, fw, {"sketch", "extrude"}));
      Feature feature;
      IMG2CAD_ASSIGN_OR_RETURN(const Json* sketch, Field(fj, fw, "sketch"));
      IMG2CAD_ASSIGN_OR_RETURN(feature.sketch, ReadSketch(*sketch, fw + ".sketch"));
      IMG2CAD_ASSIGN_OR_RETURN(const Json* extrude, Field(fj, fw, "extrude"));
      IMG2CAD_ASSIGN_OR_RETURN(feature.extrude, ReadExtrude(*extrude, fw + ".extrude"));
      part.features.push_back(std::move(feature));
    }
    p.parts.push_back(std::move(part));
  }
  return p;
}

OJson Vec(const Vec2& v) { return OJson::array({v[0], v[1]}); }
OJson Vec(const Vec3& v) { return OJson::array({v[0], v[1], v[2]}); }

OJson CurveJson(const Curve& c) {
  if (const auto* l = std::get_if<Line>(&c)) return {{"line", {{"to", Vec(l->to)}}}};
  if (const auto* a = std::get_if<Arc>(&c)) {
    return {{"arc", {{"to", Vec(a->to)}, {"sweep_deg", a->sweep_deg}, {"ccw", a->ccw}}}};
  }
  const auto& ci = std::get<Circle>(c);
  return {{"circle", {{"center", Vec(ci.center)}, {"radius", ci.radius}}}};
}

}  // namespace

core::Result<Program> ParseProgram(const std::string& text, const std::string& source) {
  auto json = ParseJsonText(text);
  if (!json.ok()) return json.status().WithFile(source);
  auto program = ReadProgram(json.value());
  if (!program.ok()) return program.status().WithFile(source);
  return program;
}

core::Result<Program> ReadProgramFile(const std::string& path) {
  IMG2CAD_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  return ParseProgram(text, path);
}

std::string ProgramToJson(const Program& p) {
  OJson j;
  j["format"] = kFormatName;
  j["category"] = p.category;
  if (p.symmetry != Symmetry::kNone) j["symmetry"] = SymmetryName(p.symmetry);
  OJson parts = OJson::array();
  for (const Part& part : p.parts) {
    OJson features = OJson::array();
    for (const Feature& f : part.features) {
      OJson loops = OJson::array();
      for (const Loop& loop : f.sketch.loops) {
        OJson curves = OJson::array();
        for (const Curve& c : loop) curves.push_back(CurveJson(c));
        loops.push_back(curves);
      }
      OJson extrude = {{"extent", ExtentName(f.extrude.extent)}, {"distance", f.extrude.distance}};
      if (f.extrude.extent == Extent::kTwoSided) extrude["distance2"] = f.extrude.distance2;
      extrude["operation"] = OperationName(f.extrude.operation);
      const Plane& pl = f.sketch.plane;
      features.push_back(
          {{"sketch",
            {{"plane",
              {{"origin", Vec(pl.origin)}, {"normal", Vec(pl.normal)}, {"x_dir", Vec(pl.x_dir)}}},
             {"loops", loops}}},
           {"extrude", extrude}});
    }
    parts.push_back({{"label", part.label}, {"instance", part.instance}, {"features", features}});
  }
  j["parts"] = parts;
  return core::FormatJson(j);
}

}  // namespace img2cad::program
