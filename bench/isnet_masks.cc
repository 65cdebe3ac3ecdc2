// ISNet's probability maps for a list of images, to study how the pipeline turns them into masks
// (thresholds, regions, the input size) offline against masks that are known, e.g. a synthetic
// dataset's renderer masks:
//
//   img2cad_isnet_masks LIST OUTDIR [SIZE=320]
//
// LIST has one image path per line; OUTDIR/<stem>.png gets the 1-channel map (0-255, the image's
// size) of segment::Segmenter::Mask at SIZE (a multiple of 64), written atomically. An image that
// fails is named on stderr and counted; the rest still run. Exit codes: 0 all written, 1 bad
// arguments or an unreadable list or model, 2 some images failed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "image/image.h"
#include "isnet_tool.h"
#include "segment/segmenter.h"

int main(int argc, char** argv) {
  using namespace img2cad;  // NOLINT
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s LIST OUTDIR [SIZE=320]\n", argv[0]);
    return 1;
  }
  const std::optional<int> size = bench::SideArgument(argc, argv, 3, 320, "SIZE");
  if (!size) return 1;
  std::ifstream list(argv[1]);
  if (!list) {
    std::fprintf(stderr, "%s: cannot read the list\n", argv[1]);
    return 1;
  }
  const std::optional<segment::Segmenter> isnet = bench::LoadIsnet();
  if (!isnet) return 1;
  std::filesystem::create_directories(argv[2]);
  int failed = 0, written = 0;
  std::string line;
  while (std::getline(list, line)) {
    if (line.empty()) continue;
    const std::string out =
        (std::filesystem::path(argv[2]) / std::filesystem::path(line).filename()).string();
    core::Status status;
    auto photo = image::ReadImage(line);
    if (!photo.ok()) status = photo.status();
    auto mask = photo.ok() ? isnet->Mask(*photo, *size) : core::Result<image::Image>(status);
    if (photo.ok() && !mask.ok()) status = mask.status();
    if (mask.ok()) status = image::WritePng(out, *mask);
    if (!status.ok()) {
      std::fprintf(stderr, "%s: %s\n", line.c_str(), status.ToString().c_str());
      ++failed;
      continue;
    }
    ++written;
  }
  std::fprintf(stderr, "%d written, %d failed\n", written, failed);
  return failed ? 2 : 0;
}
