// Private to cad/: the OpenCASCADE side of Model, and the guard that turns kernel exceptions
// into Status. Never include this from another module.
#pragma once

#include <Standard_Failure.hxx>
#include <TopoDS_Shape.hxx>
#include <TopoDS_Solid.hxx>

#include <exception>
#include <string>
#include <vector>

#include "cad/model.h"
#include "core/status.h"

namespace img2cad::cad {

struct Model::Impl {
  program::Program program;
  std::vector<TopoDS_Solid> solids;  // solids[i] belongs to program.parts[i]
  std::vector<PartReport> reports;
  // Resolution the solids are currently triangulated at; 0 when never meshed.
  double meshed_linear = 0, meshed_angular = 0;
};

// Removes OpenCASCADE's console printers once, so the kernel never writes to our stdout.
void SilenceKernelOutput();

// Triangulates every solid at `options` unless that was already done.
core::Status EnsureMeshed(Model::Impl& impl, const TessellationOptions& options);

// Runs `fn` (returning core::Status or core::Result<T>), converting any exception thrown inside
// OpenCASCADE into a kGeometry error at `where`.
template <typename Fn>
auto GuardKernel(const std::string& where, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Standard_Failure& e) {
    const char* msg = e.GetMessageString();
    return core::Status(core::StatusCode::kGeometry,
                        std::string("OpenCASCADE failed: ") + e.DynamicType()->Name() +
                            (msg && *msg ? std::string(": ") + msg : std::string()),
                        where);
  } catch (const std::exception& e) {
    return core::Status(core::StatusCode::kGeometry, std::string("OpenCASCADE failed: ") + e.what(),
                        where);
  }
}

}  // namespace img2cad::cad
