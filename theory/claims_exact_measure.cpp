// The measurements behind the exact claims, and measure_exact_claims, which makes them on the
// registry's studies "E1-E4", "E6" and "E7" for the judges (claims_exact.cpp).
#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "bounds.h"
#include "claims_exact.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/registry.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/kernel/logistic.h"
#include "largestep/kernel/objective.h"
#include "largestep/reference/separability.h"

namespace largestep::theory {
namespace {

// Below this L the loss terms that matter are subnormal and have lost their relative accuracy,
// so ratios to L mean nothing there.
constexpr double kMinMeaningfulLoss = 1e-290;

// The GD run whose iterates E1 and E2 probe: eta lambda = 0.01 keeps it bounded, and eta = 100
// puts it deep in the edge-of-stability regime, where margins swing widely.
constexpr double kProbeLambda = 1e-4;
constexpr double kProbeEta = 100;
constexpr int kProbeIterates = 100;
constexpr std::int64_t kProbeStride = 20;
constexpr std::uint64_t kProbeSeed = 20250602;

double largest_eigenvalue(const Matrix<double>& symmetric) {
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(symmetric, Eigen::EigenvaluesOnly);
  return eig.eigenvalues().maxCoeff();
}

// An increase of L or f that counts: above the solvers' rounding tolerance (64 ulps).
bool counts_as_increase(double previous, double next) {
  const double ulps = SolverOptions{}.increase_tolerance_ulps;
  return next - previous > ulps * std::numeric_limits<double>::epsilon() * std::abs(previous);
}

// Keeps the larger (or, for E2, smaller) ratio with the label of its point.
void offer(WorstRatio& worst, double value, const std::string& where, bool keep_larger) {
  if (worst.points == 0 || (keep_larger ? value > worst.value : value < worst.value)) {
    worst.value = value;
    worst.where = where;
  }
  ++worst.points;
}

void add_gd_iterates(const Dataset<double>& data, std::vector<ProbePoint>& points) {
  const LogisticObjective<double> f(data, kProbeLambda);
  SolverOptions options;
  options.eta = kProbeEta;
  options.max_steps = kProbeStride;
  options.stop_when_settled = false;
  Vector<double> w = Vector<double>::Zero(data.d());
  for (int k = 1; k <= kProbeIterates; ++k) {
    // Each call advances w from w_t to w_{t+stride}: the gap is irrelevant, so f_star = 0.
    const SolverResult r = gradient_descent(f, 0.0, options, w);
    if (r.termination == Termination::diverged || r.termination == Termination::non_finite) break;
    points.push_back({fmt::format("GD eta={:g} t={}", kProbeEta, k * kProbeStride), w});
  }
}

void add_random_points(std::ptrdiff_t d, int per_scale, std::vector<ProbePoint>& points) {
  std::mt19937_64 rng(kProbeSeed);
  std::normal_distribution<double> normal;
  for (const double scale : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
    for (int k = 0; k < per_scale; ++k) {
      Vector<double> w(d);
      for (double& wj : w) wj = normal(rng);
      w *= scale / w.norm();
      points.push_back({fmt::format("random |w|={:g} #{}", scale, k), w});
    }
  }
}

}  // namespace

DataAssumptions measure_assumptions(const Dataset<double>& data) {
  const Separability s = check_separability(data);
  return {data.max_row_norm(), s.separable && s.margin > 0 ? s.margin : 0.0};
}

double mean_derivative_magnitude(const Dataset<double>& data, const Vector<double>& w) {
  const Vector<double> margins = data.y.cwiseProduct(data.X * w);
  double sum = 0;
  for (const double z : margins) sum += std::abs(logistic_derivative(z));
  return sum / static_cast<double>(data.n());
}

// ---- E1, E2 ------------------------------------------------------------------------------------

std::vector<ProbePoint> probe_points(const Dataset<double>& data,
                                     const std::vector<Reference>& references, Profile profile) {
  std::vector<ProbePoint> points = {{"w=0", Vector<double>::Zero(data.d())}};
  for (const Reference& r : references)
    points.push_back({fmt::format("w_lambda lambda={:.3g}", r.lambda), r.w});
  add_gd_iterates(data, points);
  add_random_points(data.d(), profile == Profile::paper ? 100 : 20, points);
  return points;
}

ProbeRatios measure_probe_ratios(const Dataset<double>& data, double gamma,
                                 const std::vector<ProbePoint>& points) {
  const LogisticObjective<double> loss_only(data, 0.0);  // lambda = 0: f = L
  ProbeRatios out;
  Vector<double> grad;
  for (const ProbePoint& p : points) {
    const double loss = loss_only.value_and_gradient(p.w, grad);
    if (!(loss >= kMinMeaningfulLoss)) {
      ++out.skipped;
      continue;
    }
    const double grad_norm = grad.norm();
    const double sharpness = largest_eigenvalue(loss_only.hessian(p.w));
    offer(out.hessian_over_loss, sharpness / loss, p.label, /*keep_larger=*/true);
    offer(out.gradient_over_loss, grad_norm / loss, p.label, /*keep_larger=*/true);
    const double g = mean_derivative_magnitude(data, p.w);
    if (gamma > 0 && g > 0) offer(out.margin_ratio, grad_norm / (gamma * g), p.label, false);
  }
  return out;
}

// ---- E3, E4 ------------------------------------------------------------------------------------

OptimumPoint measure_optimum(const Dataset<double>& data, const Reference& reference) {
  const LogisticObjective<double> loss_only(data, 0.0);
  OptimumPoint p;
  p.lambda = reference.lambda;
  p.w_norm = reference.w.norm();
  p.loss = loss_only.loss(reference.w);
  p.sharpness = largest_eigenvalue(loss_only.hessian(reference.w));
  p.g = mean_derivative_magnitude(data, reference.w);
  p.residual = reference.grad_norm;
  return p;
}

// ---- E6 ----------------------------------------------------------------------------------------

ClassicalRun measure_classical_run(const Problem& problem, std::int64_t horizon) {
  RunSpec spec;
  spec.rule = StepsizeRule{RuleKind::classical};
  spec.options.max_steps = horizon;
  spec.options.stop_when_settled = false;
  ClassicalRun out;
  out.lambda = problem.lambda;
  out.eta = rule_eta(*spec.rule, problem.rule_context());
  out.smoothness = LogisticObjective<double>(problem.data, problem.lambda).smoothness();
  out.worst_gap_ratio = -std::numeric_limits<double>::infinity();
  double initial_gap = 0;
  const RunOutcome outcome = run(problem, spec, [&](const TracePoint& p) {
    if (p.t == 0) {  // the bound is the gap itself there: nothing to check
      initial_gap = p.gap;
      return;
    }
    const double t = static_cast<double>(p.t);
    const double bound =
        e6_gap_bound(out.eta, out.lambda, t, initial_gap) + kGapRoundingSlack * std::abs(p.value);
    if (p.gap / bound > out.worst_gap_ratio) {
      out.worst_gap_ratio = p.gap / bound;
      out.worst_t = p.t;
    }
  });
  out.eta = outcome.eta;
  out.steps = outcome.result.steps;
  out.increases = outcome.result.increases;
  return out;
}

// ---- E7 ----------------------------------------------------------------------------------------

UnregularizedRun measure_unregularized_run(const Dataset<double>& data, double gamma, double eta,
                                           std::int64_t max_horizon) {
  UnregularizedRun out;
  out.eta = eta;
  out.tau = e7_phase_transition_time(gamma, eta, static_cast<double>(data.n()));
  const double first_applicable = std::ceil(1 / (gamma * gamma * eta));
  const double wanted = std::max(std::ceil(out.tau), 4 * first_applicable);
  SolverOptions options;
  options.eta = eta;
  options.max_steps = static_cast<std::int64_t>(std::min(wanted, static_cast<double>(max_horizon)));
  options.stop_when_settled = false;

  // The running sum of L(w_k), k < t, in long double: up to 1e6 terms stay far below 1e-12 rel.
  long double loss_sum = 0;
  double previous = 0;
  const auto observe = [&](const TracePoint& p) {
    const double loss = p.value, t = static_cast<double>(p.t);
    if (p.t >= 1 && gamma * gamma * eta * t >= 1) {
      ++out.checked;
      const double average = static_cast<double>(loss_sum / t);
      const double average_ratio = average / e7_average_loss_bound(gamma, eta, t);
      const double norm_ratio = p.w_norm / e7_norm_bound(gamma, eta, t);
      if (out.checked == 1 || average_ratio > out.average_ratio) {
        out.average_ratio = average_ratio;
        out.average_at = p.t;
      }
      if (out.checked == 1 || norm_ratio > out.norm_ratio) {
        out.norm_ratio = norm_ratio;
        out.norm_at = p.t;
      }
    }
    if (out.below_two_over_eta && counts_as_increase(previous, loss)) {
      ++out.increases_after;
      out.last_increase_after = p.t;
    }
    if (!out.below_two_over_eta && loss <= 2 / eta) out.below_two_over_eta = p.t;
    if (!out.below_one_over_eta && loss <= 1 / eta) out.below_one_over_eta = p.t;
    loss_sum += loss;
    previous = loss;
  };
  // lambda = 0: f = L, whose infimum f* = 0 is not attained, so the "gap" is L itself.
  const LogisticObjective<double> loss_only(data, 0.0);
  out.horizon = gradient_descent(loss_only, 0.0, options, observe).steps;
  return out;
}

AcceleratedRun measure_accelerated_run(const Dataset<double>& data, double gamma) {
  AcceleratedRun out;
  out.horizon = static_cast<std::int64_t>(
      std::ceil(e7_minimum_horizon(gamma, static_cast<double>(data.n()))));
  out.eta = e7_acceleration_stepsize(gamma, static_cast<double>(out.horizon));
  SolverOptions options;
  options.eta = out.eta;
  options.max_steps = out.horizon;
  options.stop_when_settled = false;
  const LogisticObjective<double> loss_only(data, 0.0);
  out.final_loss = gradient_descent(loss_only, 0.0, options).final_value;
  return out;
}

// ---- The family's measurements -----------------------------------------------------------------

namespace {

// What each suite runs besides the studies' datasets and lambdas. Budgets are in steps x rows,
// the cost of a run.
struct Settings {
  std::int64_t classical_cap = 0;      // E6 horizon cap
  std::vector<double> etas;            // E7
  std::int64_t unregularized_cap = 0;  // E7 horizon cap, steps
  double unregularized_budget = 0;     // E7 horizon cap, steps x rows
  double accelerated_budget = 0;       // E7 acceleration: run only if T x n is below
};

Settings settings_for(Profile profile) {
  if (profile == Profile::paper)
    return {.classical_cap = 100'000,
            .etas = {0.1, 1, 10, 100, 1000},
            .unregularized_cap = 1'000'000,
            .unregularized_budget = 4e7,
            .accelerated_budget = 4e7};
  return {.classical_cap = 20'000,
          .etas = {0.1, 1, 10, 100, 1000},
          .unregularized_cap = 200'000,
          .unregularized_budget = 4e6,
          .accelerated_budget = 4e6};
}

// Enough steps for (1 - eta lambda)^t to fall 16 orders of magnitude, to the rounding floor of
// the gap, within [2000, cap].
std::int64_t classical_horizon(const Problem& problem, std::int64_t cap) {
  const double eta = rule_eta(StepsizeRule{RuleKind::classical}, problem.rule_context());
  const double steps = std::ceil(16 * std::log(10.0) / (eta * problem.lambda));
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min(steps, 1e12)), 2000, cap);
}

ClassicalMeasurement measure_e6(const CheckContext& ctx, const std::string& spec,
                                const std::vector<double>& lambdas, const Settings& settings) {
  const Dataset<double> data = make_dataset(spec);
  ClassicalMeasurement out{data.spec, {}};
  for (const double lambda : lambdas) {
    const Problem problem = make_problem(data, lambda, ctx.reference);
    const std::int64_t horizon = classical_horizon(problem, settings.classical_cap);
    ctx.report(
        fmt::format("E6 {}: lambda={:.3g}, {} steps at eta = 1/L_s", data.spec, lambda, horizon));
    out.runs.push_back(measure_classical_run(problem, horizon));
  }
  return out;
}

UnregularizedMeasurement measure_e7(const CheckContext& ctx, const std::string& spec,
                                    const Settings& settings) {
  const Dataset<double> data = make_dataset(spec);
  UnregularizedMeasurement out;
  out.dataset = data.spec;
  out.n = data.n();
  out.assumptions = measure_assumptions(data);
  out.accelerated_budget = settings.accelerated_budget;
  const DataAssumptions& a = out.assumptions;
  if (!assumption1_violation(a).empty()) return out;
  const double n = static_cast<double>(data.n());
  const auto cap = static_cast<std::int64_t>(
      std::min<double>(settings.unregularized_cap, settings.unregularized_budget / n));
  for (const double eta : settings.etas) {
    ctx.report(fmt::format("E7 {}: eta={:g}, lambda=0", data.spec, eta));
    out.runs.push_back(measure_unregularized_run(data, a.gamma, eta, cap));
  }
  const double horizon = std::ceil(e7_minimum_horizon(a.gamma, n));
  if (horizon * n <= settings.accelerated_budget) {
    ctx.report(fmt::format("E7 {}: acceleration, T={:g}", data.spec, horizon));
    out.acceleration = measure_accelerated_run(data, a.gamma);
  }
  return out;
}

}  // namespace

StaticMeasurement measure_static_claims(const CheckContext& ctx, const Dataset<double>& data,
                                        const std::vector<double>& lambdas) {
  StaticMeasurement out{data.spec, measure_assumptions(data), {}, {}};
  std::vector<Reference> references;
  for (const double lambda : lambdas) {
    ctx.report(fmt::format("E1-E4 {}: reference at lambda={:.3g}", data.spec, lambda));
    references.push_back(ctx.reference(data, lambda));
    out.sweep.push_back(measure_optimum(data, references.back()));
  }
  out.probe = measure_probe_ratios(data, out.assumptions.gamma,
                                   probe_points(data, references, ctx.profile));
  return out;
}

ExactMeasurements measure_exact_claims(const CheckContext& ctx) {
  const Settings settings = settings_for(ctx.profile);
  ExactMeasurements out;
  const Study& statics = ctx.study("E1-E4");
  for (const std::string& spec : statics.datasets)
    out.static_claims.push_back(measure_static_claims(ctx, make_dataset(spec), statics.lambdas));
  const Study& e6 = ctx.study("E6");
  for (const std::string& spec : e6.datasets)
    out.e6.push_back(measure_e6(ctx, spec, e6.lambdas, settings));
  for (const std::string& spec : ctx.study("E7").datasets)
    out.e7.push_back(measure_e7(ctx, spec, settings));
  return out;
}

}  // namespace largestep::theory
