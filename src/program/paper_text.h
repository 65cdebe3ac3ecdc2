// The Img2CAD paper's text language for a program's structure, as a vision-language model writes
// it, read into our structure (DESIGN §1) so that any outside VLM can drive stage 2
// (`img2cad predict --structure-text FILE.txt`).
//
// The language: blank-line-separated blocks, one per part, each named by a comment line
// (`# backrest` or `// leg 3`). A part lists its features; a feature is one or more loops, each
// opened by `<SOL>` and followed by its curve lines (`L:` line, `A:` arc, `R:` circle), closed
// by an extrude line `E:`. A `<CUT>` line before a feature's loops makes that feature a cut. The
// `E:` line may name the operation (NewBody, Join, Cut, Intersect) and the extent (OneSided,
// TwoSided, Symmetric); otherwise the first feature is a new body, later ones join, and the
// extent is one-sided. An arc turns counter-clockwise unless its line says CW (or
// "clockwise"). Numbers are ignored: this is the structure only.
//
// Unlike the paper's own parser, cuts, extents and operations are kept. It is forgiving where a
// language model is sloppy: markdown fences, prose blocks without curves, `$<SOL>$`, `L (...)`
// for `L:` and stray numbers are skipped. Part names are mapped to the category's vocabulary by a
// synonym table ("backrest" -> back, "table top" -> top, "leg 3" -> leg, "knob" -> handle, ...).
// Instances are numbered in order of appearance per label.
//
// The category is `category` when not empty; else the one the labels decide (a label only one
// category has, such as apron or door), narrowed by words naming the furniture ("table top",
// "cabinet door"); else `fallback_category` when the names fit it; else an error.
#pragma once

#include <string>

#include "core/status.h"
#include "program/structure.h"

namespace img2cad::program {

// Errors (kParse, placed "line N", naming `source`): a curve before any <SOL>, an E: line
// without loops, a circle sharing its loop, a block with curves but no part name, a part name
// the category's vocabulary cannot take, a part left without an E: line, no part at all, or an
// undecidable category.
core::Result<Structure> ParsePaperText(const std::string& text, const std::string& source = "",
                                       const std::string& category = "",
                                       const std::string& fallback_category = "");

// The vocabulary label for a free-text part name in `category` ("backrest" -> "back"), or empty
// when there is none.
std::string LabelForPartName(const std::string& category, const std::string& name);

}  // namespace img2cad::program
