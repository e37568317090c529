#include "largestep/reference/certificate.h"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <optional>

#include "largestep/kernel/agreement.h"
#include "largestep/reference/disk_cache.h"

namespace largestep {
namespace {

// The version of the code that computes and writes certificates: bump it whenever the
// certificate's numbers or the record's fields change.
constexpr int kCertificateFormat = 2;
constexpr std::string_view kCertificateKind = "certificate";

std::atomic<long> computed{0};

// Data with more entries than this warm-starts Frank-Wolfe from the best candidate.
constexpr double kWarmStartEntries = 1e6;

std::uint64_t cache_key(const Dataset<double>& data, const SeparabilityOptions& o) {
  disk_cache::Hasher h = disk_cache::data_hasher(data, shard_reducer(data));
  h.mix_value(o.max_iterations);
  h.mix_value(o.relative_tolerance);
  h.mix_value(o.max_entries_for_multiprecision);
  h.mix_value(o.max_digits);
  return h.value();
}

SeparabilityVerdict parse_verdict(const std::string& text) {
  for (const SeparabilityVerdict v :
       {SeparabilityVerdict::separable, SeparabilityVerdict::not_separable,
        SeparabilityVerdict::undetermined})
    if (to_string(v) == text) return v;
  throw std::invalid_argument(fmt::format("unknown verdict '{}'", text));
}

// JSON has no infinity: no budget is null.
nlohmann::json budget_json(double seconds) {
  return std::isfinite(seconds) ? nlohmann::json(seconds) : nlohmann::json(nullptr);
}

nlohmann::json to_record(const Separability& s, const SeparabilityOptions& o) {
  return {{"verdict", to_string(s.verdict)},
          {"separable", s.separable},
          {"margin", s.margin},
          {"margin_upper_bound", s.margin_upper_bound},
          {"direction",
           std::vector<double>(s.direction.data(), s.direction.data() + s.direction.size())},
          {"iterations", s.iterations},
          {"converged", s.converged},
          {"digits", s.digits},
          {"method", s.method},
          {"time_budget_hit", s.time_budget_hit},
          {"iteration_cap_hit", s.iteration_cap_hit},
          {"seconds", s.seconds},
          {"budget_seconds", budget_json(o.max_seconds)}};
}

// The record's certificate when it serves a request with budget `max_seconds`: one the budget did
// not cut short serves any; one it did, only budgets no larger than its own.
std::optional<Separability> from_record(const nlohmann::json& j, double max_seconds) {
  Separability s;
  s.time_budget_hit = j.at("time_budget_hit").get<bool>();
  if (s.time_budget_hit) {
    const nlohmann::json& budget = j.at("budget_seconds");
    if (budget.is_null() || !(max_seconds <= budget.get<double>())) return std::nullopt;
  }
  s.verdict = parse_verdict(j.at("verdict").get<std::string>());
  s.separable = j.at("separable").get<bool>();
  s.margin = j.at("margin").get<double>();
  s.margin_upper_bound = j.at("margin_upper_bound").get<double>();
  const auto direction = j.at("direction").get<std::vector<double>>();
  s.direction = Eigen::Map<const Vector<double>>(direction.data(),
                                                 static_cast<std::ptrdiff_t>(direction.size()));
  s.iterations = j.at("iterations").get<long>();
  s.converged = j.at("converged").get<bool>();
  s.digits = j.at("digits").get<int>();
  s.method = j.at("method").get<std::string>();
  s.iteration_cap_hit = j.at("iteration_cap_hit").get<bool>();
  s.seconds = j.at("seconds").get<double>();
  return s;
}

// The candidates of the first process, on every process sharing rows (each measures them on its
// rows, together, or on the whole data alike): a process may list a reference file another does
// not see yet.
std::vector<CandidateDirection> agreed(const std::vector<CandidateDirection>& mine) {
  const BlockReducer<double>* reducer = processes_sharing_rows();
  if (reducer == nullptr) return mine;
  std::string bytes;
  const auto put = [&bytes](const void* p, std::size_t size) {
    bytes.append(static_cast<const char*>(p), size);
  };
  for (const CandidateDirection& c : mine) {
    const std::uint64_t sizes[2] = {c.name.size(), static_cast<std::uint64_t>(c.direction.size())};
    put(sizes, sizeof sizes);
    put(c.name.data(), c.name.size());
    put(c.direction.data(), sizeof(double) * static_cast<std::size_t>(c.direction.size()));
  }
  bytes = first_process_bytes(bytes, reducer);
  std::vector<CandidateDirection> out;
  for (std::size_t at = 0; at < bytes.size();) {
    std::uint64_t sizes[2];
    std::memcpy(sizes, bytes.data() + at, sizeof sizes);
    at += sizeof sizes;
    CandidateDirection c{bytes.substr(at, sizes[0]), Vector<double>(sizes[1])};
    at += sizes[0];
    std::memcpy(c.direction.data(), bytes.data() + at, sizeof(double) * sizes[1]);
    at += sizeof(double) * sizes[1];
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

long certificates_computed() { return computed.load(); }

Separability cached_separability(const Dataset<double>& data, const SeparabilityOptions& options) {
  const std::uint64_t key = cache_key(data, options);
  const std::filesystem::path path = disk_cache::record_path(kCertificateKind, key);
  // Processes sharing rows compute a certificate together: all take rank 0's record, or none
  // does.
  if (const auto j = disk_cache::agreed_record(
          disk_cache::read_record(path, kCertificateKind, kCertificateFormat, key),
          processes_sharing_rows())) {
    try {
      if (auto cached = from_record(*j, options.max_seconds);
          cached && cached->direction.size() == data.d())
        return *cached;
    } catch (const std::exception&) {
      // a field missing or of the wrong type: recompute below
    }
  }
  const Separability s = check_separability(data, options);
  ++computed;
  disk_cache::write_record(path,
                           disk_cache::seal(to_record(s, options), kCertificateKind,
                                            kCertificateFormat, key));
  return s;
}

Separability certify_separability(const Dataset<double>& data, const CertificateOptions& given) {
  CertificateOptions options = given;
  options.candidates = agreed(given.candidates);
  SeparabilityOptions separability = options.separability;
  // On large data, where Frank-Wolfe from one row needs many O(n d) iterations, it starts near the
  // best candidate instead. Small data keeps the one-row start, and so the certificates it always
  // had.
  if (static_cast<double>(data.total_n()) * static_cast<double>(data.d()) > kWarmStartEntries &&
      separability.start_direction.size() == 0) {
    double best_margin = 0;
    for (const CandidateDirection& c : options.candidates) {
      if (c.direction.size() != data.d()) continue;
      if (const double m = certified_margin(data, c.direction); m > best_margin) {
        best_margin = m;
        separability.start_direction = c.direction;
      }
    }
  }
  Separability best;
  if (options.use_cache) {
    best = cached_separability(data, separability);
  } else {
    best = check_separability(data, separability);
    ++computed;
  }
  // A Frank-Wolfe that converged is within its relative tolerance of the best margin: a candidate
  // could add no more, and the certificate stays the one check_separability gives.
  if (best.converged && best.separable) return best;
  for (const CandidateDirection& c : options.candidates) {
    if (c.direction.size() != data.d()) continue;  // another dataset's: nothing to measure
    const double margin = certified_margin(data, c.direction);
    if (!(margin > 0) || (best.separable && !(margin > best.margin))) continue;
    best.verdict = SeparabilityVerdict::separable;
    best.separable = true;
    best.margin = margin;
    best.direction = c.direction.normalized();
    best.method +=
        fmt::format("; the margin of the candidate direction {}, measured on the data", c.name);
  }
  return best;
}

}  // namespace largestep
