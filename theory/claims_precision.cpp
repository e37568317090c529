// Double vs 100-digit GD on the suite's S2 and S3 configurations. All Mp instantiation of the
// theory library lives in this file: Eigen over MPFR numbers compiles slowly.
#include "claims_precision.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "claims_sweep.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/reference/objective_mp.h"
#include "largestep/reference/certified.h"
#include "largestep/core/result_io.h"

namespace largestep::theory {
namespace {

inline constexpr unsigned kDigits = 100;

// Every configuration runs, however long: one GD step at 100 digits costs 20-40 us per data row
// (an exp and a log1p in MPFR), so the paper suite's planted runs (n = 200, up to ~70000 steps)
// take most of its time. The verdict reports the seconds.

struct MpRun {
  SolverResult result;
  double seconds = 0;
};

// The same configuration as the double run: data, lambda, eta (the double's exact value), eps,
// settle options; the horizon is capped at 4x the double run's length (stated in the verdict),
// which changes nothing for a run that settles before it.
MpRun run_mp(const Problem& problem, const SweepRun& run, SolverOptions options) {
  const auto start = std::chrono::steady_clock::now();
  const MpReference ref = cached_reference_mp(problem.data, problem.lambda, kDigits);
  const MpDigits digits(kDigits);  // before any Mp is made: they take the precision at creation
  const Dataset<Mp> data = problem.data.cast<Mp>();
  const LogisticObjective<Mp> f(data, Mp(problem.lambda));
  options.eta = run.outcome->eta;
  options.max_steps = std::min(options.max_steps, 4 * run.outcome->result.steps + 1000);
  MpRun out;
  out.result = gradient_descent<Mp>(f, Mp(ref.f_star), options);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

double relative_difference(const PrecisionPoint& p) {
  const double d = static_cast<double>(p.double_steps.value);
  const double m = static_cast<double>(p.mp_steps.value);
  return std::abs(d - m) / std::max(m, 1.0);
}

// The horizon of the 100-digit reruns, stated with every verdict.
constexpr const char* kHorizonNote =
    "; 100-digit horizon capped at 4x the double run's steps + 1000";

enum class Agreement { within, beyond, unknown };

// Whether |d - m| <= rel_tol m for the counts' true values. A censored count is only known to be
// >= its value; (c - d) / c grows with c, so the bound decides for every c >= it when it is
// already too far; a censored mp count may also be larger than a measured double one and vice
// versa.
Agreement agreement(const PrecisionPoint& p, double rel_tol) {
  const double d = static_cast<double>(p.double_steps.value);
  const double m = static_cast<double>(p.mp_steps.value);
  const bool d_bound = p.double_steps.lower_bound, m_bound = p.mp_steps.lower_bound;
  if (!d_bound && !m_bound)
    return relative_difference(p) <= rel_tol ? Agreement::within : Agreement::beyond;
  if (d_bound && m_bound) return Agreement::unknown;
  if (m_bound) return (m - d) / std::max(m, 1.0) > rel_tol ? Agreement::beyond : Agreement::unknown;
  return (d - m) / std::max(m, 1.0) > rel_tol ? Agreement::beyond : Agreement::unknown;
}

nlohmann::json optional_step(const std::optional<std::int64_t>& t) {
  return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
}
std::optional<std::int64_t> optional_step(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<std::int64_t>();
}

// A point as the measurement file and the verdict's details hold it.
nlohmann::json point_json(const PrecisionPoint& p) {
  nlohmann::json j = {{"lambda", p.lambda},
                      {"eta", p.eta},
                      {"method", p.method},
                      {"double_last_increase", optional_step(p.double_last_increase)},
                      {"mp_last_increase", optional_step(p.mp_last_increase)},
                      {"mp_seconds", p.mp_seconds}};
  put_count(j, "double_settled", p.double_steps);
  put_count(j, "mp_settled", p.mp_steps);
  return j;
}

PrecisionPoint precision_point_from_json(const nlohmann::json& j) {
  return {j.at("lambda").get<double>(),
          j.at("eta").get<double>(),
          j.at("method").get<std::string>(),
          get_count(j, "double_settled"),
          get_count(j, "mp_settled"),
          optional_step(j.at("double_last_increase")),
          optional_step(j.at("mp_last_increase")),
          j.at("mp_seconds").get<double>()};
}

}  // namespace

Verdict judge_precision(const std::string& dataset, const std::vector<PrecisionPoint>& points,
                        const std::vector<std::string>& skipped, double rel_tol) {
  const std::string predicted = with_minimum(
      fmt::format("double and 100-digit GD settle alike (EoS trajectories are rounding-sensitive: "
                  "the double counts stand only if they agree); fail if |double - mp| > {:g}% of "
                  "mp at any configuration{}",
                  100 * rel_tol, kHorizonNote),
      "every S2 and S3 configuration of the suite compared, both counts settled");
  std::string left_out;
  if (!skipped.empty())
    left_out = fmt::format("; not run at 100 digits: {}", fmt::join(skipped, "; "));
  if (points.empty())
    return below_minimum("precision", dataset, "no configuration run" + left_out, predicted,
                         "no configuration compared");
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::string> cells, beyond, unknown;
  double worst = 0, seconds = 0;
  for (const PrecisionPoint& p : points) {
    const double rel = relative_difference(p);
    worst = std::max(worst, rel);
    seconds += p.mp_seconds;
    const std::string cell =
        fmt::format("{}@{:.3g}: {}/{}", p.method, p.lambda, p.double_steps.str(), p.mp_steps.str());
    cells.push_back(cell);
    const Agreement a = agreement(p, rel_tol);
    if (a == Agreement::beyond) beyond.push_back(cell);
    if (a == Agreement::unknown) unknown.push_back(cell);
    nlohmann::json row = point_json(p);
    row["relative_difference"] = rel;
    rows.push_back(row);
  }
  const std::string measured = fmt::format(
      "{} configurations, settled double/mp: {}; largest relative difference {:.3g}% ({:.0f} s "
      "at 100 digits){}",
      points.size(), fmt::join(cells, ", "), 100 * worst, seconds, left_out);
  Verdict v =
      verdict_from(beyond.empty(), "precision", dataset, measured, predicted,
                   "double and 100-digit runs settle alike at every configuration",
                   fmt::format("double and 100-digit settled counts differ beyond {:g}% at {}",
                               100 * rel_tol, fmt::join(beyond, ", ")));
  if (v.outcome == Outcome::pass && !unknown.empty()) {
    v = below_minimum(std::move(v), fmt::format("not settled within the horizon, no comparison: {}",
                                                fmt::join(unknown, ", ")));
  } else if (v.outcome == Outcome::pass && !skipped.empty()) {
    v = below_minimum(std::move(v), fmt::format("{} configurations not compared", skipped.size()));
  }
  v.details["points"] = rows;
  v.details["digits"] = kDigits;
  v.details["skipped"] = skipped;
  v.details["tolerance"] = rel_tol;
  v.details["mp_seconds"] = seconds;
  return v;
}

nlohmann::json measure_precision(const CheckContext& ctx, ProblemCache& problems,
                                 const ScalingSweep& sweep) {
  SolverOptions options;  // the suite's: its eps and horizon, default settling
  options.eps = sweep.eps;
  options.max_steps = sweep.horizon;
  nlohmann::json sets = nlohmann::json::array();
  for (const SweepDataset& set : sweep.datasets) {
    nlohmann::json points = nlohmann::json::array();
    std::vector<std::string> skipped;
    for (const SweepPoint& p : set.points) {
      for (const SweepRun& r : p.runs) {
        if (r.method != "s2" && r.method != "s3") continue;
        if (!r.outcome) {
          skipped.push_back(fmt::format("{} at lambda = {:.3g} ({})", r.method, p.lambda, r.skipped));
          continue;
        }
        ctx.report(fmt::format("precision: {} at lambda = {:.3g} on {}, 100 digits", r.method,
                               p.lambda, set.dataset));
        const MpRun mp = run_mp(problems.get(set.dataset, p.lambda), r, options);
        const SolverResult& d = r.outcome->result;
        points.push_back(point_json({p.lambda, r.outcome->eta, r.method, d.settled, mp.result.settled,
                                     d.last_increase, mp.result.last_increase, mp.seconds}));
      }
    }
    sets.push_back({{"dataset", set.dataset}, {"points", points}, {"skipped", skipped}});
  }
  return {{"family", "precision"}, {"suite", sweep.suite}, {"format", 1}, {"digits", kDigits},
          {"datasets", sets}};
}

std::vector<Verdict> judge_precision_file(const nlohmann::json& measured) {
  std::vector<Verdict> out;
  for (const nlohmann::json& set : measured.at("datasets")) {
    std::vector<PrecisionPoint> points;
    for (const nlohmann::json& p : set.at("points")) points.push_back(precision_point_from_json(p));
    Verdict v = judge_precision(set.at("dataset").get<std::string>(), points,
                                set.at("skipped").get<std::vector<std::string>>());
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace largestep::theory
