#include "largestep/core/certificates.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "largestep/data/dataset_spec.h"
#include "largestep/data/generators.h"
#include "largestep/reference/disk_cache.h"

namespace largestep {
namespace {

// The w of a cached reference record of `spec` with d entries, or nothing. The record is not
// validated: the direction is only a candidate, measured on the data.
std::optional<CandidateDirection> cached_w(const std::filesystem::path& path,
                                           const std::string& spec, std::ptrdiff_t d) {
  const std::optional<nlohmann::json> j = disk_cache::read_json(path);
  try {
    if (!j || !j->is_object() || j->value("dataset", "") != spec) return std::nullopt;
    const auto w = j->at("w").get<std::vector<std::string>>();
    if (static_cast<std::ptrdiff_t>(w.size()) != d) return std::nullopt;
    Vector<double> v(d);
    for (std::ptrdiff_t k = 0; k < d; ++k)
      v(k) = std::strtod(w[static_cast<std::size_t>(k)].c_str(), nullptr);
    if (!v.allFinite()) return std::nullopt;
    return CandidateDirection{fmt::format("w_lambda at lambda = {:.3g} (cached reference)",
                                          j->at("lambda").get<double>()),
                              std::move(v)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<CandidateDirection> cheap_candidates(const Dataset<double>& data) {
  std::vector<CandidateDirection> out;
  try {
    const DatasetSpec spec = parse_dataset_spec(data.spec);
    if (spec.kind == "planted") {
      const std::int64_t seed = std::stoll(spec.params.at("seed"));
      if (seed >= 0)
        out.push_back({"w* of the planted generator",
                       planted_direction(data.d(), static_cast<std::uint64_t>(seed))});
    }
  } catch (const std::exception&) {
    // a spec this code did not write: no planted direction
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(disk_cache::directory(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("reference-") || !name.ends_with(".json")) continue;
    if (auto c = cached_w(entry.path(), data.spec, data.d())) out.push_back(std::move(*c));
  }
  return out;
}

Certifier cached_certifier(CertificateOptions options) {
  return [options = std::move(options)](const Problem& problem) {
    CertificateOptions o = options;
    o.candidates.push_back(
        {fmt::format("w_lambda at lambda = {:.3g} (the problem's reference)", problem.lambda),
         problem.reference.w});
    for (CandidateDirection& c : cheap_candidates(problem.data))
      o.candidates.push_back(std::move(c));
    return certify_separability(problem.data, o);
  };
}

}  // namespace largestep
