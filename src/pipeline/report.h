// What a person looks at after `predict`: one picture per input and one page for the batch.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "image/image.h"
#include "pipeline/find_object.h"
#include "program/program.h"
#include "render/renderer.h"

namespace img2cad::pipeline {

// The side of each report panel, pixels.
inline constexpr int kReportPanel = 256;

// One input's report: four kReportPanel squares side by side, RGB:
//   the photo (fitted, on white) | the object crop the method saw, outside its mask dimmed |
//   the prediction rendered from the estimated view (`preview`) | the same view with each part
//   in its label's colour (cad::PartColor, as in the GLB and STEP files), shaded by the preview.
// `preview` must carry its part-id map; any size (it is resized to the panel).
image::Image ReportImage(const ObjectImage& object, const render::Frame& preview,
                         const program::Program& program);

// One row of the batch page.
struct ReportRow {
  std::string name;    // OUT/<name>/
  std::string input;   // the photo's path as given
  std::string status;  // ok, uncertain, no_object, failed
  std::string category;
  double confidence = -1;   // < 0: none
  std::string message;      // why: the error (failed, no_object) or the reason (uncertain)
  bool has_report = false;  // OUT/<name>/report.png exists
};

// A self-contained HTML page (no scripts, no outside resources): a summary line, then per input
// its name, status, category, confidence and report.png (or the message). Text is escaped.
std::string ReportPage(const std::string& title, const std::vector<ReportRow>& rows);

}  // namespace img2cad::pipeline
