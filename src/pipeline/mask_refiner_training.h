// Training the mask refiner (nn/mask_refiner.h) on synthetic renders: `img2cad train
// mask-refiner`. Each drawn render is read by ISNet as `predict` reads a photo of its size
// (pipeline::SegmentWithIsnet, the automatic input side), and the refiner learns to turn that map
// into the renderer's own mask of the object. ISNet's maps are kept in the work folder, so a
// killed run neither loses them nor computes them again.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "nn/mask_refiner.h"
#include "nn/train_loop.h"

namespace img2cad::pipeline {

struct TrainMaskRefinerOptions : nn::TrainSchedule {
  std::string train_dir;       // a synthetic dataset with masks (synth --maps)
  std::string val_dir;         // another, for the validation numbers
  std::string work_dir;        // isnet/ (the cached maps), checkpoint.pt, log.csv, curve.png
  std::string out_dir;         // the finished model
  std::string isnet_path;      // models/segmenter/isnet.onnx
  int per_category = 1500;     // training renders drawn per category
  int val_per_category = 100;  // validation renders drawn per category
  // Share (0-1) of the training renders cut tight: the picture ends inside the object on one to
  // three sides (2-12% of its size in), as photos cut tight around a piece often are; ISNet
  // reads the cut picture and the truth is the mask's cut.
  double tight = 0;
  nn::MaskRefinerConfig config;
  std::string command;  // recorded in the card
  // Called after each render's ISNet map (computed or read from the work folder) with (done,
  // total), one call at a time.
  std::function<void(int, int)> map_progress;
};

// What a mask does for `predict`, measured against the renderer's masks of the val renders: the
// box of the mask `predict` would use (segment::Binarise, the largest region) against the true
// object's box, and the masks' own overlap.
struct MaskScores {
  double box_iou = 0;                             // mean over the renders
  double mask_iou = 0;                            // mean over the renders
  int boxes_below_half = 0, boxes_below_0_8 = 0;  // renders whose box IoU is below 0.5 / 0.8
};

// Draws the renders, computes (or reads back) their ISNet maps, trains the refiner with the
// schedule (resuming from WORK/checkpoint.pt), and writes it with a card: command, seed, data,
// time, and the val scores of ISNet's maps alone and refined. Horizontal flips are the only
// augmentation. A render whose image, mask or map cannot be read is skipped and counted.
// Errors: a missing dataset or ISNet model (kNotFound); a dataset without masks or with too few
// renders (kInvalidArgument); more than 1% of the renders unreadable; a failing step or an
// unwritable work or model folder.
core::Status TrainMaskRefiner(const TrainMaskRefinerOptions& options,
                              const std::function<void(const nn::TrainProgress&)>& progress);

}  // namespace img2cad::pipeline
