#include "safe_tuning.h"

#include <fmt/format.h>

#include <cmath>
#include <tuple>

namespace largestep::theory {
namespace {

double geometric_mean_ratio(const SafeStanding& s) {
  const int settled = s.cells - s.failures;
  return settled > 0 ? std::exp(s.log_ratio_sum / settled) : INFINITY;
}

bool same(const SafeSettings& a, const SafeSettings& b) { return a.str() == b.str(); }

}  // namespace

std::vector<SafeSettings> safe_grid() {
  std::vector<SafeSettings> grid;
  for (const double warmup : {1.5, 2.0, 4.0})
    for (const double cap : {0.5, 0.7, 0.9, 0.99})
      for (const int every : {10, 25, 50, 100})
        for (const int lanczos : {3, 5})
          for (const int patience : {20, 50})
            grid.push_back({warmup, cap, every, lanczos, patience});
  return grid;
}

bool ranks_before(const SafeTrial& a, const SafeTrial& b) {
  const auto key = [](const SafeStanding& s) {
    return std::make_tuple(s.failures, -s.within_twice, -s.no_oracle_wins, geometric_mean_ratio(s));
  };
  return key(a.standing) < key(b.standing);
}

std::string tuning_markdown(const std::vector<SafeTrial>& ranked, std::size_t shown) {
  std::string out =
      "| rank | settings | cells | failed | within 2x of best | <= best no-oracle | geo. mean "
      "safe / best no-oracle | worst safe / best (cell) |\n|---:|---|---:|---:|---:|---:|---:|---|\n";
  const SafeSettings defaults;
  for (std::size_t k = 0; k < ranked.size(); ++k) {
    const bool is_default = same(ranked[k].settings, defaults);
    if (k >= shown && !is_default) continue;
    const SafeStanding& s = ranked[k].standing;
    out += fmt::format("| {} | {}{} | {} | {} | {} | {} | {:.3f} | {:.3g} ({}) |\n", k + 1,
                       ranked[k].settings.str(), is_default ? " (default)" : "", s.cells,
                       s.failures, s.within_twice, s.no_oracle_wins, geometric_mean_ratio(s),
                       s.worst_ratio, s.worst_cell);
  }
  return out;
}

nlohmann::json tuning_json(const std::vector<SafeTrial>& ranked) {
  nlohmann::json out = nlohmann::json::array();
  for (const SafeTrial& t : ranked) {
    const SafeStanding& s = t.standing;
    const double mean = geometric_mean_ratio(s);
    out.push_back({{"settings", t.settings.str()},
                   {"cells", s.cells},
                   {"failures", s.failures},
                   {"within_twice", s.within_twice},
                   {"no_oracle_wins", s.no_oracle_wins},
                   {"geometric_mean_ratio", std::isfinite(mean) ? nlohmann::json(mean) : nlohmann::json(nullptr)},
                   {"worst_ratio", std::isfinite(s.worst_ratio) ? nlohmann::json(s.worst_ratio) : nlohmann::json(nullptr)},
                   {"worst_cell", s.worst_cell},
                   {"lost", s.lost}});
  }
  return out;
}

}  // namespace largestep::theory
