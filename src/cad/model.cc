#include <BRepMesh_IncrementalMesh.hxx>
#include <BRep_Tool.hxx>
#include <Message.hxx>
#include <Message_Messenger.hxx>
#include <Message_PrinterOStream.hxx>
#include <Poly_Triangulation.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Face.hxx>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>

#include "cad/occ_internal.h"
#include "core/check.h"

namespace img2cad::cad {

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const program::Program& Model::program() const { return impl_->program; }
const std::vector<PartReport>& Model::Parts() const { return impl_->reports; }
size_t Model::NumParts() const { return impl_->solids.size(); }

double Model::TotalVolume() const {
  double v = 0;
  for (const auto& r : impl_->reports) v += r.volume_mm3;
  return v;
}

program::Bounds3 Model::Bounds() const {
  program::Bounds3 b;
  if (impl_->reports.empty()) return b;
  b = impl_->reports[0].bounds;
  for (const auto& r : impl_->reports) {
    for (int k = 0; k < 3; ++k) {
      b.min[k] = std::min(b.min[k], r.bounds.min[k]);
      b.max[k] = std::max(b.max[k], r.bounds.max[k]);
    }
  }
  return b;
}

void SilenceKernelOutput() {
  static std::once_flag once;
  std::call_once(once, [] {
    Message::DefaultMessenger()->RemovePrinters(STANDARD_TYPE(Message_PrinterOStream));
  });
}

core::Status EnsureMeshed(Model::Impl& impl, const TessellationOptions& options) {
  if (!(options.linear_deflection_mm > 0) || !(options.angular_deflection_deg > 0)) {
    return core::Status(core::StatusCode::kInvalidArgument, "mesh deflections must be positive");
  }
  const double angular = options.angular_deflection_deg * std::numbers::pi / 180;
  if (impl.meshed_linear == options.linear_deflection_mm && impl.meshed_angular == angular) {
    return core::OkStatus();
  }
  for (size_t i = 0; i < impl.solids.size(); ++i) {
    const std::string where = "parts[" + std::to_string(i) + "]";
    core::Status s = GuardKernel(where, [&]() -> core::Status {
      BRepMesh_IncrementalMesh mesher(impl.solids[i], options.linear_deflection_mm,
                                      /*isRelative=*/false, angular, /*isInParallel=*/false);
      if (!mesher.IsDone()) {
        return core::Status(core::StatusCode::kGeometry, "meshing failed", where);
      }
      return core::OkStatus();
    });
    IMG2CAD_RETURN_IF_ERROR(s);
  }
  impl.meshed_linear = options.linear_deflection_mm;
  impl.meshed_angular = angular;
  return core::OkStatus();
}

core::Result<geom::Mesh> Tessellate(const Model& model, const TessellationOptions& options) {
  // Meshing caches triangulations inside the shapes; Model is logically const throughout.
  Model::Impl& impl = const_cast<Model&>(model).impl();
  IMG2CAD_RETURN_IF_ERROR(EnsureMeshed(impl, options));
  geom::Mesh mesh;
  for (size_t p = 0; p < impl.solids.size(); ++p) {
    for (TopExp_Explorer ex(impl.solids[p], TopAbs_FACE); ex.More(); ex.Next()) {
      const TopoDS_Face& face = TopoDS::Face(ex.Current());
      TopLoc_Location loc;
      Handle(Poly_Triangulation) tri = BRep_Tool::Triangulation(face, loc);
      if (tri.IsNull()) {
        return core::Status(core::StatusCode::kGeometry, "a face has no triangulation",
                            "parts[" + std::to_string(p) + "]");
      }
      const gp_Trsf trsf = loc.Transformation();
      const auto base = static_cast<uint32_t>(mesh.vertices.size());
      for (int i = 1; i <= tri->NbNodes(); ++i) {
        const gp_Pnt pt = tri->Node(i).Transformed(trsf);
        mesh.vertices.push_back(
            {static_cast<float>(pt.X()), static_cast<float>(pt.Y()), static_cast<float>(pt.Z())});
      }
      // Reversed faces carry triangles wound against the outward normal.
      const bool reversed = face.Orientation() == TopAbs_REVERSED;
      for (int i = 1; i <= tri->NbTriangles(); ++i) {
        int a, b, c;
        tri->Triangle(i).Get(a, b, c);
        if (reversed) std::swap(b, c);
        mesh.triangles.push_back({base + a - 1, base + b - 1, base + c - 1});
        mesh.part_ids.push_back(static_cast<int32_t>(p));
      }
    }
  }
  return mesh;
}

std::array<double, 3> PartColor(const std::string& category, const std::string& label) {
  // Muted furniture tones: woods, paints and metals, picked by label id so every program of a
  // category colours its parts the same way.
  static const std::array<double, 3> kPalette[] = {
      {0.80, 0.62, 0.42}, {0.55, 0.36, 0.22}, {0.30, 0.30, 0.32}, {0.70, 0.70, 0.72},
      {0.45, 0.55, 0.40}, {0.62, 0.30, 0.25}, {0.35, 0.45, 0.60}, {0.85, 0.80, 0.70},
      {0.50, 0.42, 0.35}, {0.25, 0.25, 0.25}, {0.75, 0.55, 0.30}, {0.60, 0.60, 0.50},
  };
  const auto idx = program::LabelIndex(category, label);
  const size_t n = sizeof(kPalette) / sizeof(kPalette[0]);
  return kPalette[idx ? static_cast<size_t>(*idx) % n : n - 1];
}

}  // namespace img2cad::cad
