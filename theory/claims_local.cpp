// E5, S6 and S7. Every multiprecision instantiation of Eigen and of GD in the theory library
// lives in this file (and reference_mp.cpp): Eigen over MPFR numbers takes tens of seconds to
// compile per translation unit.
#include "claims_local.h"
#include "largestep/core/result_io.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "bounds.h"
#include "fit.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/registry.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/reference/certified_mp.h"
#include "largestep/reference/objective_mp.h"
#include "largestep/reference/separability.h"
#include "measurement_json.h"

namespace largestep::theory {
namespace {

using std::abs;

// Assumption 1 as the local claims need it; empty when it holds. Rows are scaled to max norm 1
// in double, so allow that norm a few ulps above 1.
std::string assumption_failure(const Dataset<double>& data, const Separability& separability) {
  if (data.max_row_norm() > 1 + 1e-12)
    return fmt::format("max ||x_i|| = {:.6g} > 1 (Assumption 1)", data.max_row_norm());
  if (!separability.separable || !(separability.margin > 0))
    return "the data is not certified separable (Assumption 1)";
  return {};
}

// The unit eigenvector of the largest eigenvalue (Eigen sorts eigenvalues increasingly).
Vector<Mp> top_eigenvector(const Matrix<Mp>& hessian) {
  const Eigen::SelfAdjointEigenSolver<Matrix<Mp>> eig(hessian, Eigen::ComputeEigenvectors);
  return eig.eigenvectors().col(hessian.cols() - 1);
}

// ---- E5 -------------------------------------------------------------------------------------

E5Measurement measure_e5(const std::string& spec, const std::vector<double>& lambdas) {
  const Dataset<double> data = make_dataset(spec);
  const Separability separability = check_separability(data);
  E5Measurement out{data.spec, assumption_failure(data, separability), {}, {}};
  for (const double lambda : lambdas) {
    const MpReference ref = cached_reference_mp(data, lambda);
    for (const double fraction : {1 - kE5EtaOffset, 1 + kE5EtaOffset})
      out.runs.push_back(measure_e5_factor(data, ref, fraction));
    const Reference r = ref.to_double();
    out.bound_points.push_back({lambda, r.eta_loc, r.w.norm(), separability.margin});
  }
  return out;
}

// ---- S6 -------------------------------------------------------------------------------------

S6Measurement measure_s6(const std::string& spec, const std::vector<double>& lambdas) {
  const Dataset<double> data = make_dataset(spec);
  const Separability separability = check_separability(data);
  S6Measurement out{data.spec, assumption_failure(data, separability), separability.margin, {}};
  for (const double lambda : lambdas) {
    const Reference r = cached_reference_mp(data, lambda).to_double();
    out.points.push_back({lambda, r.eta_loc, r.w.norm()});
  }
  return out;
}

// ---- S7 -------------------------------------------------------------------------------------

struct S7Settings {
  double eps = 1e-10;
  std::int64_t horizon = 20000;
  int starts = 41;      // w_0 on a uniform grid of [-10, 10] ||w_lambda||
  double offset = 0.1;  // eta = (1 -+ offset) eta_loc
};

S7Run run_s7(const LogisticObjective<double>& f, const Reference& ref, double eta_fraction,
             double w0, const S7Settings& settings) {
  S7Run run;
  run.lambda = ref.lambda;
  run.eta_fraction = eta_fraction;
  run.w0 = w0;
  run.eps = settings.eps;
  SolverOptions options;
  options.eta = eta_fraction * ref.eta_loc;
  options.eps = settings.eps;
  options.max_steps = settings.horizon;
  run.late_min_gap = std::numeric_limits<double>::infinity();
  const std::int64_t late = settings.horizon / 2;
  Vector<double> w = Vector<double>::Constant(1, w0);
  const SolverResult result =
      gradient_descent(f, ref.f_star, options, w, [&run, late](const TracePoint& p) {
        run.max_norm = std::max(run.max_norm, p.w_norm);
        if (p.t >= late) run.late_min_gap = std::min(run.late_min_gap, p.gap);
      });
  run.converged = result.termination == Termination::converged;
  run.settled = result.settled;
  run.norm_bound = 10 * std::max(abs(w0), abs(ref.w(0))) + options.eta;
  if (!result.final_w_norm) run.max_norm = std::numeric_limits<double>::infinity();
  return run;
}

std::vector<S7Run> s7_runs(const Dataset<double>& data, const Reference& ref,
                           const S7Settings& settings) {
  const LogisticObjective<double> f(data, ref.lambda);
  const double scale = abs(ref.w(0));
  std::vector<S7Run> runs;
  for (const double fraction : {1 - settings.offset, 1 + settings.offset}) {
    for (int k = 0; k < settings.starts; ++k) {
      const double s = -10 + 20.0 * k / (settings.starts - 1);
      // A start at w_lambda itself is a fixed point whatever eta is: it tells nothing.
      if (s == (ref.w(0) > 0 ? 1.0 : -1.0)) continue;
      runs.push_back(run_s7(f, ref, fraction, s * scale, settings));
    }
  }
  return runs;
}

S7Measurement measure_s7(const CheckContext& ctx, const std::string& spec,
                         const std::vector<double>& lambdas) {
  const Dataset<double> data = make_dataset(spec);
  S7Measurement out{data.spec, assumption_failure(data, check_separability(data)), {}};
  if (out.assumption_failure.empty() && data.d() != 1)
    out.assumption_failure = fmt::format("d = {}, not 1-D", data.d());
  if (!out.assumption_failure.empty()) return out;
  for (const double lambda : lambdas) {
    const std::vector<S7Run> more = s7_runs(data, ctx.reference(data, lambda), {});
    out.runs.insert(out.runs.end(), more.begin(), more.end());
  }
  return out;
}

// ---- judges' shared bits ----------------------------------------------------------------------

std::string compact(const std::vector<double>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

}  // namespace

// ---- E5 measurement and judges ------------------------------------------------------------------

E5FactorRun measure_e5_factor(const Dataset<double>& data, const MpReference& ref,
                              double eta_fraction, const E5Options& options) {
  const MpDigits precision(ref.digits);
  const Dataset<Mp> mp_data = data.cast<Mp>();
  const LogisticObjective<Mp> f(mp_data, Mp(ref.lambda));
  const Vector<Mp> w_lambda = w_mp(ref);
  const Vector<Mp> v = top_eigenvector(f.hessian(w_lambda));

  E5FactorRun run;
  run.lambda = ref.lambda;
  run.eta_fraction = eta_fraction;
  run.eta = eta_fraction * std::stod(ref.eta_loc);
  run.predicted = e5_deviation_factor(run.eta, std::stod(ref.h_max));
  run.steps = options.steps;
  run.min_factor = std::numeric_limits<double>::infinity();
  run.max_factor = -run.min_factor;

  // One GD step per call, so that the deviation can be read after every step; the gap target is
  // unreachable and the runs never stop early.
  SolverOptions one_step;
  one_step.eta = run.eta;
  one_step.eps = std::numeric_limits<double>::min();
  one_step.max_steps = 1;
  one_step.stop_when_settled = false;
  const Mp f_star = Mp(ref.f_star);
  const Mp predicted(run.predicted);
  Vector<Mp> w = w_lambda + Mp(options.delta) * v;
  Mp deviation = v.dot(w - w_lambda);
  for (int t = 0; t < options.steps; ++t) {
    const SolverResult step = gradient_descent(f, f_star, one_step, w);
    if (step.termination == Termination::non_finite)
      throw std::runtime_error("E5: GD in multiprecision produced a non-finite value");
    const Mp next = v.dot(w - w_lambda);
    const Mp factor = next / deviation;
    run.min_factor = std::min(run.min_factor, static_cast<double>(factor));
    run.max_factor = std::max(run.max_factor, static_cast<double>(factor));
    run.max_relative_error = std::max(
        run.max_relative_error, static_cast<double>(abs(factor - predicted) / abs(predicted)));
    deviation = next;
  }
  run.final_deviation = static_cast<double>(abs(deviation));
  return run;
}

Verdict judge_e5_factors(const std::string& dataset, const std::vector<E5FactorRun>& runs,
                         double tolerance) {
  const std::string predicted = with_minimum(
      fmt::format(
          "per-step factor = 1 - eta h_max to rel. {:.0e}; |factor| < 1 at eta < eta_loc, > 1 "
          "above",
          tolerance),
      "a run below and a run above eta_loc");
  if (runs.empty()) return below_minimum("E5", dataset, "no runs", predicted, "no run");
  double worst = 0, below_max = 0, above_min = std::numeric_limits<double>::infinity();
  int wrong_side = 0;
  nlohmann::json details = nlohmann::json::array();
  for (const E5FactorRun& r : runs) {
    worst = std::max(worst, r.max_relative_error);
    // The factor's sign does not matter, its modulus does: take the extreme moduli.
    const double lo = std::min(abs(r.min_factor), abs(r.max_factor));
    const double hi = std::max(abs(r.min_factor), abs(r.max_factor));
    const bool stable = r.eta_fraction < 1;
    if (stable) below_max = std::max(below_max, hi);
    if (!stable) above_min = std::min(above_min, lo);
    if (stable ? !(hi < 1) : !(lo > 1)) ++wrong_side;
    details.push_back({{"lambda", r.lambda},
                       {"eta_fraction", r.eta_fraction},
                       {"eta", r.eta},
                       {"predicted", r.predicted},
                       {"min_factor", r.min_factor},
                       {"max_factor", r.max_factor},
                       {"max_relative_error", r.max_relative_error},
                       {"final_deviation", r.final_deviation},
                       {"steps", r.steps}});
  }
  const std::string measured = fmt::format(
      "{} runs x {} steps: worst rel. error {:.2g}; max |factor| below {:.6f}, min above {:.6f}",
      runs.size(), runs.front().steps, worst, below_max, above_min);
  const bool holds = worst <= tolerance && wrong_side == 0;
  const bool both_sides = below_max > 0 && std::isfinite(above_min);
  Verdict v = verdict_from(
      holds, "E5", dataset, measured, predicted,
      "the deviation along v_max shrinks below eta_loc and grows above it, by exactly 1 - eta "
      "h_max",
      fmt::format("{} runs on the wrong side of |factor| = 1; worst rel. error {:.2g} vs {:.0e}",
                  wrong_side, worst, tolerance));
  if (holds && !both_sides) v = below_minimum(std::move(v), "runs on one side of eta_loc only");
  v.details = {{"runs", details}, {"tolerance", tolerance}};
  return v;
}

Verdict judge_e5_lower_bound(const std::string& dataset, const std::vector<E5BoundPoint>& points,
                             const std::string& assumption_failure) {
  const std::string predicted =
      with_minimum("eta_loc >= 2 / (lambda (1 + ||w_lambda|| / gamma)) (E4)",
                   "one lambda (an exact bound, checked at every lambda measured), Assumption 1");
  if (!assumption_failure.empty())
    return inconclusive("E5", dataset, "bound not checked", predicted, assumption_failure);
  if (points.empty())
    return below_minimum("E5", dataset, "no points", predicted, "no lambda measured");
  double min_ratio = std::numeric_limits<double>::infinity(), at = 0;
  nlohmann::json details = nlohmann::json::array();
  for (const E5BoundPoint& p : points) {
    const double bound = e5_eta_loc_lower_bound(p.lambda, p.w_norm, p.gamma);
    const double ratio = p.eta_loc / bound;
    if (ratio < min_ratio) min_ratio = ratio, at = p.lambda;
    details.push_back({{"lambda", p.lambda},
                       {"eta_loc", p.eta_loc},
                       {"bound", bound},
                       {"ratio", ratio},
                       {"w_norm", p.w_norm},
                       {"gamma", p.gamma}});
  }
  const std::string measured = fmt::format(
      "min eta_loc / bound = {:.6g} (at lambda = {:.0e}), "
      "gamma = {:.4g}",
      min_ratio, at, points.front().gamma);
  Verdict v =
      verdict_from(min_ratio >= 1 - 1e-12, "E5", dataset, measured, predicted + ", rel. 1e-12",
                   "eta_loc is at least E4's lower bound at every lambda",
                   "eta_loc is below E4's lower bound: E4 or our reference is wrong");
  v.details = {{"points", details}};
  return v;
}

// ---- S6 judge -------------------------------------------------------------------------------

Verdict judge_s6(const std::string& dataset, const std::vector<S6Point>& points,
                 const std::string& assumption_failure, double gamma, const S6Test& test) {
  const std::string predicted = with_minimum(
      fmt::format("R = eta_loc lambda ln(1/lambda) = Theta(1): max R / min R <= {:g}, tail |d ln "
                  "R / d ln ln(1/lambda)| <= {:g} over the last {:g} decades",
                  test.max_spread, test.max_tail_slope, test.tail_decades),
      fmt::format("{}, two of them in the tail", describe(test.minimum)));
  if (!assumption_failure.empty())
    return inconclusive("S6", dataset, "not checked", predicted, assumption_failure);
  std::vector<double> ratios, floors, tail_x, tail_r;
  double smallest = std::numeric_limits<double>::infinity();
  for (const S6Point& p : points) smallest = std::min(smallest, p.lambda);
  nlohmann::json details = nlohmann::json::array();
  for (const S6Point& p : points) {
    const double r = s6_ratio(p.eta_loc, p.lambda);
    // E4 through E5's lower bound on eta_loc gives a floor on R (-> 2 gamma^2 as lambda -> 0).
    const double floor = s6_ratio(e5_eta_loc_lower_bound(p.lambda, p.w_norm, gamma), p.lambda);
    ratios.push_back(r);
    floors.push_back(floor);
    if (p.lambda <= smallest * std::pow(10, test.tail_decades) * (1 + 1e-9)) {
      tail_x.push_back(std::log(1 / p.lambda));
      tail_r.push_back(r);
    }
    details.push_back({{"lambda", p.lambda},
                       {"eta_loc", p.eta_loc},
                       {"R", r},
                       {"E4_floor", floor},
                       {"w_norm", p.w_norm}});
  }
  std::vector<double> rounded;
  for (const double r : ratios) rounded.push_back(std::round(r * 1e4) / 1e4);
  std::vector<double> lambdas;
  for (const S6Point& p : points) lambdas.push_back(p.lambda);
  if (tail_x.size() < 2 || ratios.front() <= 0)
    return below_minimum("S6", dataset, "R = " + compact(rounded), predicted,
                         "fewer than two lambdas in the tail");
  const double spread_r = spread(ratios);
  const double tail_slope = fit_power_law(tail_x, tail_r).slope;
  const std::string measured = fmt::format(
      "lambda {:.0e}..{:.0e}: R = {}; max/min {:.3f}; tail slope {:.3f}", points.front().lambda,
      points.back().lambda, compact(rounded), spread_r, tail_slope);
  const bool holds = spread_r <= test.max_spread && abs(tail_slope) <= test.max_tail_slope;
  const std::string context = fmt::format(
      " (paper: about 2.2 for one 1-D point with y x = 1; E4's floor on R here {:.3g}..{:.3g}, "
      "-> 2 gamma^2 = {:.3g})",
      *std::min_element(floors.begin(), floors.end()),
      *std::max_element(floors.begin(), floors.end()), 2 * gamma * gamma);
  Verdict v = verdict_from(holds, "S6", dataset, measured, predicted,
                           "R stays within constant bounds and flattens" + context,
                           "R drifts beyond the tolerance: not Theta(1) over this range" + context);
  if (const std::string missing = sweep_shortfall(lambdas, test.minimum); holds && !missing.empty())
    v = below_minimum(std::move(v), missing);
  v.details = {
      {"points", details}, {"spread", spread_r}, {"tail_slope", tail_slope}, {"gamma", gamma}};
  return v;
}

// ---- S7 judge -------------------------------------------------------------------------------

Verdict judge_s7(const std::string& dataset, const std::vector<S7Run>& runs,
                 const std::string& assumption_failure) {
  const std::string predicted = with_minimum(
      "every start converges at eta < eta_loc, none at eta > eta_loc (bounded oscillation); "
      "|w_t| <= 10 max(|w_0|, |w_lambda|) + eta",
      "runs below and above eta_loc, each settled or visibly oscillating");
  if (!assumption_failure.empty())
    return inconclusive("S7", dataset, "not checked", predicted, assumption_failure);
  if (runs.empty()) return below_minimum("S7", dataset, "no runs", predicted, "no run");
  int below = 0, below_ok = 0, below_stuck = 0, above = 0, above_ok = 0, above_converged = 0;
  int unbounded = 0;
  double worst_norm_ratio = 0;
  std::int64_t slowest = 0;
  nlohmann::json details = nlohmann::json::array();
  for (const S7Run& r : runs) {
    const bool oscillating = !r.converged && r.late_min_gap > r.eps;
    if (r.eta_fraction < 1) {
      ++below;
      below_ok += r.converged;
      below_stuck += oscillating;
      if (r.converged) slowest = std::max(slowest, r.settled.value);
    } else {
      ++above;
      above_ok += oscillating;
      above_converged += r.converged;
    }
    const double norm_ratio = r.max_norm / r.norm_bound;
    worst_norm_ratio = std::max(worst_norm_ratio, norm_ratio);
    unbounded += !(norm_ratio <= 1);
    nlohmann::json row = {{"lambda", r.lambda},
                          {"eta_fraction", r.eta_fraction},
                          {"w0", r.w0},
                          {"converged", r.converged},
                          {"late_min_gap", std::isfinite(r.late_min_gap) ? r.late_min_gap : -1.0},
                          {"max_norm", r.max_norm},
                          {"norm_bound", r.norm_bound}};
    put_count(row, "settled", r.settled);
    details.push_back(row);
  }
  const std::string measured = fmt::format(
      "below: {}/{} converged (slowest settled at {}); above: {}/{} oscillate, {} converged; "
      "max |w_t| / bound = {:.3g}",
      below_ok, below, slowest, above_ok, above, above_converged, worst_norm_ratio);
  Verdict v;
  if (below_stuck > 0 || above_converged > 0 || unbounded > 0) {
    v = verdict_from(false, "S7", dataset, measured, predicted, "",
                     fmt::format("{} runs below eta_loc stuck, {} above converged, {} left the "
                                 "norm bound",
                                 below_stuck, above_converged, unbounded));
  } else if (below_ok < below || above_ok < above) {
    v = below_minimum("S7", dataset, measured, predicted,
                      "some runs neither settled nor visibly oscillated within the horizon");
  } else if (below == 0 || above == 0) {
    v = below_minimum("S7", dataset, measured, predicted, "runs on one side of eta_loc only");
  } else {
    v = verdict_from(true, "S7", dataset, measured, predicted,
                     "eta_loc separates convergence from oscillation for every start", "");
  }
  v.details = {{"runs", details}};
  return v;
}

// ---- the family ------------------------------------------------------------------------------

LARGESTEP_MEASUREMENT_FIELDS(E5FactorRun, lambda, eta_fraction, eta, predicted, min_factor,
                             max_factor, max_relative_error, final_deviation, steps)
LARGESTEP_MEASUREMENT_FIELDS(E5BoundPoint, lambda, eta_loc, w_norm, gamma)
LARGESTEP_MEASUREMENT_FIELDS(S6Point, lambda, eta_loc, w_norm)
LARGESTEP_MEASUREMENT_FIELDS(S7Run, lambda, eta_fraction, w0, converged, settled, late_min_gap, eps,
                             max_norm, norm_bound)
LARGESTEP_MEASUREMENT_FIELDS(E5Measurement, dataset, assumption_failure, runs, bound_points)
LARGESTEP_MEASUREMENT_FIELDS(S6Measurement, dataset, assumption_failure, gamma, points)
LARGESTEP_MEASUREMENT_FIELDS(S7Measurement, dataset, assumption_failure, runs)
LARGESTEP_MEASUREMENT_FIELDS(LocalMeasurements, e5, s6, s7)

LocalMeasurements measure_local_claims(const CheckContext& ctx) {
  LocalMeasurements out;
  const Study& e5 = ctx.study("E5");
  for (const std::string& spec : e5.datasets) {
    ctx.report("E5 local stability in multiprecision: " + spec);
    out.e5.push_back(measure_e5(spec, e5.lambdas));
  }
  const Study& s6 = ctx.study("S6");
  for (const std::string& spec : s6.datasets) {
    ctx.report("S6 critical stepsize down to lambda = 1e-16: " + spec);
    out.s6.push_back(measure_s6(spec, s6.lambdas));
  }
  const Study& s7 = ctx.study("S7");
  for (const std::string& spec : s7.datasets) {
    ctx.report("S7 1-D global convergence from a grid of starts: " + spec);
    out.s7.push_back(measure_s7(ctx, spec, s7.lambdas));
  }
  return out;
}

std::vector<Verdict> judge_local_claims(const LocalMeasurements& m) {
  std::vector<Verdict> out;
  for (const E5Measurement& e : m.e5) {
    out.push_back(judge_e5_factors(e.dataset, e.runs));
    out.push_back(judge_e5_lower_bound(e.dataset, e.bound_points, e.assumption_failure));
  }
  for (const S6Measurement& s : m.s6)
    out.push_back(judge_s6(s.dataset, s.points, s.assumption_failure, s.gamma));
  for (const S7Measurement& s : m.s7)
    out.push_back(judge_s7(s.dataset, s.runs, s.assumption_failure));
  return out;
}

nlohmann::json measure_local(const CheckContext& ctx) {
  return measurement_document("local", ctx.profile, measure_local_claims(ctx));
}

std::vector<Verdict> judge_local(const nlohmann::json& measured) {
  return judge_local_claims(read_measurements<LocalMeasurements>(measured, "local"));
}

std::vector<Verdict> check_local_claims(const CheckContext& ctx) {
  return judge_local_claims(measure_local_claims(ctx));
}

}  // namespace largestep::theory
