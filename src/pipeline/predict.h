// Photo in, CAD out: read the photo, find the object (find_object.h), run a method (method.h),
// build the program, write the exports and a preview, and summarise the batch.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/manifest.h"
#include "nn/category_probe.h"
#include "nn/object_detector.h"
#include "pipeline/find_object.h"
#include "pipeline/method.h"

namespace img2cad::pipeline {

struct PredictInput {
  std::string image_path;
  std::string name;  // output folder name: the image's stem, or the dataset id
  // Set for inputs read from a dataset manifest (the ground-truth method needs it).
  std::optional<dataset::ManifestEntry> sample;
};

struct PredictOptions {
  std::string out_dir;
  FindObjectOptions find;  // how the object is found (segmenter, a given mask)
  // Said once in summary.json ("warnings"), e.g. that the segmenter fell back to the border model.
  std::vector<std::string> warnings;
  int preview_size = 256;
  int threads = 2;  // at most this many inputs at once, within the process budget
  // Replace the predictions already in OUT: the folders its summary.json lists and those this
  // batch writes are removed first, so that OUT holds exactly what the new summary.json says.
  bool overwrite = false;
  // Below this confidence a result is "uncertain"; unset: the method's own threshold
  // (Method::uncertain_below).
  std::optional<double> min_confidence;
  // Called after each input with (inputs done, inputs in all), one call at a time.
  std::function<void(int, int)> progress;
  // The pretrained COCO detector (nn/object_detector.h), or null. When set, every photo also goes
  // through it, and its status is uncertain whatever the method's confidence when
  //  - it sees a couch, a bed or a person covering the object (peak score at least
  //    `out_of_scope_score`) more strongly than a chair or a dining table: out of scope, and
  //    "out_of_scope" names what was seen (OutOfScope);
  //  - or it sees a chair or a dining table (the stronger of the two, at least that score) and
  //    the method answers another category: two models disagree, and "detector_disagrees" names
  //    the detector's category (DetectorCategory).
  const nn::ObjectDetector* detector = nullptr;
  double out_of_scope_score = 0.3;
  // The category probe and the ISNet model whose encoder features it reads, or null. When both
  // are set and the method uses a category prior, the probe's distribution for the object crop
  // is handed to the method (MethodInput::category_prior).
  const nn::CategoryProbe* category_probe = nullptr;
  const segment::Segmenter* probe_isnet = nullptr;
};

// The detector's peak scores for the COCO classes that decide furniture questions, and how much
// of the object's box the most likely person covers.
struct FurnitureScores {
  float chair = 0, couch = 0, bed = 0, dining_table = 0;
  float person = 0;
  // The share (0..1) of the object's box (the mask's) inside the box of the strongest person
  // the detector reports; 0 when it reports none.
  float person_cover = 0;
};

// A person whose box holds at least this share of the object's box covers the object.
inline constexpr double kPersonCover = 0.5;

// What `s` says the photo shows instead of a chair, table or storage piece, else "". Each needs a
// score of at least `min_score` above both the chair's and the dining table's:
//  - "couch" or "bed" (the stronger of the two);
//  - "person": a person covering at least kPersonCover of the object's box. The segmenter then
//    takes the person in with whatever they sit on, and the networks, which never saw people,
//    read the two as one piece of furniture (a woman on a sofa read as an armchair).
std::string OutOfScope(const FurnitureScores& s, double min_score);

// The category that `s` names: "chair" or "table" (COCO's dining table) for the stronger of the
// two when it is at least `min_score` (a tie goes to the chair), else "". COCO has no storage
// class, so the detector never names storage.
std::string DetectorCategory(const FurnitureScores& s, double min_score);

// Why a result is uncertain, in words, for summary.json, the terminal and the batch page: the
// confidence when it is below `threshold`; the detector's scores when `out_of_scope` (OutOfScope
// of `scores`) is set; and when `disagrees` (a DetectorCategory of `scores` other than
// `category`, the method's answer) is set. `scores` must be given with either. "" when none holds.
std::string UncertainReason(double confidence, double threshold, const FurnitureScores* scores,
                            const std::string& out_of_scope, const std::string& disagrees,
                            const std::string& category);

// Milliseconds spent in each stage of one input.
struct StageTimes {
  double load = 0, find_object = 0, detect = 0, category_probe = 0, method = 0, build = 0,
         exports = 0, preview = 0;
};

// What became of one input.
//   ok         a model, and the method is at least as confident as the threshold
//   uncertain  a model (all files written), but the method's confidence is below the threshold,
//              or the detector saw a couch, a bed or a person covering the object (out of
//              scope), or it saw a chair or a dining table where the method says otherwise
//   no_object  the segmenter (border or isnet) found no foreground, and either the photo is
//              featureless (image::DetailLevel below kFeaturelessDetail) or the method, shown
//              the whole photo, is below the threshold. No files are written.
//   failed     an error (unreadable image, a method or geometry error). No files are written.
enum class PredictStatus { kOk, kUncertain, kNoObject, kFailed };
const char* PredictStatusName(PredictStatus s);  // "ok", "uncertain", "no_object", "failed"

// A photo without a found object and with less detail than this (image::DetailLevel) holds
// nothing to model: a blank wall, an empty page, a lens cap.
inline constexpr double kFeaturelessDetail = 8.0;

struct PredictOutcome {
  std::string name;
  std::string image_path;
  PredictStatus status = PredictStatus::kFailed;
  std::string error;  // why, for failed and no_object
  // Why, for uncertain (UncertainReason): low confidence, out of scope, a disagreement.
  std::string reason;
  // From PredictAll, only the category and confidence: the rest is written to OUT/<name>/ and
  // OUT/summary.json and released, so that a long batch does not grow with it.
  Estimate estimate;
  std::string mask_source;   // where the object mask came from (ObjectImage::mask_source)
  bool mask_found = false;   // a foreground was found (else the whole photo was used)
  bool mask_padded = false;  // ISNet's mask came from the padded retry
  std::optional<FurnitureScores> detector;  // when options.detector was set
  std::string out_of_scope;                 // OutOfScope of those scores
  std::string detector_disagrees;           // their DetectorCategory, when not the method's
  StageTimes ms;

  // A model was made and written (status ok or uncertain).
  bool ok() const { return status == PredictStatus::kOk || status == PredictStatus::kUncertain; }
};

// Predicts each input into OUT/<name>/ (program.json, model.step/.glb/.stl/.obj + .mtl,
// preview.png, mask.png: the object mask used, at the photo's resolution) and writes
// OUT/summary.json:
//   {"method", "program_version", "segmenter", "segmenter_size" and "segmenter_retry" (with
//    isnet), "backdrop", "detector" (whether the detector ran),
//    "out_of_scope_score" (with it), "warnings", "min_confidence" (the threshold used),
//    "inputs", "succeeded" (models made: ok + uncertain), "uncertain", "no_object", "failed",
//    "peak_rss_mb" (the process's peak resident memory, MB), "heap_after_mb" (the heap in
//    use once every input is done, MB: a leak grows it with the batch; the peak also moves with
//    how the heap fragments),
//    "results": [{"name", "input", "status" (PredictStatusName), "error" (failed, no_object),
//    "reason" (uncertain: why, in words),
//    "category", "confidence", "camera", "mask" (given|alpha|isnet|border|none), "mask_found"
//    (false: no foreground, the whole photo was used), "mask_padded" (true only when ISNet's mask
//    came from the padded retry), "detector" ({"chair", "couch", "bed",
//    "dining_table", "person"} peak scores and "person_cover", with options.detector),
//    "out_of_scope" ("couch", "bed" or "person", when flagged), "detector_disagrees" ("chair" or
//    "table", when the method answered otherwise), "details", "files", "timing_ms"}]}
// with the method's own facts under "details" (no_object results keep category, confidence and
// details: what the method would have said). A failing input (unreadable image, a method error)
// is recorded with its error and the rest go on. The preview is drawn from the estimated camera,
// or from azimuth 30, elevation 20 when the method gives none. Errors: kIo when OUT or the
// summary cannot be written or cleared; kInvalidArgument (naming OUT) when OUT already holds a
// summary.json or a folder this batch would write, unless options.overwrite.
core::Result<std::vector<PredictOutcome>> PredictAll(const std::vector<PredictInput>& inputs,
                                                     const Method& method,
                                                     const PredictOptions& options);

}  // namespace img2cad::pipeline
