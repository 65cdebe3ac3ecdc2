// Reading and writing img2cad.program/1 JSON (DESIGN §4).
//
// Parsing checks the shape of the document: syntax, required fields, types, finite numbers and
// known enum names. It does not check geometry or labels; ValidateProgram (program/validate.h)
// does that. Every error names the place: "12:7" for syntax errors, a JSON path such as
// "parts[3].features[0].sketch.loops[1][2].arc.sweep_deg" otherwise. Unknown keys are errors,
// so that a misspelt "distance2" cannot silently vanish.
//
// ProgramToJson writes a canonical form; ParseProgram(ProgramToJson(p)) == p exactly.
#pragma once

#include <string>

#include "core/status.h"
#include "program/program.h"

namespace img2cad::program {

// Parses JSON text. `source` names the input in errors (a file name, or "<stdin>").
core::Result<Program> ParseProgram(const std::string& text, const std::string& source = "");

// Reads and parses a file; errors name the file.
core::Result<Program> ReadProgramFile(const std::string& path);

// Canonical JSON text of a program (ends with a newline).
std::string ProgramToJson(const Program& program);

}  // namespace img2cad::program
