// S4 (two phases: the end of the non-monotone phase, the stable-phase decay rate) and S9 (the
// EoS-phase bounds of Lemma 1), read from the traces of the sweep's large-stepsize GD runs.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "bounds.h"
#include "claims_scaling.h"
#include "claims_sweep.h"
#include "fit.h"

namespace largestep::theory {
namespace {

// The runs S4 reads: GD with the theorem's stepsize (s2), the grid's best and the fixed large
// stepsizes; S9 adds s3, since Lemma 1 holds for any eta.
bool phase_run(const SweepRun& r) {
  return r.method == "s2" || r.method == "best" || r.method == "fixed";
}
bool eos_run(const SweepRun& r) { return phase_run(r) || r.method == "s3"; }

bool converged(const RunOutcome& o) { return o.result.termination == Termination::converged; }

std::vector<PhasePoint> phase_points(const SweepDataset& set) {
  std::vector<PhasePoint> out;
  for (const SweepPoint& p : set.points) {
    for (const SweepRun& r : p.runs) {
      if (!phase_run(r) || !r.outcome) continue;
      const double n = static_cast<double>(p.n);
      out.push_back({p.lambda, r.outcome->eta, r.method,
                     r.outcome->result.last_increase.value_or(0), !converged(*r.outcome),
                     s4_phase_scale(r.outcome->eta, n, p.gamma())});
    }
  }
  return out;
}

// E5: the asymptotic per-step gap ratio is rho^2, rho = max_j |1 - eta h_j|; |1 - eta h| is
// convex in h, so the extreme eigenvalues give the maximum.
double local_rate(const Reference& reference, double eta) {
  const double rho = std::max(std::abs(e5_deviation_factor(eta, reference.h_min)),
                              std::abs(e5_deviation_factor(eta, reference.h_max)));
  return -2 * std::log(rho);
}

// Gaps measured in double below this fraction of f* are rounding noise (f itself is known to a
// few ulps, 1e-16 f*); a fast run reaches them within its confirmation window.
constexpr double kGapNoiseFloor = 1e-12;

// The stable phase runs from just after the last increase to the last gap above the noise floor;
// the bound exp(-lambda eta (t - tau)) constrains the asymptotic rate, so the fit uses its second
// half.
std::optional<DecayPoint> decay_point(const SweepPoint& p, const SweepRun& r) {
  if (!r.outcome || !converged(*r.outcome)) return std::nullopt;
  const double floor = kGapNoiseFloor * std::abs(p.reference.f_star);
  const std::int64_t start = r.outcome->result.last_increase.value_or(0) + 1;
  std::int64_t end = start;
  for (const TracePoint& q : r.trace)
    if (q.t >= start && q.gap > floor) end = q.t;
  const std::int64_t from = start + (end - start) / 2;
  std::vector<double> t, gap;
  for (const TracePoint& q : r.trace) {
    if (q.t < from || q.t > end) continue;
    t.push_back(static_cast<double>(q.t));
    gap.push_back(q.gap);
  }
  if (t.size() < 3) return std::nullopt;
  return DecayPoint{p.lambda,
                    r.outcome->eta,
                    r.method,
                    log_linear_decay_rate(t, gap),
                    local_rate(p.reference, r.outcome->eta),
                    from,
                    end};
}

std::vector<DecayPoint> decay_points(const SweepDataset& set, bool theorem_stepsize) {
  std::vector<DecayPoint> out;
  for (const SweepPoint& p : set.points)
    for (const SweepRun& r : p.runs)
      if (phase_run(r) && (r.method == "s2") == theorem_stepsize)
        if (const std::optional<DecayPoint> d = decay_point(p, r)) out.push_back(*d);
  return out;
}

// Lemma 1 bounds the running average of L and the norm during the EoS phase: examined up to
// the last increase and over at least the first 1000 steps. The sweep traces every step, so
// trace[k] is w_k.
std::optional<EosPoint> eos_point(const SweepPoint& p, const SweepRun& r) {
  if (!r.outcome || r.trace.size() < 2 || !(p.gamma() > 0)) return std::nullopt;
  const double lambda = p.lambda, eta = r.outcome->eta, gamma = p.gamma();
  const std::int64_t end = std::max(r.outcome->result.last_increase.value_or(0),
                                    std::min<std::int64_t>(1000, r.trace.back().t));
  EosPoint e{lambda, eta, r.method, end, 0, 0, 0, 0};
  double loss_sum = 0;
  for (std::size_t k = 0; k + 1 < r.trace.size() && r.trace[k + 1].t <= end; ++k) {
    const TracePoint& q = r.trace[k];  // w_k; the average at t = k + 1 includes it
    loss_sum += q.value - lambda / 2 * q.w_norm * q.w_norm;  // L(w_k) = f(w_k) - lambda/2 |w_k|^2
    const double t = static_cast<double>(k + 1);
    const double c_loss = loss_sum / t / s9_average_loss_scale(gamma, eta, lambda, t);
    const double c_norm = r.trace[k + 1].w_norm / s9_norm_scale(gamma, eta, lambda, t);
    if (c_loss > e.loss_constant) e.loss_constant = c_loss, e.loss_at = k + 1;
    if (c_norm > e.norm_constant) e.norm_constant = c_norm, e.norm_at = k + 1;
  }
  return e;
}

std::vector<EosPoint> eos_points(const SweepDataset& set) {
  std::vector<EosPoint> out;
  for (const SweepPoint& p : set.points)
    for (const SweepRun& r : p.runs)
      if (eos_run(r))
        if (const std::optional<EosPoint> e = eos_point(p, r)) out.push_back(*e);
  return out;
}

template <class T>
std::vector<double> field(const std::vector<T>& points, double T::*member) {
  std::vector<double> v;
  for (const T& p : points) v.push_back(p.*member);
  return v;
}

}  // namespace

Verdict judge_phase_length(const std::string& dataset, const std::vector<PhasePoint>& points,
                           const PhaseTest& test) {
  const std::string predicted = fmt::format(
      "phase end = O(max{{eta, n, n ln n/eta}}/gamma^2); pass if the largest implied constant "
      "at each lambda has spread <= {:g} and slope <= {:g} vs 1/lambda",
      test.max_spread, test.max_growth);
  std::map<double, double> envelope;  // lambda -> largest last_increase / scale
  nlohmann::json rows = nlohmann::json::array();
  std::vector<double> implied;
  std::vector<PhasePoint> phased;  // the runs with a non-monotone phase
  bool censored = false;
  for (const PhasePoint& p : points) {
    censored = censored || p.censored;
    const double c = static_cast<double>(p.last_increase) / p.scale;
    rows.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"last_increase", p.last_increase},
                    {"censored", p.censored},
                    {"scale", p.scale},
                    {"implied_constant", c}});
    if (p.last_increase <= 0) continue;  // monotone from the start: no phase to bound
    phased.push_back(p);
    implied.push_back(c);
    envelope[p.lambda] = std::max(envelope[p.lambda], c);
  }
  const std::string runs =
      fmt::format("{} of {} large-stepsize runs non-monotone", phased.size(), points.size());
  if (envelope.size() < 2) {
    Verdict v = inconclusive("S4", dataset, runs, predicted,
                             "fewer than two lambdas have a non-monotone phase");
    v.details["points"] = rows;
    return v;
  }
  std::vector<double> x, top;
  for (const auto& [lambda, c] : envelope) {
    x.push_back(1 / lambda);
    top.push_back(c);
  }
  const PowerFit growth = fit_power_law(x, top);
  const auto [lo, hi] = std::minmax_element(implied.begin(), implied.end());
  const auto [first, last] = std::minmax_element(
      phased.begin(), phased.end(),
      [](const PhasePoint& a, const PhasePoint& b) { return a.last_increase < b.last_increase; });
  const std::string measured = fmt::format(
      "{} (at {} lambdas): last increase at t = {} .. {}; implied constant last_increase/scale "
      "in [{:.3g}, {:.3g}]; per-lambda max: spread {:.3g}, slope {:.3f} vs 1/lambda",
      runs, envelope.size(), first->last_increase, last->last_increase, *lo, *hi, spread(top),
      growth.slope);
  Verdict v;
  if (censored) {
    v = inconclusive("S4", dataset, measured, predicted,
                     "lower bound only: a large-stepsize run did not converge within the horizon");
  } else {
    const bool bounded = spread(top) <= test.max_spread;
    v = verdict_from(bounded && growth.slope <= test.max_growth, "S4", dataset, measured, predicted,
                     "the phase ends within a bounded multiple of the predicted scale",
                     bounded ? "the implied constant grows as lambda -> 0"
                             : "the implied constants spread beyond the tolerance");
  }
  v.details["points"] = rows;
  v.details["growth_slope"] = growth.slope;
  v.details["envelope_spread"] = spread(top);
  return v;
}

Verdict judge_stable_decay(const std::string& claim_scope, const std::string& dataset,
                           const std::vector<DecayPoint>& points, double tol) {
  const std::string predicted = fmt::format(
      "after the last increase -d ln(gap)/dt >= lambda*eta (gap <= C3 exp(-lambda eta (t - tau))); "
      "pass if the tail rate >= (1 - {:g}) lambda*eta for every run ({})",
      tol, claim_scope);
  if (points.empty())
    return inconclusive("S4", dataset, "no converged large-stepsize run", predicted,
                        "nothing to measure a stable-phase rate on");
  nlohmann::json rows = nlohmann::json::array();
  std::vector<double> ratio, local;
  const DecayPoint* worst = nullptr;
  for (const DecayPoint& p : points) {
    const double r = p.measured_rate / (p.lambda * p.eta);
    ratio.push_back(r);
    local.push_back(p.local_rate / (p.lambda * p.eta));
    if (!worst || r < worst->measured_rate / (worst->lambda * worst->eta)) worst = &p;
    rows.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"rate", p.measured_rate},
                    {"e5_local_rate", p.local_rate},
                    {"rate_over_lambda_eta", r},
                    {"fit_from", p.fit_from},
                    {"fit_to", p.fit_to}});
  }
  const auto [lo, hi] = std::minmax_element(ratio.begin(), ratio.end());
  const auto [llo, lhi] = std::minmax_element(local.begin(), local.end());
  const std::string measured = fmt::format(
      "{} runs: tail rate / (lambda eta) in [{:.3g}, {:.3g}] (E5's -2 ln rho / (lambda eta) in "
      "[{:.3g}, {:.3g}]); slowest: {} eta = {:.4g} at lambda = {:.3g}",
      points.size(), *lo, *hi, *llo, *lhi, worst->method, worst->eta, worst->lambda);
  Verdict v = verdict_from(*lo >= 1 - tol, "S4", dataset, measured, predicted,
                           "every stable phase decays at least at rate lambda*eta",
                           "a stable phase decays slower than lambda*eta");
  v.details["points"] = rows;
  return v;
}

Verdict judge_eos_bounds(const std::string& dataset, const std::vector<EosPoint>& points,
                         double max_constant) {
  const std::string predicted = fmt::format(
      "(1/t) sum L(w_k) = O((eta^2 + ln^2(e + gamma^2 m))/(gamma^2 m)), ||w_t|| = "
      "O((eta + ln(e + gamma^2 m))/gamma), m = min(eta t, 1/lambda); pass if both implied "
      "constants <= {:g} over every run and t",
      max_constant);
  if (points.empty())
    return inconclusive("S9", dataset, "no large-stepsize run", predicted, "nothing to measure");
  nlohmann::json rows = nlohmann::json::array();
  for (const EosPoint& p : points)
    rows.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"phase_end", p.phase_end},
                    {"loss_constant", p.loss_constant},
                    {"loss_at", p.loss_at},
                    {"norm_constant", p.norm_constant},
                    {"norm_at", p.norm_at}});
  const std::vector<double> loss = field(points, &EosPoint::loss_constant);
  const std::vector<double> norm = field(points, &EosPoint::norm_constant);
  const double loss_max = *std::max_element(loss.begin(), loss.end());
  const double norm_max = *std::max_element(norm.begin(), norm.end());
  const std::string measured = fmt::format(
      "{} runs: max implied constant of the average loss {:.3g} (per-run maxima spread {:.3g}), "
      "of the norm {:.3g} (spread {:.3g})",
      points.size(), loss_max, spread(loss), norm_max, spread(norm));
  Verdict v = verdict_from(loss_max <= max_constant && norm_max <= max_constant, "S9", dataset,
                           measured, predicted,
                           "both EoS-phase quantities stay within a bounded "
                           "multiple of Lemma 1's scales",
                           "an implied constant exceeds the bound");
  v.details["points"] = rows;
  return v;
}

std::vector<Verdict> check_phases(const ScalingSweep& sweep) {
  std::vector<Verdict> out;
  for (const SweepDataset& set : sweep.datasets) {
    if (set.points.empty() || !(set.points.front().gamma() > 0)) {
      for (const char* claim : {"S4", "S9"})
        out.push_back(inconclusive(claim, set.dataset, "not measured", "scales in 1/gamma^2",
                                   "the claim needs a margin: the data is not known separable"));
      continue;
    }
    out.push_back(judge_phase_length(set.dataset, phase_points(set)));
    out.push_back(judge_stable_decay("the theorem's eta = gamma/sqrt(lambda)", set.dataset,
                                     decay_points(set, true)));
    out.push_back(judge_stable_decay("beyond the theorem: best and fixed eta up to eta_loc",
                                     set.dataset, decay_points(set, false)));
    out.push_back(judge_eos_bounds(set.dataset, eos_points(set)));
  }
  return out;
}

}  // namespace largestep::theory
