// Issue 10's first lever, measured before it is built in: ISNet's encoder (trained on real
// photos) as a frozen image descriptor. For each listed image this finds the object as `predict`
// does (a given mask, else ISNet at `predict`'s automatic input side), crops it as the methods see
// it, and writes the encoder's stage means (segment::Segmenter::EncoderFeatures) for
// scripts/isnet_probe.py, which fits a linear category probe on renders and scores it on real
// photos.
//
//   img2cad_isnet_probe LIST OUT.tsv [CROP_SIZE=192] [GRID=0]
//
// LIST has one image per line: `label<TAB>image[<TAB>mask]` (a mask is white on the object).
// OUT.tsv gets `label<TAB>image<TAB>v1 v2 ...`, written atomically: the stage means, then, with
// GRID > 0, the layout too: stages 5 and 6 average-pooled to GRID x GRID cells (adaptive bins, as
// torch's adaptive_avg_pool2d), channel by channel, cell by cell in row order. An image that fails
// is named on stderr and counted; the rest still run. Exit codes: 0 all written, 1 bad arguments or
// an unreadable list or model, 2 some images failed.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "image/image.h"
#include "isnet_tool.h"
#include "pipeline/find_object.h"
#include "segment/segmenter.h"

namespace {

using namespace img2cad;  // NOLINT

struct Row {
  std::string label, image, mask;
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, '\t')) out.push_back(field);
  return out;
}

// Adaptive average pooling of one map to grid x grid cells, appended to `out`.
void AppendPooled(const segment::Segmenter::FeatureMap& m, int grid, std::vector<float>* out) {
  for (int c = 0; c < m.channels; ++c)
    for (int gy = 0; gy < grid; ++gy)
      for (int gx = 0; gx < grid; ++gx) {
        const int y0 = gy * m.height / grid, y1 = ((gy + 1) * m.height + grid - 1) / grid;
        const int x0 = gx * m.width / grid, x1 = ((gx + 1) * m.width + grid - 1) / grid;
        double sum = 0;
        for (int y = y0; y < y1; ++y)
          for (int x = x0; x < x1; ++x)
            sum += m.values[(static_cast<size_t>(c) * m.height + y) * m.width + x];
        out->push_back(static_cast<float>(sum / ((y1 - y0) * (x1 - x0))));
      }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: %s LIST OUT.tsv [CROP_SIZE=192] [GRID=0]\n", argv[0]);
    return 1;
  }
  const std::optional<int> crop_size = bench::SideArgument(argc, argv, 3, 192, "CROP_SIZE");
  if (!crop_size) return 1;
  const std::string grid_arg = argc > 4 ? argv[4] : "0";
  const int grid = std::atoi(grid_arg.c_str());
  if (grid_arg.find_first_not_of("0123456789") != std::string::npos || grid > 6) {
    std::fprintf(stderr, "GRID: want 0 (means only) to 6, not %s\n", argv[4]);
    return 1;
  }
  std::ifstream list(argv[1]);
  if (!list) {
    std::fprintf(stderr, "%s: cannot read the list\n", argv[1]);
    return 1;
  }
  std::vector<Row> rows;
  std::string line;
  for (int n = 1; std::getline(list, line); ++n) {
    if (line.empty()) continue;
    const auto f = SplitTabs(line);
    if (f.size() < 2 || f.size() > 3) {
      std::fprintf(stderr, "%s:%d: want label<TAB>image[<TAB>mask]\n", argv[1], n);
      return 1;
    }
    rows.push_back({f[0], f[1], f.size() == 3 ? f[2] : ""});
  }
  const std::optional<segment::Segmenter> isnet = bench::LoadIsnet();
  if (!isnet) return 1;
  std::ostringstream out;
  int failed = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    auto features = [&]() -> core::Result<std::vector<float>> {
      IMG2CAD_ASSIGN_OR_RETURN(image::Image photo, image::ReadImage(row.image));
      image::Image mask;
      pipeline::FindObjectOptions o;
      o.segmenter = pipeline::SegmenterKind::kIsnet;
      o.isnet = &*isnet;
      if (!row.mask.empty()) {
        IMG2CAD_ASSIGN_OR_RETURN(mask, image::ReadImage(row.mask));
        o.mask = &mask;
      }
      IMG2CAD_ASSIGN_OR_RETURN(pipeline::ObjectImage object,
                               pipeline::FindObject(std::move(photo), row.image, o));
      if (grid == 0) return pipeline::CropFeatures(object, *isnet, *crop_size);
      IMG2CAD_ASSIGN_OR_RETURN(auto maps,
                               isnet->EncoderMaps(object.Crop(*crop_size).rgb, *crop_size));
      std::vector<float> out = segment::Segmenter::StageMeans(maps);
      AppendPooled(maps[2], grid, &out);
      AppendPooled(maps[3], grid, &out);
      return out;
    }();
    if (!features.ok()) {
      std::fprintf(stderr, "%s: %s\n", row.image.c_str(), features.status().ToString().c_str());
      ++failed;
      continue;
    }
    out << row.label << '\t' << row.image << '\t';
    for (size_t k = 0; k < features->size(); ++k) out << (k ? " " : "") << (*features)[k];
    out << '\n';
    if ((i + 1) % 500 == 0) std::fprintf(stderr, "%zu / %zu\n", i + 1, rows.size());
  }
  const core::Status written = core::WriteFileAtomic(argv[2], out.str());
  if (!written.ok()) {
    std::fprintf(stderr, "%s\n", written.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "%zu images, %d failed\n", rows.size(), failed);
  return failed ? 2 : 0;
}
