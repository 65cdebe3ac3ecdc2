#include "retrieval/retrieval.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "core/file_io.h"
#include "core/json_format.h"
#include "core/version.h"
#include "program/vocabulary.h"

namespace img2cad::retrieval {

namespace {

constexpr char kMagic[8] = {'I', '2', 'C', 'R', 'I', 'D', 'X', '1'};
constexpr uint32_t kFormatVersion = 1;

void Normalise(float* v, int n, double weight) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += v[i] * v[i];
  s = std::sqrt(s);
  for (int i = 0; i < n; ++i) v[i] = s > 0 ? static_cast<float>(v[i] / s * weight) : 0.f;
}

// Appends plain values to a byte string, and reads them back with bounds checks.
template <typename T>
void Put(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

class Reader {
 public:
  Reader(const std::string& bytes) : bytes_(bytes) {}
  template <typename T>
  bool Get(T* v) {
    if (pos_ + sizeof(T) > bytes_.size()) return false;
    std::memcpy(v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t n, std::string* out) {
    if (pos_ + n > bytes_.size()) return false;
    out->assign(bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == bytes_.size(); }

 private:
  const std::string& bytes_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<float> Describe(const image::Image& rgb, const image::Image& mask) {
  IMG2CAD_CHECK(rgb.width == kCropSize && rgb.height == kCropSize && mask.width == kCropSize &&
                mask.height == kCropSize && mask.channels == 1)
      << "Describe() needs " << kCropSize << "² crops";
  std::vector<float> d(kDescriptorDim, 0.f);
  // Silhouette: the mask averaged down to 32 x 32.
  const int f = kCropSize / kSilhouetteSize;
  for (int y = 0; y < kSilhouetteSize; ++y)
    for (int x = 0; x < kSilhouetteSize; ++x) {
      double s = 0;
      for (int dy = 0; dy < f; ++dy)
        for (int dx = 0; dx < f; ++dx) s += mask.at(x * f + dx, y * f + dy, 0);
      d[y * kSilhouetteSize + x] = static_cast<float>(s / (255.0 * f * f));
    }
  Normalise(d.data(), kSilhouetteSize * kSilhouetteSize, 1.0);
  // Edge orientation histograms of the grey crop.
  const image::Image grey = image::ConvertChannels(rgb, 1);
  float* hog = d.data() + kSilhouetteSize * kSilhouetteSize;
  const int cell = kCropSize / kHogCells;
  for (int y = 1; y < kCropSize - 1; ++y)
    for (int x = 1; x < kCropSize - 1; ++x) {
      const double gx = grey.at(x + 1, y, 0) - grey.at(x - 1, y, 0);
      const double gy = grey.at(x, y + 1, 0) - grey.at(x, y - 1, 0);
      const double mag = std::hypot(gx, gy);
      if (mag < 1e-6) continue;
      double angle = std::atan2(gy, gx);
      if (angle < 0) angle += 3.14159265358979;  // unsigned orientation in [0, pi)
      const int bin = std::min(kHogBins - 1, static_cast<int>(angle / 3.14159265358979 * kHogBins));
      hog[((y / cell) * kHogCells + x / cell) * kHogBins + bin] += static_cast<float>(mag);
    }
  Normalise(hog, kHogCells * kHogCells * kHogBins, kHogWeight);
  return d;
}

const Entry& Index::Nearest(const std::vector<float>& q, float* distance,
                            const std::string& category) const {
  IMG2CAD_CHECK(!entries_.empty()) << "Nearest() on an empty index";
  size_t best = entries_.size();
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!category.empty() && entries_[i].category != category) continue;
    const auto& v = entries_[i].descriptor;
    double s = 0;
    for (size_t k = 0; k < v.size() && k < q.size(); ++k) s += (v[k] - q[k]) * (v[k] - q[k]);
    if (s < best_d) best_d = s, best = i;
  }
  if (best == entries_.size()) best = 0;  // no entry of that category: fall back to any
  if (distance) *distance = static_cast<float>(std::sqrt(best_d));
  return entries_[best];
}

std::vector<Index::Neighbour> Index::NearestK(const std::vector<float>& q, size_t k) const {
  std::vector<Neighbour> all;
  all.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    const auto& v = entries_[i].descriptor;
    double s = 0;
    for (size_t j = 0; j < v.size() && j < q.size(); ++j) s += (v[j] - q[j]) * (v[j] - q[j]);
    all.push_back({i, static_cast<float>(std::sqrt(s))});
  }
  k = std::min(k, all.size());
  // Ties go to the earlier entry, as in Nearest().
  std::partial_sort(all.begin(), all.begin() + k, all.end(), [](const auto& a, const auto& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
  });
  all.resize(k);
  return all;
}

core::Status Index::Save(const std::string& path) const {
  std::string out(kMagic, 8);
  Put(&out, kFormatVersion);
  Put(&out, static_cast<uint32_t>(kDescriptorVersion));
  Put(&out, static_cast<uint32_t>(kDescriptorDim));
  Put(&out, static_cast<uint32_t>(program::kVocabularyVersion));
  Put(&out, static_cast<uint32_t>(entries_.size()));
  const auto& cats = program::Categories();
  for (const Entry& e : entries_) {
    IMG2CAD_CHECK_EQ(e.descriptor.size(), static_cast<size_t>(kDescriptorDim));
    Put(&out, static_cast<uint8_t>(std::find(cats.begin(), cats.end(), e.category) - cats.begin()));
    Put(&out, e.azimuth_deg);
    Put(&out, e.elevation_deg);
    float scale = 0;
    for (float v : e.descriptor) scale = std::max(scale, v);
    Put(&out, scale);
    for (float v : e.descriptor) {
      Put(&out,
          static_cast<uint8_t>(scale > 0 ? std::lround(std::clamp(v / scale, 0.f, 1.f) * 255) : 0));
    }
    Put(&out, static_cast<uint32_t>(e.id.size()));
    out += e.id;
    uLongf zlen = compressBound(e.program_json.size());
    std::string z(zlen, '\0');
    if (compress2(reinterpret_cast<Bytef*>(z.data()), &zlen,
                  reinterpret_cast<const Bytef*>(e.program_json.data()), e.program_json.size(),
                  9) != Z_OK) {
      return core::Status(core::StatusCode::kInternal, "zlib compression failed", e.id, path);
    }
    Put(&out, static_cast<uint32_t>(zlen));
    Put(&out, static_cast<uint32_t>(e.program_json.size()));
    out.append(z.data(), zlen);
  }
  return core::WriteFileAtomic(path, out);
}

core::Result<Index> Index::Load(const std::string& path) {
  using core::Status;
  using core::StatusCode;
  IMG2CAD_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  auto corrupt = [&](const std::string& where, const std::string& msg) {
    return Status(StatusCode::kParse, msg, where, path);
  };
  Reader r(bytes);
  std::string magic;
  if (!r.Bytes(8, &magic) || magic != std::string(kMagic, 8)) {
    return corrupt("", "not an img2cad retrieval index (bad magic)");
  }
  uint32_t format, desc_version, dim, vocab, count;
  if (!r.Get(&format) || !r.Get(&desc_version) || !r.Get(&dim) || !r.Get(&vocab) ||
      !r.Get(&count)) {
    return corrupt("header", "truncated header");
  }
  if (format != kFormatVersion)
    return corrupt("header", "unsupported index format " + std::to_string(format));
  if (desc_version != kDescriptorVersion || dim != kDescriptorDim) {
    return corrupt("header", "descriptor version " + std::to_string(desc_version) + " (dimension " +
                                 std::to_string(dim) + "); this build computes version " +
                                 std::to_string(kDescriptorVersion) + ": rebuild the index");
  }
  if (vocab != static_cast<uint32_t>(program::kVocabularyVersion)) {
    return corrupt("header", "label vocabulary version " + std::to_string(vocab) +
                                 ", this build uses " +
                                 std::to_string(program::kVocabularyVersion));
  }
  Index index;
  const auto& cats = program::Categories();
  for (uint32_t i = 0; i < count; ++i) {
    const std::string where = "entries[" + std::to_string(i) + "]";
    Entry e;
    uint8_t cat;
    float scale;
    if (!r.Get(&cat) || !r.Get(&e.azimuth_deg) || !r.Get(&e.elevation_deg) || !r.Get(&scale)) {
      return corrupt(where, "truncated entry");
    }
    if (cat >= cats.size()) return corrupt(where, "unknown category index " + std::to_string(cat));
    e.category = cats[cat];
    std::string q;
    if (!r.Bytes(dim, &q)) return corrupt(where, "truncated descriptor");
    e.descriptor.resize(dim);
    for (uint32_t k = 0; k < dim; ++k) e.descriptor[k] = static_cast<uint8_t>(q[k]) / 255.f * scale;
    uint32_t id_len, zlen, plain_len;
    if (!r.Get(&id_len) || id_len > 4096 || !r.Bytes(id_len, &e.id))
      return corrupt(where, "truncated id");
    if (!r.Get(&zlen) || !r.Get(&plain_len) || plain_len > (64u << 20))
      return corrupt(where, "truncated program");
    std::string z;
    if (!r.Bytes(zlen, &z)) return corrupt(where, "truncated program");
    e.program_json.assign(plain_len, '\0');
    uLongf out_len = plain_len;
    if (uncompress(reinterpret_cast<Bytef*>(e.program_json.data()), &out_len,
                   reinterpret_cast<const Bytef*>(z.data()), zlen) != Z_OK ||
        out_len != plain_len) {
      return corrupt(where, "corrupt compressed program");
    }
    index.Add(std::move(e));
  }
  if (!r.AtEnd()) return corrupt("", "trailing bytes after the last entry");
  return index;
}

core::Result<std::string> ModelJson(const Index& index, const IndexProvenance& p) {
  nlohmann::ordered_json j;
  j["format"] = "img2cad.model/1";
  j["name"] = "retrieval";
  j["description"] = "retrieval baseline: nearest rendered training sample, no learned weights";
  j["files"] = {{"index", "index.bin"}};
  j["index_format_version"] = kFormatVersion;
  j["descriptor_version"] = kDescriptorVersion;
  j["descriptor_dim"] = kDescriptorDim;
  j["program_version"] = core::kVersion;
  j["vocabulary_version"] = program::kVocabularyVersion;
  std::map<std::string, int> per_category;
  for (const auto& e : index.entries()) per_category[e.category]++;
  j["data"] = {{"dataset", p.dataset},
               {"split", p.split.empty() ? "all" : p.split},
               {"entries", index.size()},
               {"per_category", per_category}};
  if (p.metrics_json.empty()) {
    j["metrics"] = nullptr;
  } else {
    auto m = nlohmann::ordered_json::parse(p.metrics_json, nullptr, false);
    if (m.is_discarded()) return core::Status(core::StatusCode::kParse, "metrics are not JSON");
    j["metrics"] = m;
  }
  return core::FormatJson(j);
}

}  // namespace img2cad::retrieval
