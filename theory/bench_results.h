// `largestep verify --results FILE.json`: the steps-to-eps counters of a Google Benchmark JSON
// file written by bench_time_to_eps, checked against the same bounds as the checker's own runs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "check_context.h"
#include "verdict.h"

namespace largestep::theory {

// Google Benchmark writes NaN and Inf unquoted (e.g. the `cv` aggregate of a constant counter),
// which is not JSON: those values become null before parsing. Throws nlohmann::json::exception.
nlohmann::json parse_benchmark_json(const std::string& text);

// Reads the benchmarks named "<suite>/<registry experiment>/double[/real_time]" (counters `steps`,
// `horizon_hit`, `final_gap`, `eta`, and when present `first_hit`, `gap_bound`, `floor_reached`),
// rebuilds the lambda sweeps of each registry suite from them and judges S1, S2, S3 and S8 exactly
// as check_scaling_claims does, plus one verdict that every settled run's final gap plus its
// error bound is <= its eps. It validates before it judges: counts are positive integers no larger
// than the horizon + 1; repetitions and duplicates of a name carry the same counters; eta is the
// experiment's rule's eta on the certified problem (rel. 1e-12; for `best`, a point of its grid);
// each method's series has every lambda of the suite over at least two decades. GD counts at
// eta >= eta_loc are lower bounds whatever horizon_hit says. `source` names the file in errors.
// Throws std::invalid_argument naming the file, the benchmark and the field when the JSON is not
// such a file or fails a check.
std::vector<Verdict> check_benchmark_results(const nlohmann::json& results, const std::string& source,
                                             const CheckContext& ctx);

}  // namespace largestep::theory
