#include "nn/structure_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/check.h"
#include "core/file_io.h"
#include "core/parallel.h"
#include "dataset/manifest.h"
#include "image/clutter.h"
#include "image/preprocess.h"
#include "program/json_io.h"
#include "program/structure_tokens.h"
#include "program/vocabulary.h"
#include "render/renderer.h"

namespace img2cad::nn {

namespace {

uint8_t Clamp255(double v) { return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)); }

// `img` (square) enlarged to size x size by repeating pixels: CropToObject's own sampling when the
// object covers fewer source pixels than the crop has.
image::Image EnlargeByRepetition(const image::Image& img, int size) {
  image::Image out(size, size, img.channels);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < img.channels; ++c)
        out.at(x, y, c) = img.at(x * img.width / size, y * img.height / size, c);
  return out;
}

}  // namespace

core::Result<std::vector<StructureSample>> LoadStructureSamples(const std::string& dataset,
                                                                const std::string& split, int limit,
                                                                ObjectMasks masks,
                                                                LoadReport* report,
                                                                bool part_maps) {
  IMG2CAD_ASSIGN_OR_RETURN(auto entries, dataset::ReadManifest(dataset, split));
  if (masks == ObjectMasks::kRendered || part_maps) {
    for (const auto& e : entries) {
      if (e.maps) continue;
      return core::Status(core::StatusCode::kInvalidArgument,
                          "sample " + e.id +
                              " has no mask map: make the dataset with `img2cad synth --maps`, "
                              "or train on found masks",
                          "",
                          std::filesystem::is_directory(dataset)
                              ? (std::filesystem::path(dataset) / "manifest.jsonl").string()
                              : dataset);
    }
  }
  if (limit > 0 && static_cast<int>(entries.size()) > limit) {
    // An even share of each category, in manifest order.
    std::map<std::string, std::vector<dataset::ManifestEntry>> by_category;
    for (auto& e : entries) by_category[e.category].push_back(std::move(e));
    entries.clear();
    const size_t share = static_cast<size_t>(limit) / by_category.size();
    for (auto& [cat, list] : by_category)
      for (size_t i = 0; i < list.size() && i < share; ++i) entries.push_back(std::move(list[i]));
  }
  std::vector<StructureSample> samples(entries.size());
  std::vector<core::Status> status(entries.size());
  core::ParallelFor(entries.size(), 0, [&](size_t i, int) {
    const auto& e = entries[i];
    auto fail = [&](const core::Status& s) { status[i] = s; };
    auto img = image::ReadImage(e.image_path);
    if (!img.ok()) return fail(img.status());
    auto program = program::ReadProgramFile(e.program_path);
    if (!program.ok()) return fail(program.status());
    auto tokens = program::EncodeStructure(program::StructureOf(*program));
    if (!tokens.ok()) return fail(tokens.status().WithFile(e.program_path));
    StructureSample& s = samples[i];
    s.id = e.id;
    s.category = e.category;
    if (masks == ObjectMasks::kRendered) {
      auto mask = image::ReadImage(e.maps->mask);
      if (!mask.ok()) return fail(mask.status());
      s.foreground = image::ForegroundFromMask(*mask, img->width, img->height);
    } else {
      s.foreground = image::FindForeground(*img);
    }
    if (part_maps) {
      auto map = image::ReadImage(e.maps->parts);
      if (!map.ok()) return fail(map.status());
      if (map->width != img->width || map->height != img->height)
        return fail(core::Status(core::StatusCode::kInvalidArgument,
                                 "part map is not the size of the image", "", e.maps->parts));
      s.part_ids = render::PartIdsFromImage(*map, static_cast<int>(program->parts.size()));
      for (const auto& part : program->parts) {
        const auto label = program::LabelIndex(e.category, part.label);
        if (!label)
          return fail(core::Status(core::StatusCode::kInvalidArgument,
                                   "unknown label " + part.label, "", e.program_path));
        s.part_labels.push_back(static_cast<int16_t>(*label));
      }
    }
    s.photo = std::move(img).value();
    s.tokens = std::move(tokens).value();
    s.program = std::move(program).value();
    if (e.camera)
      s.view_deg = std::array<double, 2>{e.camera->azimuth_deg, e.camera->elevation_deg};
  });
  std::vector<StructureSample> out;
  out.reserve(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!status[i].ok()) {
      ++report->failed;
      report->failures.push_back(entries[i].id + ": " + status[i].ToString());
      continue;
    }
    ++report->loaded;
    out.push_back(std::move(samples[i]));
  }
  return out;
}

std::vector<StructureSample> InterleaveCategories(std::vector<StructureSample> v) {
  std::vector<std::vector<StructureSample*>> by;
  std::vector<std::string> cats;
  for (auto& s : v) {
    auto it = std::find(cats.begin(), cats.end(), s.category);
    if (it == cats.end()) cats.push_back(s.category), by.emplace_back();
    by[std::find(cats.begin(), cats.end(), s.category) - cats.begin()].push_back(&s);
  }
  std::vector<StructureSample> out;
  for (size_t i = 0; out.size() < v.size(); ++i)
    for (auto& list : by)
      if (i < list.size()) out.push_back(std::move(*list[i]));
  return out;
}

core::Result<TrainingSets> LoadTrainingSets(const std::string& train_data,
                                            const std::string& val_data, int train_limit,
                                            ObjectMasks masks, bool part_maps) {
  TrainingSets sets;
  IMG2CAD_ASSIGN_OR_RETURN(sets.train, LoadStructureSamples(train_data, "train", train_limit, masks,
                                                            &sets.train_report, part_maps));
  IMG2CAD_ASSIGN_OR_RETURN(auto val,
                           LoadStructureSamples(val_data, "val", 0, masks, &sets.val_report));
  if (sets.train.empty()) {
    return core::Status(core::StatusCode::kInvalidArgument, "no sample in the train split", "",
                        train_data);
  }
  if (val.empty()) {
    return core::Status(core::StatusCode::kInvalidArgument, "no sample in the val split", "",
                        val_data);
  }
  sets.val = InterleaveCategories(std::move(val));
  return sets;
}

namespace {

// The crop of a picture that ends inside the object's box: the window keeps the box's sides but
// one to three of them move in, and the object's box is clipped to it.
image::Crop TightCrop(const image::Image& photo, const image::Foreground& fg, int size,
                      double margin, core::Rng& rng) {
  if (fg.mask.width != photo.width || fg.mask.height != photo.height)
    return image::CropToObject(photo, fg, size, margin);
  std::array<int, 4> win = image::CutInsideBox(fg, photo.width, photo.height, rng);
  win[0] = std::clamp(win[0], 0, photo.width - 1);
  win[1] = std::clamp(win[1], 0, photo.height - 1);
  win[2] = std::clamp(win[2], win[0] + 1, photo.width);
  win[3] = std::clamp(win[3], win[1] + 1, photo.height);
  const int w = win[2] - win[0], h = win[3] - win[1];
  const image::Image cut = image::Window(photo, win[0], win[1], w, h);
  image::Foreground f;
  f.mask = image::Window(fg.mask, win[0], win[1], w, h);
  f.x0 = std::clamp(fg.x0 - win[0], 0, w - 1);
  f.y0 = std::clamp(fg.y0 - win[1], 0, h - 1);
  f.x1 = std::clamp(fg.x1 - win[0], f.x0 + 1, w);
  f.y1 = std::clamp(fg.y1 - win[1], f.y0 + 1, h);
  f.found = true;
  return image::CropToObject(cut, f, size, margin);
}

}  // namespace

image::Image SampleCrop(const StructureSample& s, int size, core::Rng* rng,
                        const CropAugmentation& augment, image::CropWindow* window) {
  if (rng == nullptr) {
    if (window) *window = image::ObjectWindow(s.foreground);
    return image::CropToObject(s.photo, s.foreground, size).rgb;
  }
  // Crop jitter: the found box moves by up to 6% of its size, grows or shrinks by up to 10%,
  // and the margin varies around predict's 8%.
  image::Foreground fg = s.foreground;
  const double w = fg.x1 - fg.x0, h = fg.y1 - fg.y0, side = std::max(w, h);
  const double dx = rng->Uniform(-0.06, 0.06) * side, dy = rng->Uniform(-0.06, 0.06) * side;
  const double scale = rng->Uniform(0.9, 1.1);
  const double cx = (fg.x0 + fg.x1) / 2.0 + dx, cy = (fg.y0 + fg.y1) / 2.0 + dy;
  fg.x0 = static_cast<int>(std::lround(cx - w * scale / 2));
  fg.x1 = static_cast<int>(std::lround(cx + w * scale / 2));
  fg.y0 = static_cast<int>(std::lround(cy - h * scale / 2));
  fg.y1 = static_cast<int>(std::lround(cy + h * scale / 2));
  const double margin = rng->Uniform(0.03, 0.15);
  // The random numbers of an option are drawn only when it is on, so a recipe without it makes
  // the same crops as before the option existed.
  const int cut = augment.low_res > 0 && rng->Bernoulli(augment.low_res)
                      ? static_cast<int>(std::lround(size * rng->Uniform(0.45, 0.9)))
                      : size;
  const bool tight = augment.tight > 0 && rng->Bernoulli(augment.tight);
  image::Crop crop = tight ? TightCrop(s.photo, fg, cut, margin, *rng)
                           : image::CropToObject(s.photo, fg, cut, margin);
  if (window) *window = tight ? image::CropWindow{} : image::ObjectWindow(fg, margin);
  if (cut != size)
    crop = {EnlargeByRepetition(crop.rgb, size), EnlargeByRepetition(crop.mask, size)};
  // A photo's crop shows the room around the object; the render's backdrop is plain.
  if (augment.clutter > 0 && rng->Bernoulli(augment.clutter))
    crop.rgb = image::OverRoom(crop.rgb, crop.mask, *rng);
  image::Image img = std::move(crop.rgb);
  // Appearance: per-channel gain, brightness, contrast and saturation; sometimes grey, blur and
  // sensor noise. Photos differ from renders in appearance, so this is where the range goes.
  const double gain[3] = {rng->Uniform(0.85, 1.15), rng->Uniform(0.85, 1.15),
                          rng->Uniform(0.85, 1.15)};
  const double bright = rng->Uniform(-25, 25), contrast = rng->Uniform(0.75, 1.3);
  const double saturation = rng->Uniform() < 0.1 ? 0.0 : rng->Uniform(0.6, 1.4);
  const double noise = rng->Uniform() < 0.5 ? rng->Uniform(0, 6) : 0.0;
  double mean = 0;
  for (uint8_t p : img.pixels) mean += p;
  mean /= std::max<size_t>(1, img.pixels.size());
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      double c[3];
      for (int k = 0; k < 3; ++k) c[k] = img.at(x, y, k) * gain[k];
      const double grey = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
      for (int k = 0; k < 3; ++k) {
        double v = grey + (c[k] - grey) * saturation;
        v = (v - mean) * contrast + mean + bright;
        if (noise > 0) v += noise * (rng->Uniform() + rng->Uniform() + rng->Uniform() - 1.5) * 2;
        img.at(x, y, k) = Clamp255(v);
      }
    }
  if (rng->Uniform() < 0.2) img = image::GaussianBlur(img, rng->Uniform(0.3, 1.0));
  return img;
}

void PartMapTargets(const StructureSample& s, const image::CropWindow& window, int grid,
                    std::vector<int16_t>* labels, std::vector<uint8_t>* seams,
                    std::vector<std::array<int16_t, 2>>* centres) {
  labels->clear();
  seams->clear();
  centres->clear();
  const int w = s.photo.width, h = s.photo.height;
  if (s.part_ids.empty() || window.side <= 0 || grid <= 0) return;
  IMG2CAD_CHECK(s.part_ids.size() == static_cast<size_t>(w) * h) << "part map of " << s.id;
  auto id_at = [&](int x, int y) -> int {
    return x < 0 || y < 0 || x >= w || y >= h ? -1 : s.part_ids[static_cast<size_t>(y) * w + x];
  };
  // A seam pixel has a visible part and a neighbour (right or below) on another visible part.
  auto seam_at = [&](int x, int y) {
    const int id = id_at(x, y);
    if (id < 0) return false;
    const int r = id_at(x + 1, y), d = id_at(x, y + 1);
    return (r >= 0 && r != id) || (d >= 0 && d != id);
  };
  labels->assign(static_cast<size_t>(grid) * grid, -1);
  seams->assign(labels->size(), 0);
  const double cell = window.side / grid;
  const double x0 = window.cx - window.side / 2, y0 = window.cy - window.side / 2;
  for (int gy = 0; gy < grid; ++gy)
    for (int gx = 0; gx < grid; ++gx) {
      const size_t i = static_cast<size_t>(gy) * grid + gx;
      const int id = id_at(static_cast<int>(std::floor(x0 + (gx + 0.5) * cell)),
                           static_cast<int>(std::floor(y0 + (gy + 0.5) * cell)));
      if (id >= 0 && static_cast<size_t>(id) < s.part_labels.size())
        (*labels)[i] = s.part_labels[id];
      const int xa = static_cast<int>(std::floor(x0 + gx * cell));
      const int ya = static_cast<int>(std::floor(y0 + gy * cell));
      const int xb = std::max(xa + 1, static_cast<int>(std::ceil(x0 + (gx + 1) * cell)));
      const int yb = std::max(ya + 1, static_cast<int>(std::ceil(y0 + (gy + 1) * cell)));
      for (int y = ya; y < yb && !(*seams)[i]; ++y)
        for (int x = xa; x < xb; ++x)
          if (seam_at(x, y)) {
            (*seams)[i] = 1;
            break;
          }
    }
  // Each visible part's mean pixel position.
  std::vector<double> sx(s.part_labels.size(), 0), sy(sx.size(), 0), n(sx.size(), 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int id = id_at(x, y);
      if (id < 0 || static_cast<size_t>(id) >= sx.size()) continue;
      sx[id] += x + 0.5, sy[id] += y + 0.5, n[id] += 1;
    }
  for (size_t id = 0; id < sx.size(); ++id) {
    if (n[id] < kMinVisiblePixels) continue;
    const int gx = static_cast<int>(std::floor((sx[id] / n[id] - x0) / cell));
    const int gy = static_cast<int>(std::floor((sy[id] / n[id] - y0) / cell));
    if (gx < 0 || gy < 0 || gx >= grid || gy >= grid) continue;
    centres->push_back({static_cast<int16_t>(gy * grid + gx), s.part_labels[id]});
  }
}

int CountPartRegions(const std::vector<int>& labels, const std::vector<float>& seams, int grid,
                     int label, int min_cells) {
  IMG2CAD_CHECK(grid > 0 && labels.size() == static_cast<size_t>(grid) * grid &&
                seams.size() == labels.size())
      << "a part map of the wrong size";
  std::vector<unsigned char> seen(labels.size(), 0);
  auto inside = [&](int k) { return labels[k] == label && seams[k] < 0.5f && !seen[k]; };
  int regions = 0;
  std::vector<int> stack;
  for (int start = 0; start < static_cast<int>(labels.size()); ++start) {
    if (!inside(start)) continue;
    int cells = 0;
    seen[start] = 1;
    stack.assign(1, start);
    while (!stack.empty()) {
      const int k = stack.back();
      stack.pop_back();
      ++cells;
      const int r = k / grid, c = k % grid;
      for (const int n : {r > 0 ? k - grid : -1, r + 1 < grid ? k + grid : -1, c > 0 ? k - 1 : -1,
                          c + 1 < grid ? k + 1 : -1}) {
        if (n >= 0 && inside(n)) {
          seen[n] = 1;
          stack.push_back(n);
        }
      }
    }
    if (cells >= min_cells) ++regions;
  }
  return regions;
}

}  // namespace img2cad::nn
