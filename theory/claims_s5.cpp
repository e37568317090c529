// S5 (Theorem 3): on the hard dataset every monotone GD run needs
// Omega(ln(1/eps)/(lambda ln^2(1/lambda))) steps, and the best stepsize overall beats the best
// monotone one. Measured on the grid eta = 2^(k/4) from 1/L_s to one point past eta_loc.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "bounds.h"
#include "claims_scaling.h"
#include "claims_sweep.h"
#include "largestep/core/registry.h"
#include "largestep/core/result_io.h"
#include "measurement_json.h"

namespace largestep::theory {
namespace {

// Format 2: each point carries its reference's bracket width (S5's counts are certified).
constexpr int kS5Format = 2;

// A run that is not needed beyond this many steps cannot win: the first grid point (monotone,
// as every eta < 2/L_s is) already settled in `first` steps. The factor 2 leaves room for the
// confirmation window of the settled count (25% of the hitting time).
std::int64_t grid_horizon(std::int64_t first, std::int64_t suite_horizon) {
  return std::min(suite_horizon, 2 * first + 1000);
}

// best_grid (the rule `best`'s candidates, below eta_loc) and one grid point past eta_loc, where
// GD can no longer converge (E5): the sweep leaves the locally stable range.
std::vector<double> s5_grid(const Problem& problem) {
  std::vector<double> grid = best_grid(problem.rule_context());
  const double k = std::round(4 * std::log2(grid.back())) + 1;
  grid.push_back(std::exp2(k / 4));
  return grid;
}

struct GridRun {
  double eta;
  SolverResult result;
};

bool fewer_steps(const StepCount& a, const StepCount& b) {
  if (a.lower_bound != b.lower_bound) return !a.lower_bound;
  return a.value < b.value;
}

nlohmann::json grid_details(const std::vector<S5Point::Tried>& grid) {
  nlohmann::json g = nlohmann::json::array();
  for (const S5Point::Tried& r : grid) {
    nlohmann::json row = {{"eta", r.eta}, {"increases", r.increases}};
    put_count(row, "settled", r.settled);
    g.push_back(row);
  }
  return g;
}

// After the first point every run goes to the grid horizon (no early stop when settled): past
// eta_loc the iterates can pass very close to w_lambda and only then escape to a period-2 orbit
// (hard:gamma=0.1, lambda = 1e-4, eta = 128 > eta_loc = 124.7: gap 1e-17 at t = 500, 1.4e-3
// from t = 1000 on), later than the solver's confirmation window, which would call it settled.
// Running to the horizon also makes "monotone" mean the whole run, tail included.
std::vector<GridRun> run_grid(const Problem& problem, double eps, std::int64_t suite_horizon) {
  std::vector<GridRun> runs;
  RunSpec spec;
  spec.options.eps = eps;
  spec.options.max_steps = suite_horizon;
  for (const double eta : s5_grid(problem)) {
    spec.eta = eta;
    runs.push_back({eta, run(problem, spec).result});
    if (runs.size() == 1) {
      spec.options.max_steps = grid_horizon(runs.front().result.settled.value, suite_horizon);
      spec.options.stop_when_settled = false;
    }
  }
  return runs;
}

S5Point summarize(const Problem& problem, const std::vector<GridRun>& runs) {
  S5Point p;
  p.lambda = problem.lambda;
  p.eta_loc = problem.reference.eta_loc;
  p.bracket_width = problem.reference.bracket_width();
  const GridRun* best = nullptr;
  const GridRun* monotone = nullptr;
  for (const GridRun& r : runs) {
    p.grid.push_back({r.eta, r.result.settled, r.result.increases});
    if (!best || fewer_steps(r.result.settled, best->result.settled)) best = &r;
    // Monotone over the whole run, judged above rounding (increase_tolerance_ulps), and settled:
    // a run cut off by the horizon was not observed to the end.
    const bool monotone_run = r.result.increases == 0 && !r.result.settled.lower_bound;
    if (monotone_run && (!monotone || fewer_steps(r.result.settled, monotone->result.settled)))
      monotone = &r;
  }
  p.best_eta = best->eta;
  p.best_steps = best->result.settled;
  p.best_increases = best->result.increases;
  if (monotone) {
    p.monotone_eta = monotone->eta;
    p.monotone_steps = monotone->result.settled;
  }
  return p;
}

// Also the measurement file's form of a point: s5_point_from_json reads it back.
nlohmann::json point_details(const S5Point& p) {
  nlohmann::json j = {{"lambda", p.lambda},
                      {"eta_loc", p.eta_loc},
                      {"best_eta", p.best_eta},
                      {"best_increases", p.best_increases},
                      {"monotone_eta", p.monotone_eta ? nlohmann::json(*p.monotone_eta) : nullptr},
                      {"grid", grid_details(p.grid)},
                      {"bracket_width", p.bracket_width}};
  put_count(j, "best_settled", p.best_steps);
  if (p.monotone_eta) {
    put_count(j, "monotone_settled", p.monotone_steps);
  } else {
    j["monotone_settled"] = j["monotone_settled_at_least"] = nullptr;
  }
  return j;
}

S5Point s5_point_from_json(const nlohmann::json& j) {
  S5Point p;
  p.lambda = j.at("lambda").get<double>();
  p.eta_loc = j.at("eta_loc").get<double>();
  p.best_eta = j.at("best_eta").get<double>();
  p.best_steps = get_count(j, "best_settled");
  p.best_increases = j.at("best_increases").get<std::int64_t>();
  p.bracket_width = j.at("bracket_width").get<double>();
  if (!j.at("monotone_eta").is_null()) {
    p.monotone_eta = j.at("monotone_eta").get<double>();
    p.monotone_steps = get_count(j, "monotone_settled");
  }
  for (const nlohmann::json& g : j.at("grid"))
    p.grid.push_back({g.at("eta").get<double>(), get_count(g, "settled"),
                      g.at("increases").get<std::int64_t>()});
  return p;
}

}  // namespace

S5Point measure_s5_point(const Problem& problem, double eps, std::int64_t horizon) {
  return summarize(problem, run_grid(problem, eps, horizon));
}

Verdict judge_s5(const std::string& dataset, const std::vector<S5Point>& points, double eps,
                 double min_slope, double strict_below) {
  // eps with the points' bracket widths: judge_slope certifies the counts.
  StepSeries monotone{"S5", dataset, "best monotone eta", {}, {}, {}, {}, "", eps, {}};
  std::vector<std::string> no_monotone, not_faster, speedups;
  nlohmann::json rows = nlohmann::json::array();
  for (const S5Point& p : points) {
    rows.push_back(point_details(p));
    if (!p.monotone_eta) {
      no_monotone.push_back(fmt::format("{:.3g}", p.lambda));
      continue;
    }
    monotone.lambdas.push_back(p.lambda);
    monotone.steps.push_back(p.monotone_steps);
    monotone.etas.push_back(*p.monotone_eta);
    monotone.scales.push_back(s5_monotone_step_scale(p.lambda, eps));
    monotone.bracket_widths.push_back(p.bracket_width);
    if (p.lambda > strict_below * (1 + 1e-9)) continue;
    speedups.push_back(
        fmt::format("{:.3g}: {} vs {}", p.lambda, p.best_steps.str(), p.monotone_steps.str()));
    if (p.best_steps.lower_bound || !(p.best_steps.value < p.monotone_steps.value))
      not_faster.push_back(fmt::format("{:.3g}", p.lambda));
  }
  const SlopeTest test{Abscissa::inverse_lambda_log2,
                       min_slope,
                       std::nullopt,
                       "monotone GD needs Omega(ln(1/eps)/(lambda ln^2(1/lambda))) steps",
                       {}};
  Verdict v = judge_slope(monotone, test);
  v.predicted += fmt::format(
      ", a monotone run at every lambda and one lambda <= {0:g} at least; and the best eta "
      "overall strictly fewer steps than the best monotone at every lambda <= {0:g}",
      strict_below);
  v.measured +=
      fmt::format("; best overall vs best monotone steps at lambda {}",
                  speedups.empty() ? "none" : fmt::format("{}", fmt::join(speedups, ", ")));
  v.details["points"] = rows;
  v.details["grid_rule"] = "eta = 2^(k/4) from 1/L_s to the first point >= eta_loc";
  if (!no_monotone.empty()) {
    v = below_minimum(std::move(v),
                      fmt::format("no grid stepsize gave a monotone settled run at lambda = {}",
                                  fmt::join(no_monotone, ", ")));
  } else if (speedups.empty()) {
    v = below_minimum(std::move(v), fmt::format("no lambda <= {:g} to compare the best stepsize "
                                                "with the best monotone one at",
                                                strict_below));
  } else if (v.outcome != Outcome::inconclusive && !not_faster.empty()) {
    v.outcome = Outcome::fail;
    v.reason += fmt::format(
        "{}the best stepsize overall is not faster than the best monotone "
        "one at lambda = {}",
        v.reason.empty() ? "" : "; ", fmt::join(not_faster, ", "));
  } else if (v.outcome == Outcome::pass) {
    v.reason =
        "best monotone steps grow like 1/(lambda ln^2(1/lambda)) and leaving monotonicity "
        "is strictly faster";
  }
  return v;
}

nlohmann::json measure_s5(const CheckContext& ctx, ProblemCache& problems, const ScalingSweep& sweep) {
  const Study& study = find_study("S5", sweep.suite);
  nlohmann::json sets = nlohmann::json::array();
  for (const std::string& dataset : study.datasets) {
    nlohmann::json points = nlohmann::json::array();
    for (const double lambda : study.lambdas) {
      const Problem& problem = problems.get(dataset, lambda);
      ctx.report(fmt::format("S5: grid on {} at lambda = {:.3g}", dataset, lambda));
      points.push_back(point_details(measure_s5_point(problem, sweep.eps, sweep.horizon)));
    }
    sets.push_back({{"dataset", dataset}, {"points", points}});
  }
  return {{"family", "S5"},   {"suite", sweep.suite},     {"format", kS5Format},
          {"eps", sweep.eps}, {"horizon", sweep.horizon}, {"datasets", sets}};
}

std::vector<Verdict> judge_s5_file(const nlohmann::json& measured) {
  check_measurement_header(measured, "S5", kS5Format);
  std::vector<Verdict> out;
  const double eps = measured.at("eps").get<double>();
  for (const nlohmann::json& set : measured.at("datasets")) {
    std::vector<S5Point> points;
    for (const nlohmann::json& p : set.at("points")) points.push_back(s5_point_from_json(p));
    out.push_back(judge_s5(set.at("dataset").get<std::string>(), points, eps));
  }
  return out;
}

}  // namespace largestep::theory
