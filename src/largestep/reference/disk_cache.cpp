#include "largestep/reference/disk_cache.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "largestep/kernel/output.h"

namespace largestep::disk_cache {
namespace {

constexpr std::uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;

// MurmurHash3's 64-bit finalizer: every input bit reaches every output bit.
std::uint64_t finalize(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::uint64_t step(std::uint64_t lane, std::uint64_t word) {
  lane = (lane ^ word) * kMultiplier;
  return lane ^ (lane >> 29);
}

}  // namespace

std::filesystem::path directory() {
  if (const char* dir = std::getenv("LARGESTEP_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "largestep";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "largestep";
  return ".largestep-cache";
}

void Hasher::mix(const void* bytes, std::size_t count) {
  const auto* c = static_cast<const unsigned char*>(bytes);
  // Each call starts at lane 0 and pads its tail with zeros; the running length, mixed in at the
  // end and into the tail word, keeps a split of the same bytes into different calls apart.
  std::size_t k = 0;
  for (; k + 32 <= count; k += 32) {
    std::uint64_t w[4];
    std::memcpy(w, c + k, sizeof w);
    for (int lane = 0; lane < 4; ++lane) lanes_[lane] = step(lanes_[lane], w[lane]);
  }
  int lane = 0;
  for (; k + 8 <= count; k += 8, ++lane) {
    std::uint64_t w;
    std::memcpy(&w, c + k, sizeof w);
    lanes_[lane] = step(lanes_[lane], w);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, c + k, count - k);
  length_ += count;
  lanes_[lane] = step(lanes_[lane], tail ^ (length_ << 3));
}

std::uint64_t Hasher::value() const {
  std::uint64_t h = length_;
  for (const std::uint64_t lane : lanes_) h = finalize(h ^ lane) * kMultiplier;
  return finalize(h);
}

Hasher data_hasher(const Dataset<double>& data) {
  Hasher h;
  const std::int64_t shape[2] = {data.n(), data.d()};
  h.mix(shape, sizeof shape);
  if (data.sparse) {  // the structure too: the same values in other columns are other data
    const std::int64_t stored = data.Xs.nonZeros();
    h.mix(&stored, sizeof stored);
    h.mix(data.Xs.outerIndexPtr(), sizeof(int) * static_cast<std::size_t>(data.n() + 1));
    h.mix(data.Xs.innerIndexPtr(), sizeof(int) * static_cast<std::size_t>(stored));
    h.mix(data.Xs.valuePtr(), sizeof(double) * static_cast<std::size_t>(stored));
  } else {
    h.mix(data.X.data(), sizeof(double) * static_cast<std::size_t>(data.X.size()));
  }
  h.mix(data.y.data(), sizeof(double) * static_cast<std::size_t>(data.y.size()));
  return h;
}

std::filesystem::path record_path(std::string_view kind, std::uint64_t key) {
  return directory() / fmt::format("{}-{:016x}.json", kind, key);
}

std::string record_checksum(nlohmann::json record, std::string_view kind, int format) {
  record.erase("checksum");
  const std::string text = fmt::format("largestep-{}-{}\n{}", kind, format, record.dump());
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return fmt::format("{:016x}", h);
}

nlohmann::json seal(nlohmann::json record, std::string_view kind, int format, std::uint64_t key) {
  record["key"] = fmt::format("{:016x}", key);
  record["format"] = format;
  record["checksum"] = record_checksum(record, kind, format);
  return record;
}

bool valid(const nlohmann::json& record, std::string_view kind, int format, std::uint64_t key) {
  if (!record.is_object() || record.value("key", "") != fmt::format("{:016x}", key)) return false;
  return record.value("format", 0) == format &&
         record.value("checksum", "") == record_checksum(record, kind, format);
}

std::optional<nlohmann::json> read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception&) {
    return std::nullopt;  // malformed or truncated
  }
}

std::optional<nlohmann::json> read_record(const std::filesystem::path& path, std::string_view kind,
                                          int format, std::uint64_t key) {
  std::optional<nlohmann::json> j = read_json(path);
  if (!j) return std::nullopt;
  try {
    if (valid(*j, kind, format, key)) return j;
  } catch (const std::exception&) {
    // a field of the wrong type: not a record we wrote
  }
  return std::nullopt;
}

void write_record(const std::filesystem::path& path, const nlohmann::json& record) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  try {
    write_output(path.string(), record.dump(1) + "\n");
  } catch (const std::exception&) {
    // A read-only cache only costs time: the result is still correct.
  }
}

}  // namespace largestep::disk_cache
