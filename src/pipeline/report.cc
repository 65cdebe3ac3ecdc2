#include "pipeline/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "cad/model.h"
#include "core/check.h"

namespace img2cad::pipeline {

namespace {

// `src` (grey, RGB or RGBA) fitted into a size x size white square, aspect kept.
image::Image Fit(const image::Image& src, int size) {
  image::Image out(size, size, 3, 255);
  if (src.empty()) return out;
  const image::Image rgb = image::ConvertChannels(src, 3);
  const double scale = static_cast<double>(size) / std::max(rgb.width, rgb.height);
  const int w = std::max(1, static_cast<int>(std::lround(rgb.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(rgb.height * scale)));
  const image::Image small = image::Resize(rgb, w, h);
  const int x0 = (size - w) / 2, y0 = (size - h) / 2;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) out.at(x0 + x, y0 + y, c) = small.at(x, y, c);
  return out;
}

void Paste(const image::Image& panel, int index, image::Image* sheet) {
  for (int y = 0; y < panel.height; ++y)
    for (int x = 0; x < panel.width; ++x)
      for (int c = 0; c < 3; ++c) sheet->at(index * kReportPanel + x, y, c) = panel.at(x, y, c);
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

image::Image ReportImage(const ObjectImage& object, const render::Frame& preview,
                         const program::Program& program) {
  IMG2CAD_CHECK(preview.part_id.size() ==
                static_cast<size_t>(preview.rgb.width) * preview.rgb.height)
      << "the preview needs its part-id map";
  const int n = kReportPanel;
  image::Image sheet(4 * n, n, 3, 255);
  Paste(Fit(object.photo(), n), 0, &sheet);

  // What the method saw: the crop, with what the mask left out dimmed.
  const image::Crop crop = object.Crop(n);
  image::Image seen = crop.rgb;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double keep = 0.3 + 0.7 * crop.mask.at(x, y, 0) / 255.0;
      for (int c = 0; c < 3; ++c)
        seen.at(x, y, c) = static_cast<uint8_t>(std::lround(seen.at(x, y, c) * keep));
    }
  Paste(seen, 1, &sheet);
  Paste(Fit(preview.rgb, n), 2, &sheet);

  // Part colours, shaded by the preview's brightness so that the form stays readable.
  image::Image parts(preview.rgb.width, preview.rgb.height, 3, 255);
  std::map<int, std::array<double, 3>> colours;
  for (size_t i = 0; i < program.parts.size(); ++i)
    colours[static_cast<int>(i)] = cad::PartColor(program.category, program.parts[i].label);
  for (int y = 0; y < parts.height; ++y)
    for (int x = 0; x < parts.width; ++x) {
      const int id = preview.part_id[static_cast<size_t>(y) * parts.width + x];
      auto it = colours.find(id);
      if (it == colours.end()) continue;
      double lum = 0;
      for (int c = 0; c < 3; ++c) lum += preview.rgb.at(x, y, c) / 3.0;
      const double shade = 0.45 + 0.75 * lum / 255.0;
      for (int c = 0; c < 3; ++c)
        parts.at(x, y, c) =
            static_cast<uint8_t>(std::clamp(std::lround(255 * it->second[c] * shade), 0L, 255L));
    }
  Paste(Fit(parts, n), 3, &sheet);
  return sheet;
}

std::string ReportPage(const std::string& title, const std::vector<ReportRow>& rows) {
  std::map<std::string, int> counts;
  for (const auto& r : rows) ++counts[r.status];
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                     Escape(title) +
                     "</title>\n<style>body{font-family:sans-serif;margin:1em}"
                     "div.r{margin:0 0 1.2em 0}img{max-width:100%;border:1px solid #ccc}"
                     ".ok{color:#1a7f37}.uncertain{color:#b35900}.no_object,.failed{color:#c62828}"
                     "span.k{color:#666}</style></head><body>\n<h1>" +
                     Escape(title) + "</h1>\n<p>" + std::to_string(rows.size()) + " inputs";
  for (const char* s : {"ok", "uncertain", "no_object", "failed"})
    html += ", " + std::to_string(counts[s]) + " " + s;
  html +=
      ". Each report: the photo | the crop the method saw (outside the mask dimmed) | the "
      "prediction from the estimated view | its parts by label.</p>\n";
  for (const auto& r : rows) {
    html += "<div class=\"r\"><b>" + Escape(r.name) + "</b> <span class=\"" + Escape(r.status) +
            "\">" + Escape(r.status) + "</span>";
    if (!r.category.empty()) html += " <span class=\"k\">category</span> " + Escape(r.category);
    if (r.confidence >= 0) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", r.confidence);
      html += std::string(" <span class=\"k\">confidence</span> ") + buf;
    }
    html += " <span class=\"k\">" + Escape(r.input) + "</span><br>\n";
    if (!r.message.empty()) html += Escape(r.message) + "<br>\n";
    if (r.has_report) {
      html += "<a href=\"" + Escape(r.name) + "/\"><img src=\"" + Escape(r.name) +
              "/report.png\" alt=\"report of " + Escape(r.name) + "\" loading=\"lazy\"></a>\n";
    }
    html += "</div>\n";
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace img2cad::pipeline
