// Triangle meshes from outside: scans and catalogue models in OBJ or STL, read by OpenCASCADE's
// own readers (RWObj, RWStl), for scoring predictions against geometry that no program made.
#pragma once

#include <string>

#include "core/status.h"
#include "geom/mesh.h"

namespace img2cad::cad {

// Reads the triangles of an OBJ or STL file (ASCII or binary; chosen by the extension, any
// case), coordinates as stored and multiplied by `scale` (e.g. 1000 for a file in metres, to get
// millimetres). Every triangle gets part id 0; materials, groups and normals are ignored.
// Errors: kNotFound for a missing file; kInvalidArgument for another extension or scale <= 0;
// kParse naming the file when it cannot be read or holds no triangle.
core::Result<geom::Mesh> ReadMeshFile(const std::string& path, double scale = 1.0);

}  // namespace img2cad::cad
