#include "largestep/reference/disk_cache.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <vector>

#include "largestep/kernel/agreement.h"
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

// An output stream's buffer that hands what is written to `sink` in pieces of up to 64 KB:
// nlohmann's operator<< prints a record through it, so that neither the checksum nor the write of
// a reference with a 2^20-entry w holds the record's whole text (tens of MB) at once.
class ChunkedSink : public std::streambuf {
 public:
  explicit ChunkedSink(std::function<void(std::string_view)> sink) : sink_(std::move(sink)) {
    setp(buffer_, buffer_ + sizeof buffer_);
  }
  ChunkedSink(const ChunkedSink&) = delete;
  ChunkedSink& operator=(const ChunkedSink&) = delete;

 protected:
  int_type overflow(int_type c) override {
    drain();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* text, std::streamsize count) override {
    if (count > epptr() - pptr()) drain();
    if (count >= epptr() - pptr()) {
      sink_(std::string_view(text, static_cast<std::size_t>(count)));
    } else {
      std::memcpy(pptr(), text, static_cast<std::size_t>(count));
      pbump(static_cast<int>(count));
    }
    return count;
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  void drain() {
    if (pptr() > pbase())
      sink_(std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())));
    setp(buffer_, buffer_ + sizeof buffer_);
  }

  std::function<void(std::string_view)> sink_;
  char buffer_[1 << 16];
};

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

std::array<std::uint64_t, 5> Hasher::state() const {
  return {lanes_[0], lanes_[1], lanes_[2], lanes_[3], length_};
}

void Hasher::set_state(const std::array<std::uint64_t, 5>& state) {
  std::copy(state.begin(), state.begin() + 4, lanes_);
  length_ = state[4];
}

namespace {

// Mixes what `mine` mixes on each process in turn, the first first: the hasher's state passes from
// process to process (fold_value_in_order).
void mix_in_turn(Hasher& h, const BlockReducer<double>* reducer,
                 const std::function<void(Hasher&)>& mine) {
  if (reducer == nullptr) return mine(h);
  h.set_state(fold_value_in_order(h.state(), *reducer, [&mine](const auto& state) {
    Hasher g;
    g.set_state(state);
    mine(g);
    return g.state();
  }));
}

}  // namespace

Hasher data_hasher(const Dataset<double>& data, const BlockReducer<double>* reducer) {
  Hasher h;
  const std::int64_t shape[2] = {data.total_n(), data.d()};
  h.mix(shape, sizeof shape);
  if (data.is_shard() && (reducer == nullptr || data.first_row % kHashRows != 0))
    throw std::logic_error("data_hasher: a shard must start at a chunk and have the reducer");
  const BlockReducer<double>* turns = data.is_shard() ? reducer : nullptr;
  const std::ptrdiff_t n = data.n(), d = data.d();
  const auto chunks = [n](const double* values, std::ptrdiff_t per_row) {
    return [=](Hasher& g) {
      for (std::ptrdiff_t i = 0; i < n; i += kHashRows)
        g.mix(values + i * per_row,
              sizeof(double) * static_cast<std::size_t>((std::min(n, i + kHashRows) - i) * per_row));
    };
  };
  if (data.sparse) {
    // The structure too (the same values in other columns are other data): a chunk's nonzero
    // counts, columns and values, none of which depends on where the chunk's rows are stored.
    const std::int64_t stored = data.total_stored();
    h.mix(&stored, sizeof stored);
    mix_in_turn(h, turns, [&data, n](Hasher& g) {
      const int* outer = data.Xs.outerIndexPtr();
      std::vector<int> counts;
      for (std::ptrdiff_t i = 0; i < n; i += kHashRows) {
        const std::ptrdiff_t end = std::min(n, i + kHashRows);
        counts.resize(static_cast<std::size_t>(end - i));
        for (std::ptrdiff_t k = i; k < end; ++k) counts[k - i] = outer[k + 1] - outer[k];
        const auto entries = static_cast<std::size_t>(outer[end] - outer[i]);
        g.mix(counts.data(), sizeof(int) * counts.size());
        g.mix(data.Xs.innerIndexPtr() + outer[i], sizeof(int) * entries);
        g.mix(data.Xs.valuePtr() + outer[i], sizeof(double) * entries);
      }
    });
  } else {
    mix_in_turn(h, turns, chunks(data.X.data(), d));
  }
  mix_in_turn(h, turns, chunks(data.y.data(), 1));
  return h;
}

std::filesystem::path record_path(std::string_view kind, std::uint64_t key) {
  return directory() / fmt::format("{}-{:016x}.json", kind, key);
}

std::string record_checksum(const nlohmann::json& record, std::string_view kind, int format) {
  std::uint64_t h = 1469598103934665603ULL;
  ChunkedSink sink([&h](std::string_view text) {
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  });
  std::ostream out(&sink);
  out << fmt::format("largestep-{}-{}\n", kind, format);
  // record.dump() without "checksum", printed member by member (no copy of the record): the
  // compact dump of an object is {"key":value,...} in key order, keys escaped as strings are.
  if (record.is_object()) {
    out << '{';
    bool first = true;
    for (auto it = record.begin(); it != record.end(); ++it) {
      if (it.key() == "checksum") continue;
      if (!first) out << ',';
      first = false;
      out << nlohmann::json(it.key()) << ':' << it.value();
    }
    out << '}';
  } else {
    out << record;
  }
  out.flush();
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

std::optional<nlohmann::json> agreed_record(const std::optional<nlohmann::json>& mine,
                                            const BlockReducer<double>* processes) {
  if (processes == nullptr) return mine;
  if (!on_every_process(mine.has_value(), processes)) return std::nullopt;
  return nlohmann::json::parse(first_process_bytes(mine->dump(), processes));
}

void write_record(const std::filesystem::path& path, const nlohmann::json& record) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  try {
    // record.dump(1) + "\n", streamed: operator<< indents by the stream's width.
    OutputFile file(path.string());
    ChunkedSink sink([&file](std::string_view text) { file.write(text); });
    std::ostream out(&sink);
    out << std::setw(1) << record << '\n';
    out.flush();
    file.commit();
  } catch (const std::exception&) {
    // A read-only cache only costs time: the result is still correct.
  }
}

}  // namespace largestep::disk_cache
