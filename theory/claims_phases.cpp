// S4 (two phases: the end of the non-monotone phase, the stable phase's transient C3 and its
// asymptotic decay rate), read from the traces of the sweep's large-stepsize GD runs; and
// check_phases, which also judges S9 (claims_eos.cpp).
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
// stepsizes.
bool phase_run(const SweepRun& r) {
  return r.method == "s2" || r.method == "best" || r.method == "fixed";
}

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

// Why a run gives no stable phase to measure, or empty when it does.
std::string unmeasurable(const SweepRun& r) {
  if (!r.outcome) return "not run: " + r.skipped;
  if (!converged(*r.outcome))
    return fmt::format("did not converge ({})", to_string(r.outcome->result.termination));
  if (r.trace.empty()) return "no trace";
  return {};
}

UnmeasuredRun unmeasured_run(const SweepPoint& p, const SweepRun& r, std::string why) {
  const double eta = r.outcome ? r.outcome->eta : 0;
  return {p.lambda, eta, r.method, std::move(why),
          eta > 0 && eta >= p.reference.eta_loc * (1 - 1e-12)};
}

// The stable phase runs from just after the last increase to the last gap above the noise floor;
// the bound exp(-lambda eta (t - tau)) constrains the asymptotic rate, so the fit uses its second
// half.
std::optional<DecayPoint> decay_point(const SweepPoint& p, const SweepRun& r) {
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

// C3 of a converged run: the largest gap_t exp(lambda eta (t - tau)) after tau, above the floor.
TransientPoint transient_point(const SweepPoint& p, const SweepRun& r) {
  const double floor = kGapNoiseFloor * std::abs(p.reference.f_star);
  TransientPoint c{
      p.lambda, r.outcome->eta, r.method, r.outcome->result.last_increase.value_or(0), 0, 0};
  for (const TracePoint& q : r.trace) {
    if (q.t < c.tau || !(q.gap > floor)) continue;
    const double bound = q.gap * std::exp(p.lambda * c.eta * static_cast<double>(q.t - c.tau));
    if (bound > c.c3) c.c3 = bound, c.c3_at = q.t;
  }
  return c;
}

struct StableRuns {
  std::vector<DecayPoint> decay;
  std::vector<TransientPoint> transient;
  std::vector<UnmeasuredRun> unmeasured;
};

// The stable phases of the theorem's stepsize (s2) or of the others (best, fixed).
StableRuns stable_runs(const SweepDataset& set, bool theorem_stepsize) {
  StableRuns out;
  for (const SweepPoint& p : set.points) {
    for (const SweepRun& r : p.runs) {
      if (!phase_run(r) || (r.method == "s2") != theorem_stepsize) continue;
      if (const std::string why = unmeasurable(r); !why.empty()) {
        out.unmeasured.push_back(unmeasured_run(p, r, why));
        continue;
      }
      out.transient.push_back(transient_point(p, r));
      if (const std::optional<DecayPoint> d = decay_point(p, r)) {
        out.decay.push_back(*d);
      } else {
        out.unmeasured.push_back(unmeasured_run(p, r, "stable phase too short to fit a rate"));
      }
    }
  }
  return out;
}

// "s2 eta = 1 at lambda = 0.01: did not converge (max_steps)", for the reports.
std::vector<std::string> describe_unmeasured(const std::vector<UnmeasuredRun>& runs,
                                             bool beyond_eta_loc) {
  std::vector<std::string> out;
  for (const UnmeasuredRun& u : runs)
    if (u.beyond_eta_loc == beyond_eta_loc)
      out.push_back(
          fmt::format("{} eta = {:.4g} at lambda = {:.3g}: {}", u.method, u.eta, u.lambda, u.why));
  return out;
}

nlohmann::json unmeasured_json(const std::vector<UnmeasuredRun>& runs) {
  nlohmann::json rows = nlohmann::json::array();
  for (const UnmeasuredRun& u : runs)
    rows.push_back({{"lambda", u.lambda},
                    {"eta", u.eta},
                    {"method", u.method},
                    {"why", u.why},
                    {"beyond_eta_loc", u.beyond_eta_loc}});
  return rows;
}

// "; 2 runs not measured (...); 1 beyond eta_loc, outside the claim (...)"
std::string unmeasured_note(const std::vector<UnmeasuredRun>& runs) {
  std::string note;
  const std::vector<std::string> within = describe_unmeasured(runs, false);
  const std::vector<std::string> beyond = describe_unmeasured(runs, true);
  if (!within.empty())
    note += fmt::format("; {} runs not measured ({})", within.size(), fmt::join(within, "; "));
  if (!beyond.empty())
    note += fmt::format("; {} runs at eta >= eta_loc, outside the claim ({})", beyond.size(),
                        fmt::join(beyond, "; "));
  return note;
}

// The largest value at each lambda, in increasing 1/lambda.
template <class Point, class Value>
std::map<double, double> envelope_by_lambda(const std::vector<Point>& points, Value value) {
  std::map<double, double> envelope;
  for (const Point& p : points) {
    const double v = value(p);
    const auto [it, fresh] = envelope.emplace(p.lambda, v);
    if (!fresh) it->second = std::max(it->second, v);
  }
  return envelope;
}

}  // namespace

Verdict judge_phase_length(const std::string& dataset, const std::vector<PhasePoint>& points,
                           const PhaseTest& test) {
  const std::string predicted = with_minimum(
      fmt::format("phase end = O(max{{eta, n, n ln n/eta}}/gamma^2); pass if the largest implied "
                  "constant at each lambda has spread <= {:g} and slope <= {:g} vs 1/lambda",
                  test.max_spread, test.max_growth),
      fmt::format("{} lambdas with a non-monotone phase of at least {} steps, no run censored",
                  test.min_lambdas, test.min_phase_steps));
  std::map<double, double> envelope;  // lambda -> largest last_increase / scale
  nlohmann::json rows = nlohmann::json::array();
  std::vector<double> implied;
  std::vector<PhasePoint> phased;  // the runs with a phase long enough to measure
  bool censored = false;
  std::size_t short_phases = 0;
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
    if (p.last_increase < test.min_phase_steps) {
      ++short_phases;  // an increase or two at the start: no edge-of-stability phase
      continue;
    }
    phased.push_back(p);
    implied.push_back(c);
    envelope[p.lambda] = std::max(envelope[p.lambda], c);
  }
  const std::string runs = fmt::format(
      "{} of {} large-stepsize runs with a non-monotone phase of >= {} steps ({} shorter, not "
      "fitted)",
      phased.size(), points.size(), test.min_phase_steps, short_phases);
  if (envelope.size() < test.min_lambdas) {
    Verdict v = below_minimum(
        "S4", dataset, fmt::format("{}, at {} lambdas", runs, envelope.size()), predicted,
        fmt::format("{} lambdas have a non-monotone phase of at least {} steps, {} needed",
                    envelope.size(), test.min_phase_steps, test.min_lambdas));
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
    v = below_minimum("S4", dataset, measured, predicted,
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

Verdict judge_transient(const std::string& dataset, const std::vector<TransientPoint>& points,
                        const std::vector<UnmeasuredRun>& unmeasured, const TransientTest& test) {
  const std::string predicted = with_minimum(
      fmt::format("the stable phase's transient: gap_t <= C3 exp(-lambda eta (t - tau)) after the "
                  "last increase tau, C3 a constant (C3 = max_t gap_t exp(lambda eta (t - tau))); "
                  "pass if the largest C3 at each lambda has spread <= {:g} and slope <= {:g} vs "
                  "1/lambda",
                  test.max_spread, test.max_growth),
      fmt::format("{}, every run below eta_loc converged", describe(test.minimum)));
  nlohmann::json rows = nlohmann::json::array();
  for (const TransientPoint& p : points)
    rows.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"tau", p.tau},
                    {"c3", p.c3},
                    {"c3_at", p.c3_at}});
  const std::map<double, double> envelope =
      envelope_by_lambda(points, [](const TransientPoint& p) { return p.c3; });
  std::vector<double> x, top, lambdas;
  for (const auto& [lambda, c] : envelope) {
    x.push_back(1 / lambda);
    top.push_back(c);
    lambdas.push_back(lambda);
  }
  const std::string note = unmeasured_note(unmeasured);
  const auto with_details = [&](Verdict v) {
    v.details["points"] = rows;
    v.details["unmeasured"] = unmeasured_json(unmeasured);
    return v;
  };
  std::string missing = sweep_shortfall(x, test.minimum);
  if (!describe_unmeasured(unmeasured, false).empty())
    missing += (missing.empty() ? "" : "; ") + std::string("a run below eta_loc did not converge");
  if (x.size() < 2 || !(*std::min_element(top.begin(), top.end()) > 0))
    return with_details(below_minimum("S4", dataset,
                                      fmt::format("C3 at {} lambdas{}", x.size(), note), predicted,
                                      missing.empty() ? "no positive C3 measured" : missing));
  const PowerFit growth = fit_power_law(x, top);
  const std::string measured = fmt::format(
      "{} runs at {}: C3 {:.3g} .. {:.3g} (per-lambda max: spread {:.3g}, slope {:.3f} vs "
      "1/lambda){}",
      points.size(), describe_lambdas(lambdas), *std::min_element(top.begin(), top.end()),
      *std::max_element(top.begin(), top.end()), spread(top), growth.slope, note);
  Verdict v;
  if (!missing.empty()) {
    v = below_minimum("S4", dataset, measured, predicted, missing);
  } else {
    const bool bounded = spread(top) <= test.max_spread;
    v = verdict_from(bounded && growth.slope <= test.max_growth, "S4", dataset, measured, predicted,
                     "the stable phase starts within a bounded constant C3 at every lambda",
                     bounded ? "C3 grows as lambda -> 0" : "C3 spreads beyond the tolerance");
  }
  v = with_details(std::move(v));
  v.details["growth_slope"] = growth.slope;
  v.details["envelope_spread"] = spread(top);
  return v;
}

Verdict judge_stable_decay(const std::string& claim_scope, const std::string& dataset,
                           const std::vector<DecayPoint>& points,
                           const std::vector<UnmeasuredRun>& unmeasured, double tol) {
  const std::string predicted = with_minimum(
      fmt::format("after the last increase -d ln(gap)/dt >= lambda*eta (gap <= C3 exp(-lambda "
                  "eta (t - tau))); pass if the tail rate >= (1 - {:g}) lambda*eta for every run "
                  "({}; E5 implies it for eta well below eta_loc)",
                  tol, claim_scope),
      fmt::format("rates at {} lambdas, every run below eta_loc converged with a stable phase to "
                  "fit",
                  kMinDecayLambdas));
  const std::string note = unmeasured_note(unmeasured);
  if (points.empty()) {
    Verdict v = below_minimum("S4", dataset, "no converged large-stepsize run" + note, predicted,
                              "no stable-phase rate measured");
    v.details["unmeasured"] = unmeasured_json(unmeasured);
    return v;
  }
  nlohmann::json rows = nlohmann::json::array();
  std::vector<double> ratio, local, lambdas;
  const DecayPoint* worst = nullptr;
  for (const DecayPoint& p : points) {
    const double r = p.measured_rate / (p.lambda * p.eta);
    ratio.push_back(r);
    local.push_back(p.local_rate / (p.lambda * p.eta));
    lambdas.push_back(p.lambda);
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
      "{} runs at {} lambdas: tail rate / (lambda eta) in [{:.3g}, {:.3g}] (E5's -2 ln rho / "
      "(lambda eta) in [{:.3g}, {:.3g}]); slowest: {} eta = {:.4g} at lambda = {:.3g}{}",
      points.size(), distinct_count(lambdas), *lo, *hi, *llo, *lhi, worst->method, worst->eta,
      worst->lambda, note);
  Verdict v = verdict_from(*lo >= 1 - tol, "S4", dataset, measured, predicted,
                           "every stable phase decays at least at rate lambda*eta",
                           "a stable phase decays slower than lambda*eta");
  if (v.outcome == Outcome::pass) {  // a slower rate fails whatever else is missing
    std::string missing;
    if (distinct_count(lambdas) < kMinDecayLambdas)
      missing =
          fmt::format("rates at {} lambdas, {} needed", distinct_count(lambdas), kMinDecayLambdas);
    if (!describe_unmeasured(unmeasured, false).empty())
      missing += (missing.empty() ? "" : "; ") +
                 std::string("a run below eta_loc gave no stable-phase rate (listed)");
    if (!missing.empty()) v = below_minimum(std::move(v), missing);
  }
  v.details["points"] = rows;
  v.details["unmeasured"] = unmeasured_json(unmeasured);
  return v;
}

std::vector<Verdict> check_phases(const ScalingSweep& sweep) {
  std::vector<Verdict> out;
  for (const SweepDataset& set : sweep.datasets) {
    if (set.points.empty() || !(set.points.front().gamma() > 0)) {
      for (const char* claim : {"S4", "S9"})
        out.push_back(inconclusive(
            claim, set.dataset, "not measured",
            with_minimum("scales in 1/gamma^2", "a certified margin gamma (Assumption 1)"),
            "the claim needs a margin: the data is not known separable"));
      continue;
    }
    out.push_back(judge_phase_length(set.dataset, phase_points(set)));
    const StableRuns theorem = stable_runs(set, true), beyond = stable_runs(set, false);
    out.push_back(judge_transient(set.dataset, theorem.transient, theorem.unmeasured));
    out.push_back(judge_stable_decay("the theorem's eta = gamma/sqrt(lambda)", set.dataset,
                                     theorem.decay, theorem.unmeasured));
    Verdict others = judge_stable_decay("beyond the theorem: best and fixed eta up to eta_loc",
                                        set.dataset, beyond.decay, beyond.unmeasured);
    // Reported, not judged: beyond the theorem's stepsize C3 grows like lambda eta^2/gamma^2
    // (the gap at the phase end), which the claim does not bound.
    nlohmann::json c3 = nlohmann::json::array();
    for (const TransientPoint& p : beyond.transient)
      c3.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"tau", p.tau},
                    {"c3", p.c3},
                    {"c3_at", p.c3_at}});
    others.details["transient"] = c3;
    out.push_back(std::move(others));
    out.push_back(judge_eos_bounds(set.dataset, eos_points(set)));
  }
  return out;
}

}  // namespace largestep::theory
