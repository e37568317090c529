// Choosing the defaults of the solver safe (`largestep tune-safe`): every setting of a fixed grid
// run on the training cells of the suite safe-train, each ranked by how it stands against the
// arena's other methods there (safe_standing, the measure of verdict A5).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arena_verdicts.h"
#include "largestep/core/safe_settings.h"

namespace largestep::theory {

// warmup {1.5, 2, 4} x cap {0.5, 0.7, 0.9, 0.99} x every {10, 25, 50, 100} x lanczos {3, 5} x
// patience {20, 50}: 192 settings.
std::vector<SafeSettings> safe_grid();

struct SafeTrial {
  SafeSettings settings;
  SafeStanding standing;
};

// The bar of A5 in order: fewer failures, more cells within 2x of the best method, more cells at
// or below the best no-oracle method, then the smaller geometric mean of safe / best no-oracle.
bool ranks_before(const SafeTrial& a, const SafeTrial& b);

// The trials ranked (ranks_before), the first `shown` as a markdown table, the defaults' row
// marked; and all of them as JSON.
std::string tuning_markdown(const std::vector<SafeTrial>& ranked, std::size_t shown);
nlohmann::json tuning_json(const std::vector<SafeTrial>& ranked);

}  // namespace largestep::theory
