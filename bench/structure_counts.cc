// Issue 8's counting diagnosis: for each sample of a dataset split, how many parts of every label
// the truth has, the count head reads, stage 1 decodes (3 beams), the count density sees (when the
// model has one), and the part map shows (visible parts with a centre in the crop, when the
// dataset has part maps); then the regions between seams (nn::CountPartRegions) on the true part
// map at the part-map head's raster, and on the head's own map (when the model has one).
// scripts/structure_counts.py tables it per label.
//
//   img2cad_structure_counts MODEL DATASET SPLIT [LIMIT=300]
//
// Prints one line per sample: `id<TAB>label:truth:head:decoded:density:visible:map:predicted...`,
// decoded -1 when the decoded category is another, density -1 without a count density, visible
// and map -1 without part maps, predicted -1 without a part-map head. Samples are cropped as
// `predict` crops them, from the renderer's masks (the border model's, for a dataset made without
// maps). Exit codes: 0 done, 1 bad arguments, an unreadable model or dataset, or a model without a
// count head.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nn/structure_data.h"
#include "nn/structure_model.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"

int main(int argc, char** argv) {
  using namespace img2cad;  // NOLINT
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s MODEL DATASET SPLIT [LIMIT=300]\n", argv[0]);
    return 1;
  }
  const int limit = argc > 4 ? std::atoi(argv[4]) : 300;
  if (limit <= 0) {
    std::fprintf(stderr, "LIMIT: want a positive number\n");
    return 1;
  }
  auto model = nn::StructureModel::Load(argv[1]);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    return 1;
  }
  if (!model->config().count_head) {
    std::fprintf(stderr, "%s: the model has no count head\n", argv[1]);
    return 1;
  }
  nn::LoadReport report;
  auto samples =
      nn::LoadStructureSamples(argv[2], argv[3], limit, nn::ObjectMasks::kRendered, &report, true);
  if (!samples.ok() && samples.status().code() == core::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "%s\nwithout part maps, then\n", samples.status().ToString().c_str());
    samples = nn::LoadStructureSamples(argv[2], argv[3], limit, nn::ObjectMasks::kFound, &report);
  }
  if (!samples.ok()) {
    std::fprintf(stderr, "%s\n", samples.status().ToString().c_str());
    return 1;
  }
  const int size = model->config().image_size;
  for (const auto& s : *samples) {
    int category = -1;
    const std::vector<int> truth = program::StructureLabelCounts(s.tokens, &category);
    image::CropWindow window;
    const image::Image crop = nn::SampleCrop(s, size, nullptr, {}, &window);
    nn::StructureExample e{crop, s.tokens};
    nn::PartMapTargets(s, window, size / 4, &e.part_labels, &e.part_seams, &e.part_centres);
    std::vector<int> visible(truth.size(), e.part_labels.empty() ? -1 : 0);
    for (const auto& c : e.part_centres) ++visible[c[1]];
    const auto head = model->PredictCounts(crop, category);
    const auto density =
        model->config().count_density
            ? model->PredictVisibleCounts(crop, category)
            : core::Result<std::vector<double>>(std::vector<double>(truth.size(), -1));
    const auto decoded = model->Decode(crop, 3);
    core::Result<nn::StructureModel::PartMapReading> reading = nn::StructureModel::PartMapReading{};
    if (model->config().part_map_weight > 0) reading = model->PredictPartMap(crop, category);
    if (!head.ok() || !density.ok() || !decoded.ok() || !reading.ok()) {
      std::fprintf(stderr, "%s: the model failed\n", s.id.c_str());
      continue;
    }
    int decoded_category = -1;
    const std::vector<int> dec =
        program::StructureLabelCounts(decoded->at(0).tokens, &decoded_category);
    const auto& labels = program::LabelsOf(program::Categories()[category]);
    const std::vector<int> map_labels(e.part_labels.begin(), e.part_labels.end());
    const std::vector<float> map_seams(e.part_seams.begin(), e.part_seams.end());
    std::printf("%s", s.id.c_str());
    for (size_t l = 0; l < labels.size(); ++l) {
      const int map = map_labels.empty() ? -1
                                         : nn::CountPartRegions(map_labels, map_seams, size / 4,
                                                                static_cast<int>(l));
      const int predicted = reading->grid == 0
                                ? -1
                                : nn::CountPartRegions(reading->labels, reading->seams,
                                                       reading->grid, static_cast<int>(l));
      std::printf("\t%s:%d:%d:%d:%.2f:%d:%d:%d", labels[l].c_str(), truth[l], (*head)[l],
                  decoded_category == category ? dec[l] : -1, (*density)[l], visible[l], map,
                  predicted);
    }
    std::printf("\n");
  }
  if (report.failed) std::fprintf(stderr, "%d samples could not be read\n", report.failed);
  return 0;
}
