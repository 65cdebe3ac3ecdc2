// Module-internal: an Embree device holding one committed scene of one triangle mesh (geometry
// 0), released together. SurfaceIndex (closest-point queries) and SilhouetteRenderer (rays) both
// build their scene once and query it many times. Never included from a public header.
#pragma once

#include <embree3/rtcore.h>

#include <memory>

#include "core/status.h"
#include "geom/mesh.h"

namespace img2cad::render::internal {

struct MeshScene {
  RTCDevice device = nullptr;
  RTCScene scene = nullptr;
  MeshScene() = default;
  MeshScene(const MeshScene&) = delete;
  MeshScene& operator=(const MeshScene&) = delete;
  ~MeshScene() {
    if (scene) rtcReleaseScene(scene);
    if (device) rtcReleaseDevice(device);
  }
};

// A single-threaded device and the scene of `mesh`. Errors: kInvalidArgument for a mesh without
// triangles or with a triangle that refers to a missing vertex; kInternal when Embree fails.
inline core::Result<std::unique_ptr<MeshScene>> BuildMeshScene(const geom::Mesh& mesh) {
  using core::Status;
  using core::StatusCode;
  if (mesh.triangles.empty()) return Status(StatusCode::kInvalidArgument, "mesh has no triangles");
  for (const auto& t : mesh.triangles)
    for (uint32_t i : t)
      if (i >= mesh.vertices.size())
        return Status(StatusCode::kInvalidArgument, "triangle refers to a missing vertex");
  auto s = std::make_unique<MeshScene>();
  s->device = rtcNewDevice("threads=1");
  if (!s->device) return Status(StatusCode::kInternal, "cannot create an Embree device");
  s->scene = rtcNewScene(s->device);
  RTCGeometry g = rtcNewGeometry(s->device, RTC_GEOMETRY_TYPE_TRIANGLE);
  auto* vb = static_cast<float*>(rtcSetNewGeometryBuffer(
      g, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3, 3 * sizeof(float), mesh.vertices.size()));
  auto* ib = static_cast<unsigned*>(rtcSetNewGeometryBuffer(
      g, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3, 3 * sizeof(unsigned), mesh.triangles.size()));
  if (!vb || !ib) {
    rtcReleaseGeometry(g);
    return Status(StatusCode::kInternal, "Embree cannot allocate the mesh buffers");
  }
  for (size_t i = 0; i < mesh.vertices.size(); ++i)
    for (int k = 0; k < 3; ++k) vb[3 * i + k] = mesh.vertices[i][k];
  for (size_t i = 0; i < mesh.triangles.size(); ++i)
    for (int k = 0; k < 3; ++k) ib[3 * i + k] = mesh.triangles[i][k];
  rtcCommitGeometry(g);
  rtcAttachGeometry(s->scene, g);
  rtcReleaseGeometry(g);
  rtcCommitScene(s->scene);
  if (rtcGetDeviceError(s->device) != RTC_ERROR_NONE)
    return Status(StatusCode::kInternal, "Embree failed to build the scene");
  return s;
}

}  // namespace img2cad::render::internal
