// The judges of the exact claims E1-E4, E6, E7: measured numbers in, a Verdict out. Every bound
// comes from bounds.h; the tolerances are the constants of claims_exact.h, stated in each verdict.
// Also the family's measurement document: its fields and judge_exact.
#include "claims_exact.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "bounds.h"
#include "largestep/core/solver.h"
#include "measurement_json.h"

namespace largestep::theory {
namespace {

// Ratios near 1 are where the tolerance matters, so they are written as 1 +- the excess.
std::string ratio_str(double r) {
  if (r != 1 && std::abs(r - 1) < 1e-4) return fmt::format("1{:+.2g}", r - 1);
  return fmt::format("{:.4g}", r);
}

std::string tolerance_str() { return fmt::format("tol {:g} rel.", kRoundingTolerance); }

bool at_most_one(double ratio) { return ratio <= 1 + kRoundingTolerance; }

// The worst (largest) of a family of ratios and where it was found.
struct Worst {
  double value = -std::numeric_limits<double>::infinity();
  std::string where;

  void offer(double v, const std::string& at) {
    if (v > value || where.empty()) {
      value = v;
      where = at;
    }
  }
};

std::string lambda_str(double lambda) { return fmt::format("lambda={:.3g}", lambda); }

// The exact claims are inequalities checked at every point measured: one point is evidence for
// that point (the measured text says how many there were; the suites probe w = 0, each w_lambda,
// 100 GD iterates and 100 or 500 random points, at 3 or 9 lambdas).
constexpr const char* kPointMinimum = "one point where L is measurable (checked at every point)";
constexpr const char* kOptimumMinimum =
    "Assumption 1, one lambda in (0, 1) (an exact bound, checked at every lambda measured)";

nlohmann::json assumptions_json(const DataAssumptions& a) {
  return {{"max_row_norm", a.max_row_norm}, {"gamma", a.gamma}};
}

}  // namespace

std::string row_norm_violation(const DataAssumptions& a) {
  if (a.max_row_norm <= 1 + kRoundingTolerance) return "";
  return fmt::format("a row has ||x|| = {:.6g} > 1", a.max_row_norm);
}

std::string assumption1_violation(const DataAssumptions& a) {
  std::string why = row_norm_violation(a);
  if (a.gamma <= 0)
    why += fmt::format("{}no certified margin (the data is not known to be separable)",
                       why.empty() ? "" : " and ");
  return why;
}

// ---- E1, E2 ------------------------------------------------------------------------------------

Verdict judge_e1(const std::string& dataset, const DataAssumptions& a, const WorstRatio& hessian,
                 const WorstRatio& gradient) {
  const std::string measured = fmt::format(
      "max ||hess L||/L = {} ({}); max ||grad L||/L = {} ({}); {} points", ratio_str(hessian.value),
      hessian.where, ratio_str(gradient.value), gradient.where, hessian.points);
  const std::string predicted =
      with_minimum(fmt::format("both <= 1 ({})", tolerance_str()), kPointMinimum);
  Verdict v;
  if (const std::string why = row_norm_violation(a); !why.empty()) {
    v = inconclusive("E1", dataset, measured, predicted, "E1 needs ||x_i|| <= 1, but " + why + ".");
  } else if (hessian.points == 0 || gradient.points == 0) {
    v = below_minimum("E1", dataset, measured, predicted, "no point was measured");
  } else {
    v = verdict_from(at_most_one(hessian.value) && at_most_one(gradient.value), "E1", dataset,
                     measured, predicted,
                     "L bounds both its gradient and Hessian norms everywhere measured.",
                     "The self-bounding property fails beyond rounding at a measured point.");
  }
  v.details = {{"assumptions", assumptions_json(a)}, {"hessian_over_loss", hessian.value},
               {"hessian_at", hessian.where},        {"gradient_over_loss", gradient.value},
               {"gradient_at", gradient.where},      {"points", hessian.points},
               {"tolerance", kRoundingTolerance}};
  return v;
}

Verdict judge_e2(const std::string& dataset, const DataAssumptions& a, const WorstRatio& margin) {
  const std::string measured =
      fmt::format("min ||grad L||/(gamma G) = {} ({}); {} points, gamma = {:.6g}",
                  ratio_str(margin.value), margin.where, margin.points, a.gamma);
  const std::string predicted = with_minimum(fmt::format(">= 1 ({})", tolerance_str()),
                                             std::string(kPointMinimum) + ", Assumption 1");
  Verdict v;
  if (const std::string why = assumption1_violation(a); !why.empty()) {
    v = inconclusive("E2", dataset, measured, predicted, "Assumption 1 fails: " + why + ".");
  } else if (margin.points == 0) {
    v = below_minimum("E2", dataset, measured, predicted, "no point was measured");
  } else {
    v = verdict_from(margin.value >= 1 - kRoundingTolerance, "E2", dataset, measured, predicted,
                     "The margin inequality holds at every measured point.",
                     "||grad L|| falls below gamma G beyond rounding at a measured point.");
  }
  v.details = {{"assumptions", assumptions_json(a)},
               {"min_ratio", margin.value},
               {"at", margin.where},
               {"points", margin.points},
               {"tolerance", kRoundingTolerance}};
  return v;
}

// ---- E3, E4 ------------------------------------------------------------------------------------

namespace {

// The checks shared by E3 and E4 before any number is compared: Assumption 1, a sweep, and
// lambda in (0, 1) where the bounds are stated. Empty when the sweep can be judged.
std::string optimum_precondition(const DataAssumptions& a, const std::vector<OptimumPoint>& sweep) {
  if (const std::string why = assumption1_violation(a); !why.empty())
    return "Assumption 1 fails: " + why + ".";
  if (sweep.empty()) return "No lambda was measured.";
  for (const OptimumPoint& p : sweep)
    if (!(p.lambda > 0 && p.lambda < 1))
      return fmt::format("The bounds are stated for 0 < lambda < 1, not {}.", lambda_str(p.lambda));
  return "";
}

}  // namespace

Verdict judge_e3(const std::string& dataset, const DataAssumptions& a,
                 const std::vector<OptimumPoint>& sweep) {
  Worst norm, loss;
  nlohmann::json rows = nlohmann::json::array();
  for (const OptimumPoint& p : sweep) {
    const double norm_bound = e3_w_norm_squared_bound(p.lambda, a.gamma);
    const double loss_bound = e3_loss_bound(p.lambda, a.gamma);
    norm.offer(p.w_norm * p.w_norm / norm_bound, lambda_str(p.lambda));
    loss.offer(p.loss / loss_bound, lambda_str(p.lambda));
    rows.push_back({{"lambda", p.lambda},
                    {"w_norm_squared", p.w_norm * p.w_norm},
                    {"w_norm_squared_bound", norm_bound},
                    {"loss", p.loss},
                    {"loss_bound", loss_bound},
                    {"reference_residual", p.residual}});
  }
  const std::string measured =
      fmt::format("max ||w||^2/bound = {} at {}; max L/bound = {} at {}", ratio_str(norm.value),
                  norm.where, ratio_str(loss.value), loss.where);
  const std::string predicted =
      with_minimum(fmt::format("<= 1 ({}); ||w||^2 <= 2 + ln^2(1/lambda)/gamma^2, L <= lambda (1 + "
                               "ln^2(1/lambda)/(2 gamma^2)), gamma = {:.6g}",
                               tolerance_str(), a.gamma),
                   kOptimumMinimum);
  Verdict v;
  if (const std::string why = optimum_precondition(a, sweep); !why.empty()) {
    v = inconclusive("E3", dataset, measured, predicted, why);
  } else {
    v = verdict_from(at_most_one(norm.value) && at_most_one(loss.value), "E3", dataset, measured,
                     predicted,
                     "||w_lambda||^2 and L(w_lambda) are within their bounds at every lambda.",
                     "||w_lambda||^2 or L(w_lambda) exceeds its bound beyond rounding.");
  }
  v.details = {
      {"assumptions", assumptions_json(a)}, {"lambdas", rows}, {"tolerance", kRoundingTolerance}};
  return v;
}

Verdict judge_e4(const std::string& dataset, const DataAssumptions& a,
                 const std::vector<OptimumPoint>& sweep) {
  Worst sharpness, g;
  nlohmann::json rows = nlohmann::json::array();
  for (const OptimumPoint& p : sweep) {
    const double bound = e4_sharpness_bound(p.lambda, p.w_norm, a.gamma);
    sharpness.offer(p.sharpness / p.g, lambda_str(p.lambda));
    g.offer(p.g / bound, lambda_str(p.lambda));
    rows.push_back({{"lambda", p.lambda},
                    {"sharpness", p.sharpness},
                    {"G", p.g},
                    {"bound", bound},
                    {"reference_residual", p.residual}});
  }
  const std::string measured =
      fmt::format("max lambda_max(hess L)/G = {} at {}; max G/(lambda ||w||/gamma) = {} at {}",
                  ratio_str(sharpness.value), sharpness.where, ratio_str(g.value), g.where);
  const std::string predicted = with_minimum(
      fmt::format("both <= 1 ({}), gamma = {:.6g}", tolerance_str(), a.gamma), kOptimumMinimum);
  Verdict v;
  if (const std::string why = optimum_precondition(a, sweep); !why.empty()) {
    v = inconclusive("E4", dataset, measured, predicted, why);
  } else {
    v = verdict_from(at_most_one(sharpness.value) && at_most_one(g.value), "E4", dataset, measured,
                     predicted,
                     "lambda_max(hess L) <= G <= lambda ||w||/gamma at w_lambda for every lambda.",
                     "The sharpness chain at w_lambda is violated beyond rounding.");
  }
  v.details = {
      {"assumptions", assumptions_json(a)}, {"lambdas", rows}, {"tolerance", kRoundingTolerance}};
  return v;
}

// ---- E6 ----------------------------------------------------------------------------------------

Verdict judge_e6(const std::string& dataset, const std::vector<ClassicalRun>& runs) {
  Worst gap;
  std::int64_t increases = 0;
  std::string too_large_eta;
  nlohmann::json rows = nlohmann::json::array();
  for (const ClassicalRun& r : runs) {
    gap.offer(r.worst_gap_ratio, fmt::format("{}, t={}", lambda_str(r.lambda), r.worst_t));
    increases += r.increases;
    if (r.eta * r.smoothness > 1 + kRoundingTolerance)
      too_large_eta = fmt::format("eta = {:.6g} > 1/L_s = {:.6g} at {}", r.eta, 1 / r.smoothness,
                                  lambda_str(r.lambda));
    rows.push_back({{"lambda", r.lambda},
                    {"eta", r.eta},
                    {"smoothness", r.smoothness},
                    {"steps", r.steps},
                    {"increases", r.increases},
                    {"worst_gap_ratio", r.worst_gap_ratio},
                    {"worst_t", r.worst_t}});
  }
  const std::string measured = fmt::format("increases: {}; max gap_t/bound_t = {} at {}; {} runs",
                                           increases, ratio_str(gap.value), gap.where, runs.size());
  const std::string predicted = with_minimum(
      fmt::format("no increase above {:g} ulps of f; gap_t <= (1 - eta lambda)^t gap_0 + {:g} "
                  "|f_t|, eta = 1/L_s",
                  SolverOptions{}.increase_tolerance_ulps, kGapRoundingSlack),
      "one run at eta <= 1/L_s (an exact bound, checked at every step of every run)");
  Verdict v;
  if (runs.empty()) {
    v = below_minimum("E6", dataset, measured, predicted, "no run was made");
  } else if (!too_large_eta.empty()) {
    v = inconclusive("E6", dataset, measured, predicted,
                     "E6 needs eta <= 1/L_s, but " + too_large_eta + ".");
  } else {
    v = verdict_from(
        increases == 0 && gap.value <= 1, "E6", dataset, measured, predicted,
        "Every classical run is monotone and within the linear-rate bound at every step.",
        increases > 0 ? "A classical run increased f beyond rounding."
                      : "A classical run's gap exceeded (1 - eta lambda)^t gap_0.");
  }
  v.details = {{"runs", rows},
               {"gap_slack", kGapRoundingSlack},
               {"increase_tolerance_ulps", SolverOptions{}.increase_tolerance_ulps}};
  return v;
}

// ---- E7 ----------------------------------------------------------------------------------------

namespace {

// The failures and open ends of one unregularized run, in words (empty when there are none).
struct RunFindings {
  std::string failure;
  std::string open;
};

RunFindings examine(const UnregularizedRun& r) {
  RunFindings f;
  const std::string eta = fmt::format("eta={:g}", r.eta);
  if (r.checked == 0)
    f.open = fmt::format("{}: no t with gamma^2 eta t >= 1 by t={}", eta, r.horizon);
  if (r.checked > 0 && !at_most_one(r.average_ratio))
    f.failure = fmt::format("{}: average loss over its bound at t={}", eta, r.average_at);
  else if (r.checked > 0 && !at_most_one(r.norm_ratio))
    f.failure = fmt::format("{}: ||w_t|| over its bound at t={}", eta, r.norm_at);
  else if (r.increases_after > 0)
    f.failure = fmt::format("{}: L increased at t={} after L <= 2/eta at s={}", eta,
                            r.last_increase_after.value_or(-1), r.below_two_over_eta.value_or(-1));
  else if (r.below_one_over_eta && static_cast<double>(*r.below_one_over_eta) > r.tau)
    f.failure =
        fmt::format("{}: L <= 1/eta first at s={} > tau={:.4g}", eta, *r.below_one_over_eta, r.tau);
  else if (!r.below_one_over_eta && static_cast<double>(r.horizon) >= r.tau)
    f.failure = fmt::format("{}: L <= 1/eta not reached by tau={:.4g}", eta, r.tau);
  else if (!r.below_one_over_eta)
    f.open = fmt::format("{}: L <= 1/eta not reached by t={} < tau={:.4g}", eta, r.horizon, r.tau);
  return f;
}

nlohmann::json run_json(const UnregularizedRun& r) {
  const auto opt = [](const std::optional<std::int64_t>& s) -> nlohmann::json {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
  };
  return {{"eta", r.eta},
          {"tau", r.tau},
          {"horizon", r.horizon},
          {"checked", r.checked},
          {"average_ratio", r.average_ratio},
          {"average_at", r.average_at},
          {"norm_ratio", r.norm_ratio},
          {"norm_at", r.norm_at},
          {"below_two_over_eta", opt(r.below_two_over_eta)},
          {"increases_after", r.increases_after},
          {"below_one_over_eta", opt(r.below_one_over_eta)}};
}

}  // namespace

Verdict judge_e7(const std::string& dataset, const DataAssumptions& a, std::int64_t n,
                 const std::vector<UnregularizedRun>& runs) {
  Worst average, norm, event;
  std::int64_t increases = 0;
  std::string failure, open;
  nlohmann::json rows = nlohmann::json::array();
  for (const UnregularizedRun& r : runs) {
    const std::string eta = fmt::format("eta={:g}", r.eta);
    if (r.checked > 0) {
      average.offer(r.average_ratio, fmt::format("{}, t={}", eta, r.average_at));
      norm.offer(r.norm_ratio, fmt::format("{}, t={}", eta, r.norm_at));
    }
    if (r.below_one_over_eta)
      event.offer(static_cast<double>(*r.below_one_over_eta) / r.tau,
                  fmt::format("{}, s={}", eta, *r.below_one_over_eta));
    increases += r.increases_after;
    const RunFindings f = examine(r);
    if (failure.empty()) failure = f.failure;
    if (open.empty()) open = f.open;
    rows.push_back(run_json(r));
  }
  const std::string measured = fmt::format(
      "max avg L/bound = {} ({}); max ||w||/bound = {} ({}); increases after L <= 2/eta: {}; "
      "max s/tau for L <= 1/eta = {} ({})",
      ratio_str(average.value), average.where, ratio_str(norm.value), norm.where, increases,
      ratio_str(event.value), event.where);
  const std::string predicted = with_minimum(
      fmt::format("avg and norm ratios <= 1 ({}) where gamma^2 eta t >= 1; no increase above "
                  "{:g} ulps after L <= 2/eta; L <= 1/eta by tau; gamma = {:.6g}, n = {}",
                  tolerance_str(), SolverOptions{}.increase_tolerance_ulps, a.gamma, n),
      "Assumption 1; every run has steps with gamma^2 eta t >= 1 and sees L <= 1/eta or runs "
      "to tau");
  Verdict v;
  if (const std::string why = assumption1_violation(a); !why.empty()) {
    v = inconclusive("E7", dataset, measured, predicted, "Assumption 1 fails: " + why + ".");
  } else if (runs.empty()) {
    v = below_minimum("E7", dataset, measured, predicted, "no run was made");
  } else if (failure.empty() && !open.empty()) {
    v = below_minimum("E7", dataset, measured, predicted, "not decided: " + open);
  } else {
    v = verdict_from(failure.empty(), "E7", dataset, measured, predicted,
                     "Every unregularized run meets the average-loss, norm, monotonicity and "
                     "phase-transition statements.",
                     "Violated: " + failure + ".");
  }
  v.details = {{"assumptions", assumptions_json(a)},
               {"n", n},
               {"runs", rows},
               {"tolerance", kRoundingTolerance}};
  return v;
}

Verdict judge_e7_acceleration(const std::string& dataset, const DataAssumptions& a, std::int64_t n,
                              const AcceleratedRun& run) {
  const double horizon = static_cast<double>(run.horizon);
  const double bound = e7_final_loss_bound(a.gamma, horizon);
  const double minimum = e7_minimum_horizon(a.gamma, static_cast<double>(n));
  const double stepsize = e7_acceleration_stepsize(a.gamma, horizon);
  const std::string measured =
      fmt::format("acceleration: L(w_T)/bound = {} (L = {:.4g}), T = {}, eta = {:.6g}",
                  ratio_str(run.final_loss / bound), run.final_loss, run.horizon, run.eta);
  const std::string predicted = with_minimum(
      fmt::format("L(w_T) <= 480 ln^2(gamma^4 T^2)/(gamma^4 T^2) = {:.4g} ({}), T >= {:.6g}, "
                  "eta = gamma^2 T/120, gamma = {:.6g}",
                  bound, tolerance_str(), minimum, a.gamma),
      "Assumption 1, the theorem's run (T >= 120 max{e, n}/gamma^2, eta = gamma^2 T/120)");
  Verdict v;
  if (const std::string why = assumption1_violation(a); !why.empty()) {
    v = inconclusive("E7", dataset, measured, predicted, "Assumption 1 fails: " + why + ".");
  } else if (horizon < minimum || std::abs(run.eta - stepsize) > kRoundingTolerance * stepsize) {
    v = below_minimum("E7", dataset, measured, predicted,
                      "the run is not the theorem's: it needs T >= 120 max{e, n}/gamma^2 and "
                      "eta = gamma^2 T/120");
  } else {
    v = verdict_from(at_most_one(run.final_loss / bound), "E7", dataset, measured, predicted,
                     "With eta = gamma^2 T/120 the loss at T is within the accelerated bound.",
                     "The loss at T exceeds the accelerated bound beyond rounding.");
  }
  v.details = {{"assumptions", assumptions_json(a)},
               {"n", n},
               {"horizon", run.horizon},
               {"eta", run.eta},
               {"final_loss", run.final_loss},
               {"bound", bound},
               {"minimum_horizon", minimum},
               {"tolerance", kRoundingTolerance}};
  return v;
}

// ---- The family: the document and the judges over it -------------------------------------------

LARGESTEP_MEASUREMENT_FIELDS(DataAssumptions, max_row_norm, gamma)
LARGESTEP_MEASUREMENT_FIELDS(WorstRatio, value, where, points)
LARGESTEP_MEASUREMENT_FIELDS(ProbeRatios, hessian_over_loss, gradient_over_loss, margin_ratio,
                             skipped)
LARGESTEP_MEASUREMENT_FIELDS(OptimumPoint, lambda, w_norm, loss, sharpness, g, residual)
LARGESTEP_MEASUREMENT_FIELDS(ClassicalRun, lambda, eta, smoothness, steps, increases,
                             worst_gap_ratio, worst_t)
LARGESTEP_MEASUREMENT_FIELDS(UnregularizedRun, eta, tau, horizon, checked, average_ratio,
                             average_at, norm_ratio, norm_at, below_two_over_eta, increases_after,
                             last_increase_after, below_one_over_eta)
LARGESTEP_MEASUREMENT_FIELDS(AcceleratedRun, horizon, eta, final_loss)
LARGESTEP_MEASUREMENT_FIELDS(StaticMeasurement, dataset, assumptions, sweep, probe)
LARGESTEP_MEASUREMENT_FIELDS(ClassicalMeasurement, dataset, runs)
LARGESTEP_MEASUREMENT_FIELDS(UnregularizedMeasurement, dataset, n, assumptions, runs, acceleration,
                             accelerated_budget)
LARGESTEP_MEASUREMENT_FIELDS(ExactMeasurements, static_claims, e6, e7)

namespace {

// E7's verdicts on one dataset: the unregularized runs, then the acceleration statement, or
// (Assumption 1 holding) why it was not run.
std::vector<Verdict> judge_e7_claims(const UnregularizedMeasurement& m) {
  std::vector<Verdict> out = {judge_e7(m.dataset, m.assumptions, m.n, m.runs)};
  if (!assumption1_violation(m.assumptions).empty()) return out;
  if (m.acceleration) {
    out.push_back(judge_e7_acceleration(m.dataset, m.assumptions, m.n, *m.acceleration));
    return out;
  }
  // Said in the reason too, so that a pass does not read as covering this statement.
  const double n = static_cast<double>(m.n);
  const std::string skipped = fmt::format(
      "the acceleration statement was not run: T = {:g} steps x n = {:g} rows is over the "
      "profile's budget of {:g}",
      std::ceil(e7_minimum_horizon(m.assumptions.gamma, n)), n, m.accelerated_budget);
  out.front().details["acceleration"] = skipped;
  std::string& reason = out.front().reason;
  if (reason.ends_with('.')) reason.pop_back();
  reason += "; " + skipped + ".";
  return out;
}

}  // namespace

std::vector<Verdict> judge_static_claims(const StaticMeasurement& m) {
  const DataAssumptions& a = m.assumptions;
  const ProbeRatios& r = m.probe;
  std::vector<Verdict> out = {judge_e1(m.dataset, a, r.hessian_over_loss, r.gradient_over_loss),
                              judge_e2(m.dataset, a, r.margin_ratio),
                              judge_e3(m.dataset, a, m.sweep), judge_e4(m.dataset, a, m.sweep)};
  out[0].details["skipped_points"] = r.skipped;
  return out;
}

std::vector<Verdict> judge_exact_claims(const ExactMeasurements& m) {
  std::vector<Verdict> out;
  const auto append = [&out](std::vector<Verdict> v) {
    for (Verdict& x : v) out.push_back(std::move(x));
  };
  for (const StaticMeasurement& s : m.static_claims) append(judge_static_claims(s));
  for (const ClassicalMeasurement& c : m.e6) out.push_back(judge_e6(c.dataset, c.runs));
  for (const UnregularizedMeasurement& u : m.e7) append(judge_e7_claims(u));
  std::stable_sort(out.begin(), out.end(),
                   [](const Verdict& a, const Verdict& b) { return a.claim < b.claim; });
  return out;
}

nlohmann::json measure_exact(const CheckContext& ctx) {
  return measurement_document("exact", ctx.profile, measure_exact_claims(ctx));
}

std::vector<Verdict> judge_exact(const nlohmann::json& measured) {
  return judge_exact_claims(read_measurements<ExactMeasurements>(measured, "exact"));
}

std::vector<Verdict> check_exact_claims(const CheckContext& ctx) {
  return judge_exact_claims(measure_exact_claims(ctx));
}

}  // namespace largestep::theory
