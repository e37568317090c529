// S10: steps until the held-out population risk reaches its target on a separable distribution,
// against n with lambda = 1/n.
#include "claims_population.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "bounds.h"
#include "fit.h"
#include "largestep/core/gradient_descent.h"
#include "largestep/core/nesterov.h"
#include "largestep/core/registry.h"
#include "largestep/core/result_io.h"
#include "largestep/data/dataset_spec.h"
#include "largestep/data/generators.h"
#include "largestep/kernel/logistic.h"
#include "measurement_json.h"

namespace largestep::theory {
namespace {

// The distribution's spec (the study's, without n) with n rows, canonical.
std::string with_rows(const std::string& distribution, std::int64_t n) {
  return parse_dataset_spec(fmt::format("{},n={}", distribution, n)).canonical();
}

// 2^k for a power of two, else the number: the sizes in the verdict's dataset column.
std::string size_str(std::int64_t n) {
  const auto u = static_cast<std::uint64_t>(n);
  return n > 0 && std::has_single_bit(u) ? fmt::format("2^{}", std::countr_zero(u))
                                         : fmt::format("{}", n);
}

// Assumption 1 for a training set, certified by the planted direction itself: any unit vector
// that separates the data certifies its own minimum margin.
std::string assumption_failure(const Dataset<double>& train, const Vector<double>& w_star) {
  if (train.max_row_norm() > 1) return fmt::format("max ||x_i|| = {} > 1", train.max_row_norm());
  const double margin = (train.y.array() * (train.X * w_star).array()).minCoeff();
  if (!(margin > 0)) return "the planted direction does not separate the training set";
  return {};
}

// Generous: eta = 1 needs about n ln(n^2 / gap_0) steps; a count at the horizon is censored.
std::int64_t horizon(std::int64_t n) {
  return static_cast<std::int64_t>(20 * static_cast<double>(n) * std::log(static_cast<double>(n))) +
         10000;
}

// Slack on the risk's slope for the rounding of two least-squares fits.
constexpr double kSlopeRounding = 1e-9;

// The held-out risk at w and its standard error: the sample sd of the per-point losses over the
// square root of their number.
std::pair<double, double> risk_with_error(const Dataset<double>& held_out,
                                          const Vector<double>& w) {
  const Vector<double> margins = held_out.y.cwiseProduct(held_out.X * w);
  double sum = 0, sum_squares = 0;
  for (const double z : margins) {
    const double l = logistic_loss(z);
    sum += l;
    sum_squares += l * l;
  }
  const double n = static_cast<double>(margins.size());
  const double mean = sum / n;
  const double variance = std::max(0.0, (sum_squares - n * mean * mean) / (n - 1));
  return {mean, std::sqrt(variance / n)};
}

S10Point measure_point(const CheckContext& ctx, const Dataset<double>& train,
                       const Dataset<double>& held_out) {
  S10Point p;
  p.n = train.n();
  const std::int64_t n = p.n;
  const double lambda = 1 / static_cast<double>(n);
  Reference ref;
  try {
    ref = ctx.reference(train, lambda);
  } catch (const std::exception& e) {
    p.failure = fmt::format("reference solver failed: {}", e.what());
    return p;
  }
  const LogisticObjective<double> f(train, lambda);
  const LogisticObjective<double> risk(held_out, 0.0);
  std::tie(p.risk_at_w_lambda, p.risk_standard_error) = risk_with_error(held_out, ref.w);
  p.risk_target =
      s10_risk_target(p.risk_at_w_lambda, static_cast<double>(n), kS10TargetC, kS10TargetBigC);
  SolverOptions options;
  options.eps = 1 / (static_cast<double>(n) * static_cast<double>(n));
  options.max_steps = horizon(n);

  double worst_final = 0;
  // Steps to the risk target of one run; GD at or past eta_loc cannot settle (E5): a lower bound.
  const auto count = [&](auto solve, double eta, bool may_settle) {
    SolverOptions o = options;
    o.eta = eta;
    Vector<double> w = Vector<double>::Zero(train.d());
    RiskCounter counter(risk, p.risk_target, kS10ScheduleRatio);
    const SolverResult r = solve(o, w, counter);
    StepCount c = counter.finish(r, w);
    worst_final = std::max(worst_final, counter.final_risk() / p.risk_at_w_lambda);
    if (!may_settle && !c.lower_bound) c = {r.steps + 1, true};
    return c;
  };
  const auto gd = [&](const SolverOptions& o, Vector<double>& w, RiskCounter& counter) {
    return gradient_descent(f, ref.f_star, o, w, counter);
  };
  const auto agd = [&](const SolverOptions& o, Vector<double>& w, RiskCounter& counter) {
    return nesterov(f, ref.f_star, o, nesterov_momentum(f.smoothness() / lambda), w, counter);
  };
  p.eta_large = std::cbrt(static_cast<double>(n));
  p.small = count(gd, 1.0, 1.0 < ref.eta_loc);
  p.large = count(gd, p.eta_large, p.eta_large < ref.eta_loc);
  p.nesterov = count(agd, 1 / f.smoothness(), true);
  p.worst_final_risk_ratio = worst_final;
  return p;
}

// The slope of ln(steps / ln(n)^log_power) against ln n: log_power 1 divides out the claims'
// ln n factor, 0 gives the raw slope (reported only).
double step_slope(const std::vector<S10Point>& points, StepCount S10Point::*method,
                  double log_power = 1) {
  std::vector<double> ns, steps;
  for (const S10Point& p : points) {
    const double n = static_cast<double>(p.n);
    ns.push_back(n);
    steps.push_back(static_cast<double>((p.*method).value) / std::pow(std::log(n), log_power));
  }
  return fit_power_law(ns, steps).slope;
}

// What the held-out estimate lacks for the minimum evidence; empty when it suffices.
std::string held_out_shortfall(const PopulationMeasurement& m, const std::vector<S10Point>& points,
                               const S10Test& test) {
  std::vector<std::string> missing;
  if (m.held_out < test.min_held_out)
    missing.push_back(fmt::format("the risk was estimated on {} held-out points, {} needed",
                                  m.held_out, test.min_held_out));
  for (const S10Point& p : points)
    if (!(p.risk_standard_error <= test.max_relative_standard_error * p.risk_at_w_lambda))
      missing.push_back(fmt::format(
          "at n = {} the risk's standard error is {:.2g} of it, more "
          "than {:g}",
          p.n, p.risk_standard_error / p.risk_at_w_lambda, test.max_relative_standard_error));
  return fmt::format("{}", fmt::join(missing, "; "));
}

}  // namespace

Dataset<double> planted_rows(const Dataset<double>& data, std::int64_t first, std::int64_t count,
                             std::string spec) {
  Dataset<double> out;
  out.X = data.X.middleRows(first, count);
  out.y = data.y.segment(first, count);
  out.spec = std::move(spec);
  return out;
}

RiskCounter::RiskCounter(const LogisticObjective<double>& held_out, double target,
                         double schedule_ratio)
    : held_out_(held_out), target_(target), ratio_(schedule_ratio) {}

void RiskCounter::evaluate(std::int64_t t, const Vector<double>& w) {
  final_risk_ = held_out_.loss(w);
  ++evaluations_;
  last_evaluated_ = t;
  if (final_risk_ > target_) {
    last_above_ = t;
    streak_ = -1;
  } else if (streak_ < 0) {
    streak_ = t;
  }
}

void RiskCounter::operator()(const TracePoint& point, const Vector<double>& w) {
  if (point.t < next_) return;
  evaluate(point.t, w);
  next_ = std::max(point.t + 1,
                   static_cast<std::int64_t>(std::floor(ratio_ * static_cast<double>(point.t))));
}

StepCount RiskCounter::finish(const SolverResult& result, const Vector<double>& last_w) {
  if (last_evaluated_ != result.steps) evaluate(result.steps, last_w);
  const SolverOptions settle;  // the solvers' confirmation window
  const double window = std::max<double>(static_cast<double>(settle.settle_min_steps),
                                         settle.settle_fraction * static_cast<double>(streak_));
  const bool finite =
      result.termination == Termination::converged || result.termination == Termination::max_steps;
  if (finite && streak_ >= 0 && static_cast<double>(result.steps - streak_) >= window)
    return {streak_, false};
  return {last_above_ + 1, true};  // the risk was above the target at last_above_
}

Verdict judge_s10(const PopulationMeasurement& m, const S10Test& test) {
  const std::string& dataset = m.dataset;
  const std::string predicted = with_minimum(
      fmt::format(
          "steps until the held-out risk stays <= (1 + {:g}) risk(w_lambda) + {:g}/n, slopes of "
          "steps/ln n vs n: eta=1 <= {:g} (1), eta=n^(1/3) <= {:g} (2/3), Nesterov <= {:g} "
          "(1/2); held-out risk at w_lambda O~(1/n): risk*n grows no faster than ln^{:g} n "
          "(its slope vs n at most that of ln^{:g}(n)/n); runs' final risk <= {:g} x "
          "risk(w_lambda)",
          m.target_c, m.target_big_c, test.max_slope_small, test.max_slope_large,
          test.max_slope_nesterov, test.risk_log_power, test.risk_log_power,
          test.max_final_risk_ratio),
      fmt::format("{}, the risk on >= {} held-out points to a relative standard error <= {:g}, "
                  "every count settled",
                  describe(test.minimum), test.min_held_out, test.max_relative_standard_error));
  if (!m.assumption_failure.empty())
    return inconclusive("S10", dataset, "not checked", predicted, m.assumption_failure);
  std::vector<S10Point> points;
  std::string failures;
  nlohmann::json details = nlohmann::json::array();
  for (const S10Point& p : m.points) {
    if (!p.failure.empty()) {
      failures += fmt::format("{}n = {}: {}", failures.empty() ? "" : "; ", p.n, p.failure);
      details.push_back({{"n", p.n}, {"failure", p.failure}});
      continue;
    }
    points.push_back(p);
    nlohmann::json point = {{"n", p.n},
                            {"eta_large", p.eta_large},
                            {"test_risk_at_w_lambda", p.risk_at_w_lambda},
                            {"risk_standard_error", p.risk_standard_error},
                            {"risk_target", p.risk_target},
                            {"risk_times_n", p.risk_at_w_lambda * static_cast<double>(p.n)},
                            {"worst_final_risk_ratio", p.worst_final_risk_ratio}};
    put_count(point, "settled_eta1", p.small);
    put_count(point, "settled_large", p.large);
    put_count(point, "settled_nesterov", p.nesterov);
    details.push_back(point);
  }
  // The points travel with every verdict from here on, censored or not: figure 7 draws them.
  const auto with_points = [&details](Verdict v) {
    v.details["points"] = details;
    return v;
  };
  if (points.size() < 2)
    return with_points(below_minimum(
        "S10", dataset, fmt::format("{} n measured", points.size()), predicted,
        fmt::format("{} n measured{}{}", points.size(), failures.empty() ? "" : ": ", failures)));
  bool censored = false;
  std::vector<double> ns, risks, risk_times_n;
  std::vector<std::string> per_n;
  double worst_ratio = 0;
  for (const S10Point& p : points) {
    censored = censored || p.small.lower_bound || p.large.lower_bound || p.nesterov.lower_bound;
    const double n = static_cast<double>(p.n);
    ns.push_back(n);
    risks.push_back(p.risk_at_w_lambda);
    risk_times_n.push_back(p.risk_at_w_lambda * n);
    per_n.push_back(fmt::format("{:.3g}", p.risk_at_w_lambda * n));
    worst_ratio = std::max(worst_ratio, p.worst_final_risk_ratio);
  }
  const std::string counts = fmt::format(
      "n {}..{}: steps to the risk target eta=1 {}..{}, eta=n^(1/3) {}..{}, Nesterov "
      "{}..{}",
      points.front().n, points.back().n, points.front().small.str(), points.back().small.str(),
      points.front().large.str(), points.back().large.str(), points.front().nesterov.str(),
      points.back().nesterov.str());
  const double s_small = step_slope(points, &S10Point::small);
  const double s_large = step_slope(points, &S10Point::large);
  const double s_agd = step_slope(points, &S10Point::nesterov);
  // risk * n grows no faster than ln^k n iff risk's fitted slope is at most that of ln^k(n) / n
  // over the same n's (least squares is linear in ln y: the implied constant risk n / ln^k n
  // then has slope <= 0).
  const double risk_slope = fit_power_law(ns, risks).slope;
  std::vector<double> reference;
  for (const double n : ns) reference.push_back(std::pow(std::log(n), test.risk_log_power) / n);
  const double max_risk_slope = fit_power_law(ns, reference).slope + kSlopeRounding;
  const std::string measured = fmt::format(
      "{}; slopes {:.3f}, {:.3f}, {:.3f}; risk(w_lambda) slope {:.3f} (max {:.3f}), risk*n per n: "
      "{}; worst final risk ratio {:.4f}",
      counts, s_small, s_large, s_agd, risk_slope, max_risk_slope, fmt::join(per_n, ", "),
      worst_ratio);
  std::vector<std::string> beyond;
  if (s_small > test.max_slope_small) beyond.push_back("eta = 1's step slope");
  if (s_large > test.max_slope_large) beyond.push_back("eta = n^(1/3)'s step slope");
  if (s_agd > test.max_slope_nesterov) beyond.push_back("Nesterov's step slope");
  if (risk_slope > max_risk_slope)
    beyond.push_back(fmt::format(
        "the risk: risk*n grows from {:.3g} to {:.3g}, faster than ln^{:g} n, so the O~(1/n) "
        "risk is not reached over n = {}..{}",
        risk_times_n.front(), risk_times_n.back(), test.risk_log_power, points.front().n,
        points.back().n));
  if (worst_ratio > test.max_final_risk_ratio) beyond.push_back("a run's final risk ratio");
  Verdict v = verdict_from(
      beyond.empty(), "S10", dataset, measured, predicted,
      "steps to a population risk O~(1/n) grow no faster than n, n^(2/3), n^(1/2) (times ln n), "
      "and the risk at w_lambda decays like 1/n up to ln^2 n",
      fmt::format("beyond its tolerance: {}", fmt::join(beyond, "; ")));
  // Slopes over too few sizes, a risk not held out or a censored count decide nothing, either
  // way: what the fit would say is reported, the verdict is inconclusive.
  std::vector<std::string> missing;
  if (std::string s = sweep_shortfall(ns, test.minimum); !s.empty()) missing.push_back(s);
  if (std::string s = held_out_shortfall(m, points, test); !s.empty()) missing.push_back(s);
  if (censored) missing.push_back("a count was cut off (a lower bound only)");
  if (!failures.empty()) missing.push_back("points missing: " + failures);
  if (!missing.empty()) {
    const std::string would =
        v.outcome == Outcome::pass ? "" : " (the fit alone: " + v.reason + ")";
    v = below_minimum(std::move(v), fmt::format("{}", fmt::join(missing, "; ")) + would);
  }
  v.details = {{"points", details},
               {"slope_eta1", s_small},
               {"slope_large", s_large},
               {"slope_nesterov", s_agd},
               {"risk_slope", risk_slope},
               {"max_risk_slope", max_risk_slope},
               {"raw_slopes",
                {step_slope(points, &S10Point::small, 0), step_slope(points, &S10Point::large, 0),
                 step_slope(points, &S10Point::nesterov, 0)}},
               {"criterion",
                fmt::format("steps until the held-out risk stays <= (1 + {:g}) risk(w_lambda) + "
                            "{:g}/n, evaluated at t_(k+1) = max(t_k + 1, floor({:g} t_k)); risk "
                            "on {} held-out points",
                            m.target_c, m.target_big_c, m.schedule_ratio, m.held_out)}};
  return v;
}

LARGESTEP_MEASUREMENT_FIELDS(S10Point, n, eta_large, small, large, nesterov, risk_at_w_lambda,
                             risk_standard_error, risk_target, worst_final_risk_ratio, failure)
LARGESTEP_MEASUREMENT_FIELDS(PopulationMeasurement, dataset, assumption_failure, held_out, target_c,
                             target_big_c, schedule_ratio, points)

PopulationMeasurement measure_population_claim(const CheckContext& ctx) {
  const Study& study = find_study("S10", ctx.paper() ? "paper" : "quick");
  const DatasetSpec distribution = parse_dataset_spec(study.datasets.at(0));
  // The spec names no n (with_rows adds it; a second n= is an error).
  if (distribution.kind != "planted" || study.sizes.empty())
    throw std::invalid_argument(
        fmt::format("study S10: expected a planted distribution and its sizes, got '{}'",
                    study.datasets.at(0)));
  const std::string& name = study.datasets.front();
  const std::int64_t pool = *std::max_element(study.sizes.begin(), study.sizes.end());
  ctx.report(
      fmt::format("S10 population risk: drawing {} + {} planted points", pool, kS10TestSize));
  const Dataset<double> stream = make_dataset(with_rows(name, pool + kS10TestSize));
  const Dataset<double> held_out = planted_rows(stream, pool, kS10TestSize, "held-out sample");
  const Vector<double> w_star =
      planted_direction(std::stoll(distribution.params.at("d")),
                        static_cast<std::uint64_t>(std::stoll(distribution.params.at("seed"))));
  PopulationMeasurement out;
  out.held_out = held_out.n();
  out.target_c = kS10TargetC;
  out.target_big_c = kS10TargetBigC;
  out.schedule_ratio = kS10ScheduleRatio;
  for (const std::int64_t n : study.sizes) {
    if (!out.assumption_failure.empty()) break;
    ctx.report(fmt::format("S10 population risk: n = {}", n));
    const Dataset<double> train = planted_rows(stream, 0, n, with_rows(name, n));
    out.assumption_failure = assumption_failure(train, w_star);
    if (out.assumption_failure.empty()) out.points.push_back(measure_point(ctx, train, held_out));
  }
  out.dataset =
      fmt::format("{}, n = {}..{}, lambda = 1/n; test: {} later draws", name,
                  size_str(study.sizes.front()), size_str(study.sizes.back()), kS10TestSize);
  return out;
}

std::vector<Verdict> judge_population_claim(const PopulationMeasurement& m, const S10Test& test) {
  return {judge_s10(m, test)};
}

nlohmann::json measure_population(const CheckContext& ctx) {
  return measurement_document("population", ctx.profile, measure_population_claim(ctx),
                              kPopulationFormat);
}

PopulationMeasurement read_population(const nlohmann::json& measured) {
  return read_measurements<PopulationMeasurement>(measured, "population", kPopulationFormat);
}

std::vector<Verdict> judge_population(const nlohmann::json& measured) {
  return judge_population_claim(read_population(measured));
}

std::vector<Verdict> check_population_claim(const CheckContext& ctx) {
  return judge_population_claim(measure_population_claim(ctx));
}

}  // namespace largestep::theory
