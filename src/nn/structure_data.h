// Training data of both stages: synthetic samples read through the dataset module (never
// pipeline/), each photo cropped exactly as `predict` crops a photo (image/preprocess.h: the
// object's box from a mask, a square crop with an 8% margin), plus training-time augmentation.
// The object's mask is the renderer's own (the dataset's mask maps: what a good segmenter such as
// ISNet gives `predict` for a photo) or the one the border model finds in the render (what
// `predict --segmenter border` uses).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "image/image.h"
#include "image/preprocess.h"
#include "program/program.h"

namespace img2cad::nn {

// Where the training crops' object masks come from.
enum class ObjectMasks {
  kRendered,  // the renderer's mask maps (`img2cad synth --maps`)
  kFound,     // the border colour model on the render (image::FindForeground)
};

struct StructureSample {
  std::string id;
  std::string category;
  image::Image photo;            // as rendered
  image::Foreground foreground;  // made once at load time from the ObjectMasks asked for
  std::vector<int> tokens;       // the structure's token sequence (program/structure_tokens.h)
  program::Program program;      // the ground truth (stage 2's targets)
  // The render's camera, when the manifest records it (stage 2's camera head).
  std::optional<std::array<double, 2>> view_deg;  // azimuth, elevation
  // Loaded only when asked for (LoadStructureSamples' part_maps): the part visible at each photo
  // pixel (row-major, an index into program.parts, -1 for the background), and each part's label
  // as its index in LabelsOf(category). Empty otherwise.
  std::vector<int16_t> part_ids;
  std::vector<int16_t> part_labels;
};

struct LoadReport {
  int loaded = 0;
  int failed = 0;
  std::vector<std::string> failures;  // "ID: error"
};

// Loads the entries of `split` (all when empty; at most `limit` when > 0, taken evenly from the
// categories in manifest order) of DATASET, in parallel within the thread budget. A sample whose
// image or program cannot be read, or whose structure the token language refuses, is skipped and
// counted, as is one whose mask map or part map cannot be read. With `part_maps` each sample also
// gets its part-id map (the dataset's parts maps, made with the mask maps). Errors: the manifest
// cannot be read (kNotFound, kParse naming the file and line), or kRendered masks or part maps
// from a dataset made without them (kInvalidArgument naming the manifest and the first such
// sample).
core::Result<std::vector<StructureSample>> LoadStructureSamples(const std::string& dataset,
                                                                const std::string& split, int limit,
                                                                ObjectMasks masks,
                                                                LoadReport* report,
                                                                bool part_maps = false);

// Both sets for training: TRAIN_DATA's train split (at most `train_limit` samples when > 0) and
// VAL_DATA's val split with its categories interleaved (InterleaveCategories); `part_maps` loads
// the training samples' part maps. Errors: those of LoadStructureSamples, or kInvalidArgument
// naming the folder when a split has no sample.
struct TrainingSets {
  std::vector<StructureSample> train, val;
  LoadReport train_report, val_report;
};
core::Result<TrainingSets> LoadTrainingSets(const std::string& train_data,
                                            const std::string& val_data, int train_limit,
                                            ObjectMasks masks, bool part_maps = false);

// The samples reordered so that the categories take turns (a prefix is balanced), each category
// keeping its order.
std::vector<StructureSample> InterleaveCategories(std::vector<StructureSample> samples);

// Training-time options of SampleCrop beyond the always-on jitter.
struct CropAugmentation {
  // Share (0-1) of crops whose backdrop outside the object mask is replaced by a procedural room
  // (image/clutter.h) before the colour jitter, as around an object in a photo.
  double clutter = 0;
  // Share (0-1) of crops seen at a lower resolution: cut at 45-90% of the size and enlarged back
  // by pixel repetition, which is what `predict` makes of an object that covers fewer pixels
  // than the network reads (a smaller render, a distant object in a photo).
  double low_res = 0;
  // Share (0-1) of crops from a photo cut tight around the object: the picture ends inside the
  // object's box on one to three sides (2-12% of the box's side in), and the crop is then made as
  // `predict` makes it, padded with the border colour beyond the picture. Real photos of large
  // furniture (bookcases, wardrobes) are often framed like that.
  double tight = 0;
};

// The network's input for a sample: the object crop at `size` x `size`. Without `rng` it is
// exactly what `predict` feeds the network; with it, augmented: the crop box moves and scales,
// the margin varies, and colour, brightness, contrast, saturation, blur and noise are jittered;
// `augment` adds clutter backdrops and low-resolution crops to a share of them. `window`, when
// given, receives the square of the photo that the crop shows (side 0 for a tight crop, whose
// picture was cut first).
image::Image SampleCrop(const StructureSample& sample, int size, core::Rng* rng,
                        const CropAugmentation& augment = {}, image::CropWindow* window = nullptr);

// Per-cell targets of the part-map head (StructureModelConfig::part_map_weight) for a crop that
// shows `window` of the sample's photo, on a `grid` x `grid` raster of the crop, row-major:
// `labels` holds the label (index in LabelsOf(category)) of the part seen at each cell's centre,
// -1 for the background; `seams` is 1 where the cell covers a pixel at which two visible parts
// meet (the lines between drawers, doors and shelves); `centres` lists, for every part with at
// least kMinVisiblePixels visible pixels whose mean position falls in the window, that position's
// cell and the part's label. All stay empty when the sample has no part map or the window is
// empty (side 0).
inline constexpr int kMinVisiblePixels = 3;
void PartMapTargets(const StructureSample& sample, const image::CropWindow& window, int grid,
                    std::vector<int16_t>* labels, std::vector<uint8_t>* seams,
                    std::vector<std::array<int16_t, 2>>* centres);

// Counts the parts of `label` in a part map (a `grid` x `grid` raster, row-major, as
// PartMapTargets or StructureModel::PredictPartMap give): the 4-connected regions of cells that
// hold `label` and are not seams (seam value below 0.5), ignoring regions smaller than
// `min_cells`. A count by segmentation, beside the count head's and the density's.
int CountPartRegions(const std::vector<int>& labels, const std::vector<float>& seams, int grid,
                     int label, int min_cells = 2);

}  // namespace img2cad::nn
