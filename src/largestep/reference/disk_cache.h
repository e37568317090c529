// The on-disk cache that certified references and separability certificates share: where it
// lives, the key of a dataset's contents, and records that carry a checksum of their fields, so
// that an edited, damaged or foreign record is recomputed, never trusted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "largestep/kernel/block_reducer.h"
#include "largestep/kernel/dataset.h"

namespace largestep::disk_cache {

// $LARGESTEP_CACHE_DIR, else $XDG_CACHE_HOME/largestep, else $HOME/.cache/largestep, else
// ./.largestep-cache.
std::filesystem::path directory();

// A 64-bit hash of bytes for cache keys: four independent lanes over 8-byte words (every byte
// counts), so that hashing an 800 MB matrix takes about as long as reading it. Not a defence
// against a forger; the records' checksums and the recomputation of any mismatch are.
class Hasher {
 public:
  void mix(const void* bytes, std::size_t count);
  template <class T>
  void mix_value(const T& value) {
    mix(&value, sizeof value);
  }
  std::uint64_t value() const;

  // The running state, to hand the hashing of a sequence on to another process.
  std::array<std::uint64_t, 5> state() const;
  void set_state(const std::array<std::uint64_t, 5>& state);

 private:
  std::uint64_t lanes_[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
                             0x082efa98ec4e6c89ULL};
  std::uint64_t length_ = 0;
};

// A Hasher that has mixed in the shape, X and y of `data`: the key must change when a data file
// changes. Callers mix in what else their result depends on. Dense rows are mixed kHashRows at a
// time (CSR rows: their nonzero counts, columns and values), so that processes holding shards of
// whole chunks (`reducer`: the processes sharing the rows, which a shard needs) hash in turn to
// the key of the whole dataset.
inline constexpr std::ptrdiff_t kHashRows = 4096;
Hasher data_hasher(const Dataset<double>& data, const BlockReducer<double>* reducer = nullptr);

// The record's file in directory(): "KIND-KEY.json".
std::filesystem::path record_path(std::string_view kind, std::uint64_t key);

// FNV-1a of "largestep-KIND-FORMAT\n" and the record without its checksum (nlohmann's dump sorts
// the keys and prints doubles in their shortest round-trip form, so a record read back dumps to
// the same text). FORMAT is the version of the code that writes records of this kind: bumping it
// makes every record of the kind recomputed.
std::string record_checksum(const nlohmann::json& record, std::string_view kind, int format);

// The record with "key", "format" and "checksum" added.
nlohmann::json seal(nlohmann::json record, std::string_view kind, int format, std::uint64_t key);

// Whether `record` is one seal() wrote for this kind, format and key and unchanged since.
bool valid(const nlohmann::json& record, std::string_view kind, int format, std::uint64_t key);

// The JSON at `path`, or nothing when the file is missing, unreadable or malformed.
std::optional<nlohmann::json> read_json(const std::filesystem::path& path);

// The record at `path` when valid() for this kind, format and key.
std::optional<nlohmann::json> read_record(const std::filesystem::path& path, std::string_view kind,
                                          int format, std::uint64_t key);

// The record the processes computing together (`processes`, null: this one alone) take from the
// cache: rank 0's, when every one of them found a record (`mine`); else none, and they compute
// it together. Each may see another cache directory, or a record replaced meanwhile: one copy,
// rank 0's, keeps them on the same numbers.
std::optional<nlohmann::json> agreed_record(const std::optional<nlohmann::json>& mine,
                                            const BlockReducer<double>* processes);

// Writes `record` to `path` atomically, creating the directory; a read-only or full cache only
// costs time (the result is still correct), so failures are ignored.
void write_record(const std::filesystem::path& path, const nlohmann::json& record);

}  // namespace largestep::disk_cache
