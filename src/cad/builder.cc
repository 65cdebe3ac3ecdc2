// Program -> one checked solid per part. The order of checks follows the measurements in
// shared/reference/dependencies-measured.md §3: OCC reports success for self-intersecting and
// open profiles and for booleans with invalid inputs, so every stage is checked explicitly.
#include <BRepAlgoAPI_Check.hxx>
#include <BRepAlgoAPI_Common.hxx>
#include <BRepAlgoAPI_Cut.hxx>
#include <BRepAlgoAPI_Fuse.hxx>
#include <BRepBndLib.hxx>
#include <BRepBuilderAPI_MakeEdge.hxx>
#include <BRepBuilderAPI_MakeFace.hxx>
#include <BRepBuilderAPI_MakeWire.hxx>
#include <BRepBuilderAPI_Transform.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <BRepPrimAPI_MakePrism.hxx>
#include <BRep_Tool.hxx>
#include <Bnd_Box.hxx>
#include <GC_MakeArcOfCircle.hxx>
#include <GProp_GProps.hxx>
#include <Precision.hxx>
#include <ShapeAnalysis_Wire.hxx>
#include <ShapeUpgrade_UnifySameDomain.hxx>
#include <TopExp_Explorer.hxx>
#include <TopTools_ListOfShape.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Edge.hxx>
#include <TopoDS_Face.hxx>
#include <TopoDS_Wire.hxx>
#include <gp_Ax2.hxx>
#include <gp_Ax3.hxx>
#include <gp_Circ.hxx>
#include <gp_Pln.hxx>

#include <algorithm>
#include <cmath>
#include <optional>

#include "cad/occ_internal.h"
#include "core/parallel.h"
#include "program/sketch_geometry.h"
#include "program/validate.h"

namespace img2cad::cad {

namespace {

using core::Result;
using core::Status;
using core::StatusCode;
using program::Vec2;
using program::Vec3;

// Solids smaller than this are empty (mm³): a cut that leaves a sliver of 1e-6 mm³ left nothing.
constexpr double kMinVolume = 1e-6;

Status GeomError(const std::string& where, const std::string& msg) {
  return Status(StatusCode::kGeometry, msg, where);
}

gp_Pnt ToPnt(const Vec3& p) { return gp_Pnt(p[0], p[1], p[2]); }
gp_Dir ToDir(const Vec3& d) { return gp_Dir(d[0], d[1], d[2]); }

double Volume(const TopoDS_Shape& s) {
  GProp_GProps props;
  BRepGProp::VolumeProperties(s, props);
  return props.Mass();
}

Result<TopoDS_Wire> MakeLoopWire(const program::Loop& loop, const program::Frame& frame,
                                 const std::string& where) {
  BRepBuilderAPI_MakeWire mw;
  if (const auto* c = std::get_if<program::Circle>(&loop.front())) {
    gp_Circ circ(gp_Ax2(ToPnt(frame.ToWorld(c->center)), ToDir(frame.n), ToDir(frame.u)),
                 c->radius);
    mw.Add(BRepBuilderAPI_MakeEdge(circ).Edge());
  } else {
    for (size_t i = 0; i < loop.size(); ++i) {
      const std::string cw = where + "[" + std::to_string(i) + "]";
      const Vec2 start = program::ChainStart(loop, i);
      TopoDS_Edge edge;
      if (const auto* l = std::get_if<program::Line>(&loop[i])) {
        BRepBuilderAPI_MakeEdge me(ToPnt(frame.ToWorld(start)), ToPnt(frame.ToWorld(l->to)));
        if (!me.IsDone()) return GeomError(cw, "cannot make a line edge");
        edge = me.Edge();
      } else {
        const auto& a = std::get<program::Arc>(loop[i]);
        auto g = program::ComputeArc(start, a);
        if (!g) return GeomError(cw, "degenerate arc");
        GC_MakeArcOfCircle arc(ToPnt(frame.ToWorld(start)), ToPnt(frame.ToWorld(g->PointAt(0.5))),
                               ToPnt(frame.ToWorld(a.to)));
        if (!arc.IsDone()) return GeomError(cw, "cannot make an arc through its three points");
        edge = BRepBuilderAPI_MakeEdge(arc.Value()).Edge();
      }
      mw.Add(edge);
      if (!mw.IsDone()) return GeomError(cw, "curve does not connect to the previous one");
    }
  }
  if (!mw.IsDone()) return GeomError(where, "cannot make a wire");
  TopoDS_Wire wire = mw.Wire();
  if (!BRep_Tool::IsClosed(wire)) return GeomError(where, "loop is not closed");
  return wire;
}

Result<TopoDS_Face> MakeProfile(const program::Sketch& sketch, const program::Frame& frame,
                                const std::string& where) {
  const gp_Pln plane(gp_Ax3(ToPnt(frame.origin), ToDir(frame.n), ToDir(frame.u)));
  std::vector<TopoDS_Wire> wires;
  for (size_t l = 0; l < sketch.loops.size(); ++l) {
    const std::string lw = where + ".loops[" + std::to_string(l) + "]";
    IMG2CAD_ASSIGN_OR_RETURN(TopoDS_Wire wire, MakeLoopWire(sketch.loops[l], frame, lw));
    // The outer wire must run counter-clockwise about the normal and holes clockwise; the loop's
    // exact signed area in (u, v) says which way it was written.
    const bool ccw = program::LoopSignedArea(sketch.loops[l]) > 0;
    if (ccw != (l == 0)) wire.Reverse();
    wires.push_back(wire);
  }
  BRepBuilderAPI_MakeFace mf(plane, wires[0], /*Inside=*/true);
  for (size_t h = 1; h < wires.size(); ++h) mf.Add(wires[h]);
  if (!mf.IsDone()) return GeomError(where, "cannot make a face from the loops");
  TopoDS_Face face = mf.Face();
  for (size_t l = 0; l < wires.size(); ++l) {
    ShapeAnalysis_Wire saw(wires[l], face, Precision::Confusion());
    if (saw.CheckSelfIntersection()) {
      return GeomError(where + ".loops[" + std::to_string(l) + "]", "loop crosses itself");
    }
  }
  if (!BRepCheck_Analyzer(face).IsValid()) return GeomError(where, "the profile face is invalid");
  return face;
}

Result<TopoDS_Shape> Extrude(const TopoDS_Face& face, const program::Extrude& e,
                             const program::Frame& frame, const std::string& where) {
  double below = 0, above = e.distance;
  if (e.extent == program::Extent::kSymmetric) below = e.distance, above = e.distance;
  if (e.extent == program::Extent::kTwoSided) below = e.distance2;
  const double total = below + above;
  if (!(total > Precision::Confusion())) return GeomError(where, "extrusion length is zero");
  const gp_Vec n(frame.n[0], frame.n[1], frame.n[2]);
  TopoDS_Shape base = face;
  if (below > 0) {
    gp_Trsf shift;
    shift.SetTranslation(-below * n);
    base = BRepBuilderAPI_Transform(face, shift, /*Copy=*/true).Shape();
  }
  BRepPrimAPI_MakePrism prism(base, total * n);
  if (!prism.IsDone()) return GeomError(where, "extrusion failed");
  return prism.Shape();
}

// The solids inside a shape (a boolean result is a compound).
std::vector<TopoDS_Solid> SolidsOf(const TopoDS_Shape& s) {
  std::vector<TopoDS_Solid> out;
  for (TopExp_Explorer ex(s, TopAbs_SOLID); ex.More(); ex.Next())
    out.push_back(TopoDS::Solid(ex.Current()));
  return out;
}

Result<TopoDS_Shape> Combine(const TopoDS_Shape& body, const TopoDS_Shape& tool,
                             program::Operation op, const std::string& where) {
  std::unique_ptr<BRepAlgoAPI_BooleanOperation> algo;
  switch (op) {
    case program::Operation::kNewBody:
    case program::Operation::kJoin:
      algo = std::make_unique<BRepAlgoAPI_Fuse>();
      break;
    case program::Operation::kCut:
      algo = std::make_unique<BRepAlgoAPI_Cut>();
      break;
    case program::Operation::kIntersect:
      algo = std::make_unique<BRepAlgoAPI_Common>();
      break;
  }
  TopTools_ListOfShape arguments, tools;
  arguments.Append(body);
  tools.Append(tool);
  algo->SetArguments(arguments);
  algo->SetTools(tools);
  algo->SetUseOBB(true);  // oriented boxes discard non-touching face pairs early
  algo->Build();
  if (!algo->IsDone() || algo->HasErrors()) {
    return GeomError(where, std::string(program::OperationName(op)) + " failed in the kernel");
  }
  // Merge the coplanar faces a fuse leaves behind, so a join reads as one clean solid.
  ShapeUpgrade_UnifySameDomain unify(algo->Shape(), true, true, false);
  unify.Build();
  return unify.Shape();
}

Result<TopoDS_Solid> BuildPart(const program::Part& part, const std::string& where) {
  TopoDS_Shape body;
  for (size_t f = 0; f < part.features.size(); ++f) {
    const program::Feature& feat = part.features[f];
    const std::string fw = where + ".features[" + std::to_string(f) + "]";
    auto frame = program::MakeFrame(feat.sketch.plane);
    if (!frame.ok()) return frame.status().WithPrefix(fw + ".sketch.plane");
    IMG2CAD_ASSIGN_OR_RETURN(TopoDS_Face face, MakeProfile(feat.sketch, *frame, fw + ".sketch"));
    IMG2CAD_ASSIGN_OR_RETURN(TopoDS_Shape prism,
                             Extrude(face, feat.extrude, *frame, fw + ".extrude"));
    if (f == 0) {
      body = prism;
    } else {
      IMG2CAD_ASSIGN_OR_RETURN(body, Combine(body, prism, feat.extrude.operation, fw));
    }
    const auto solids = SolidsOf(body);
    const char* op = program::OperationName(feat.extrude.operation);
    // A prism of a valid face has the face's area times its length; only a boolean can empty it.
    if (solids.empty() || (f > 0 && Volume(body) < kMinVolume)) {
      return GeomError(fw, std::string(op) + " leaves the part empty");
    }
    if (solids.size() > 1) {
      return GeomError(fw, std::string(op) + " leaves the part in " +
                               std::to_string(solids.size()) +
                               " separate solids; a part must be one solid");
    }
    // The result of the last feature is checked with the finished part in BuildModel; earlier
    // results are inputs to the next boolean, which must not be fed an invalid solid.
    if (f > 0 && f + 1 < part.features.size() && !BRepCheck_Analyzer(solids[0]).IsValid()) {
      return GeomError(fw, std::string(op) + " produced an invalid solid");
    }
    body = solids[0];
  }
  return TopoDS::Solid(body);
}

PartReport Report(const program::Part& part, const TopoDS_Solid& solid) {
  PartReport r;
  r.label = part.label;
  r.instance = part.instance;
  r.name = program::PartDisplayName(part);
  GProp_GProps vol, area;
  BRepGProp::VolumeProperties(solid, vol);
  BRepGProp::SurfaceProperties(solid, area);
  r.volume_mm3 = vol.Mass();
  r.area_mm2 = area.Mass();
  Bnd_Box box;
  // Analytic boxes of lines, circles, planes and cylinders: exact for our prisms, and far cheaper
  // than AddOptimal, which runs an optimiser per face.
  BRepBndLib::Add(solid, box, /*useTriangulation=*/false);
  box.SetGap(0.0);
  double x0, y0, z0, x1, y1, z1;
  box.Get(x0, y0, z0, x1, y1, z1);
  r.bounds.min = {x0, y0, z0};
  r.bounds.max = {x1, y1, z1};
  for (TopExp_Explorer ex(solid, TopAbs_FACE); ex.More(); ex.Next()) ++r.num_faces;
  return r;
}

}  // namespace

namespace {

// Builds, checks and measures one part; safe to run concurrently for different parts, since
// OpenCASCADE algorithms on unrelated shapes share no mutable state.
Result<std::pair<TopoDS_Solid, PartReport>> BuildCheckedPart(const program::Part& part,
                                                             size_t index,
                                                             const BuildOptions& options) {
  const std::string where = "parts[" + std::to_string(index) + "]";
  return GuardKernel(where, [&]() -> Result<std::pair<TopoDS_Solid, PartReport>> {
    IMG2CAD_ASSIGN_OR_RETURN(TopoDS_Solid solid, BuildPart(part, where));
    if (!BRepCheck_Analyzer(solid).IsValid())
      return GeomError(where, "the part's solid is invalid");
    const bool si = options.self_interference == SelfInterferenceCheck::kEveryPart ||
                    (options.self_interference == SelfInterferenceCheck::kAfterBooleans &&
                     part.features.size() > 1);
    if (si) {
      BRepAlgoAPI_Check check;
      check.SetData(solid, /*bTestSE=*/true, /*bTestSI=*/true);
      check.SetUseOBB(true);
      check.Perform();
      if (!check.IsValid()) return GeomError(where, "the part's solid interferes with itself");
    }
    PartReport report = Report(part, solid);
    if (report.volume_mm3 < kMinVolume) return GeomError(where, "the part is empty");
    report.valid = true;
    return std::make_pair(solid, report);
  });
}

}  // namespace

Result<Model> BuildModel(const program::Program& program, const BuildOptions& options) {
  IMG2CAD_RETURN_IF_ERROR(program::Validate(program));
  SilenceKernelOutput();
  const size_t n = program.parts.size();
  std::vector<std::optional<Result<std::pair<TopoDS_Solid, PartReport>>>> results(n);
  // Workers take parts in turn; results land in their own slots, so the outcome, and the error
  // reported (the first failing part in document order), do not depend on scheduling.
  // Longest first: the kernel's cost grows with the number of curves, and a boolean costs several
  // plain extrusions, so the heaviest parts start first and the threads finish together.
  std::vector<size_t> order(n), cost(n, 0);
  for (size_t i = 0; i < n; ++i) {
    order[i] = i;
    for (size_t f = 0; f < program.parts[i].features.size(); ++f) {
      size_t curves = 0;
      for (const auto& loop : program.parts[i].features[f].sketch.loops) curves += loop.size();
      cost[i] += curves * (f == 0 ? 1 : 4);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return cost[a] > cost[b]; });
  core::ParallelFor(n, options.num_threads, [&](size_t k, int) {
    const size_t i = order[k];
    results[i] = BuildCheckedPart(program.parts[i], i, options);
  });

  auto impl = std::make_unique<Model::Impl>();
  impl->program = program;
  for (size_t i = 0; i < n; ++i) {
    if (!results[i]->ok()) return results[i]->status();
    impl->solids.push_back(results[i]->value().first);
    impl->reports.push_back(results[i]->value().second);
  }
  return Model(std::move(impl));
}

}  // namespace img2cad::cad
