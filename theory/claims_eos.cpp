// S9 (the EoS-phase bounds of Lemma 1): the implied constants of the running average loss and of
// the norm, from the traces of the sweep's large-stepsize GD runs, judged by their growth across
// lambda and eta, each run's maxima taken over every t.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "bounds.h"
#include "claims_scaling.h"
#include "claims_sweep.h"
#include "fit.h"

namespace largestep::theory {
namespace {

// Lemma 1 holds for any eta: S9 reads every traced large-stepsize run.
bool eos_run(const SweepRun& r) {
  return r.method == "s2" || r.method == "s3" || r.method == "best" || r.method == "fixed";
}

// Past the trace's end a converged run stands still (its gap is below eps): the continuation
// samples t geometrically, fine enough for the maximum of a smooth function of t.
constexpr double kContinuationRatio = 1.01;

struct Offer {
  double& best;
  std::int64_t& at;
  void operator()(double c, std::int64_t t) const {
    if (c > best) best = c, at = t;
  }
};

// The sweep traces every step, so trace[k] is w_k.
std::optional<EosPoint> eos_point(const SweepPoint& p, const SweepRun& r) {
  if (!r.outcome || r.trace.size() < 2 || !(p.gamma() > 0)) return std::nullopt;
  const double lambda = p.lambda, eta = r.outcome->eta, gamma = p.gamma();
  EosPoint e;
  e.lambda = lambda;
  e.eta = eta;
  e.method = r.method;
  e.phase_end = r.trace.back().t;
  e.t_from =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(1 / (gamma * gamma * eta))));
  e.saturation = static_cast<std::int64_t>(std::ceil(1 / (lambda * eta)));
  const Offer loss{e.loss_constant, e.loss_at}, norm{e.norm_constant, e.norm_at};
  const auto loss_of = [lambda](const TracePoint& q) {
    return q.value - lambda / 2 * q.w_norm * q.w_norm;  // L(w) = f(w) - lambda/2 |w|^2
  };
  double loss_sum = 0;  // sum_{k < t} L(w_k)
  // The maxima up to saturation and past it (loss, norm), for the growth in t.
  std::array<double, 2> before{0, 0}, after{0, 0};
  for (std::size_t k = 0; k + 1 < r.trace.size(); ++k) {
    loss_sum += loss_of(r.trace[k]);
    const std::int64_t t = r.trace[k + 1].t;
    if (t < e.t_from) continue;
    const double td = static_cast<double>(t);
    const double c_loss = loss_sum / td / s9_average_loss_scale(gamma, eta, lambda, td);
    const double c_norm = r.trace[k + 1].w_norm / s9_norm_scale(gamma, eta, lambda, td);
    loss(c_loss, t);
    norm(c_norm, t);
    std::array<double, 2>& side = t <= e.saturation ? before : after;
    side[0] = std::max(side[0], c_loss);
    side[1] = std::max(side[1], c_norm);
  }
  if (e.phase_end > e.saturation && before[0] > 0 && before[1] > 0 && after[0] > 0 &&
      after[1] > 0) {
    e.after_decades =
        std::log10(static_cast<double>(e.phase_end) / static_cast<double>(e.saturation));
    e.loss_growth_after = std::log10(after[0] / before[0]) / e.after_decades;
    e.norm_growth_after = std::log10(after[1] / before[1]) / e.after_decades;
  }
  if (r.outcome->result.termination != Termination::converged) {
    e.unmeasured = fmt::format("did not converge ({}): the maxima over t are not known past t = {}",
                               to_string(r.outcome->result.termination), e.phase_end);
    return e;
  }
  if (e.phase_end < e.saturation) {
    // w_t = w_T from T on: the sum grows by L(w_T) per step, the norm stays (its scale grows,
    // so its constant only falls); the loss constant may still rise until m saturates.
    e.extended = true;
    const TracePoint& last = r.trace.back();
    const double last_loss = loss_of(last), end = static_cast<double>(e.phase_end);
    loss_sum += last_loss;  // sum_{k <= T}
    for (double t = end + 1; t <= static_cast<double>(e.saturation);
         t = std::max(t + 1, std::floor(t * kContinuationRatio))) {
      const double sum = loss_sum + (t - end - 1) * last_loss;  // sum_{k < t}
      loss(sum / t / s9_average_loss_scale(gamma, eta, lambda, t), static_cast<std::int64_t>(t));
    }
    const double t = static_cast<double>(e.saturation);
    loss((loss_sum + (t - end - 1) * last_loss) / t / s9_average_loss_scale(gamma, eta, lambda, t),
         e.saturation);
  }
  return e;
}

// The largest of each run's maxima at each key (a lambda, an octave of eta), with the key's
// abscissa.
struct Envelope {
  std::vector<double> x, loss, norm;
};

template <class Key, class Abscissa>
Envelope envelope_of(const std::vector<EosPoint>& points, Key key, Abscissa abscissa) {
  std::map<double, std::array<double, 3>> by_key;  // key -> {x, loss, norm}
  for (const EosPoint& p : points) {
    const auto [it, fresh] = by_key.emplace(
        key(p), std::array<double, 3>{abscissa(p), p.loss_constant, p.norm_constant});
    if (fresh) continue;
    it->second[0] = std::max(it->second[0], abscissa(p));
    it->second[1] = std::max(it->second[1], p.loss_constant);
    it->second[2] = std::max(it->second[2], p.norm_constant);
  }
  Envelope e;
  for (const auto& [k, v] : by_key) {
    e.x.push_back(v[0]);
    e.loss.push_back(v[1]);
    e.norm.push_back(v[2]);
  }
  return e;
}

// The slope of an envelope against x, or 0 when it cannot be fitted (then a shortfall says why).
double growth(const std::vector<double>& x, const std::vector<double>& y) {
  if (distinct_count(x) < 2) return 0;
  for (const double v : y)
    if (!(v > 0)) return 0;
  return fit_power_law(x, y).slope;
}

template <class T>
std::vector<double> field(const std::vector<T>& points, double T::*member) {
  std::vector<double> v;
  for (const T& p : points) v.push_back(p.*member);
  return v;
}

}  // namespace

std::vector<EosPoint> eos_points(const SweepDataset& set) {
  std::vector<EosPoint> out;
  for (const SweepPoint& p : set.points)
    for (const SweepRun& r : p.runs)
      if (eos_run(r))
        if (const std::optional<EosPoint> e = eos_point(p, r)) out.push_back(*e);
  return out;
}

Verdict judge_eos_bounds(const std::string& dataset, const std::vector<EosPoint>& points,
                         const EosTest& test) {
  const std::string predicted = with_minimum(
      fmt::format("(1/t) sum L(w_k) = O((eta^2 + ln^2(e + gamma^2 m))/(gamma^2 m)), ||w_t|| = "
                  "O((eta + ln(e + gamma^2 m))/gamma), m = min(eta t, 1/lambda): implied "
                  "constants bounded across t (each run's maximum over t, up to 1/(lambda eta) "
                  "where m saturates), lambda and eta; pass if the largest per lambda and per "
                  "octave of eta grow with slope <= {:g} vs 1/lambda and vs eta",
                  test.max_growth),
      fmt::format("{}, {}, every run converged", describe(test.lambdas), describe(test.etas)));
  nlohmann::json rows = nlohmann::json::array();
  std::vector<EosPoint> measured_points;
  std::vector<std::string> unmeasured;
  std::size_t extended = 0, past_saturation = 0;
  double loss_after = -std::numeric_limits<double>::infinity(), norm_after = loss_after;
  for (const EosPoint& p : points) {
    rows.push_back({{"lambda", p.lambda},
                    {"eta", p.eta},
                    {"method", p.method},
                    {"phase_end", p.phase_end},
                    {"t_from", p.t_from},
                    {"saturation", p.saturation},
                    {"extended", p.extended},
                    {"loss_constant", p.loss_constant},
                    {"loss_at", p.loss_at},
                    {"norm_constant", p.norm_constant},
                    {"norm_at", p.norm_at},
                    {"after_decades", p.after_decades},
                    {"loss_growth_after", p.loss_growth_after},
                    {"norm_growth_after", p.norm_growth_after},
                    {"unmeasured", p.unmeasured}});
    if (!p.unmeasured.empty()) {
      unmeasured.push_back(fmt::format("{} eta = {:.4g} at lambda = {:.3g}: {}", p.method, p.eta,
                                       p.lambda, p.unmeasured));
      continue;
    }
    extended += p.extended;
    measured_points.push_back(p);
    if (p.after_decades < kEosMinDecadesAfter * (1 - 1e-9)) continue;
    ++past_saturation;
    loss_after = std::max(loss_after, p.loss_growth_after);
    norm_after = std::max(norm_after, p.norm_growth_after);
  }
  const auto with_rows = [&rows](Verdict v) {
    v.details["points"] = rows;
    return v;
  };
  if (measured_points.empty())
    return with_rows(below_minimum(
        "S9", dataset, fmt::format("{} large-stepsize runs, none measured", points.size()),
        predicted, "no run to measure"));
  const Envelope by_lambda = envelope_of(
      measured_points, [](const EosPoint& p) { return p.lambda; },
      [](const EosPoint& p) { return 1 / p.lambda; });
  const Envelope by_eta = envelope_of(
      measured_points, [](const EosPoint& p) { return std::floor(std::log2(p.eta)); },
      [](const EosPoint& p) { return p.eta; });
  const double loss_vs_lambda = growth(by_lambda.x, by_lambda.loss);
  const double norm_vs_lambda = growth(by_lambda.x, by_lambda.norm);
  const double loss_vs_eta = growth(by_eta.x, by_eta.loss);
  const double norm_vs_eta = growth(by_eta.x, by_eta.norm);
  const std::vector<double> loss = field(measured_points, &EosPoint::loss_constant);
  const std::vector<double> norm = field(measured_points, &EosPoint::norm_constant);
  const std::string not_measured =
      unmeasured.empty() ? ""
                         : fmt::format("; {} runs not measured ({})", unmeasured.size(),
                                       fmt::join(unmeasured, "; "));
  const std::string after_saturation =
      past_saturation == 0
          ? "no run traced past twice its saturation"
          : fmt::format(
                "past saturation ({} runs) at most {:.3f} (loss), {:.3f} (norm) per decade "
                "of t",
                past_saturation, loss_after, norm_after);
  const std::string measured = fmt::format(
      "{} runs ({} continued to 1/(lambda eta) past their converged end): largest constant of "
      "the average loss {:.3g}, of the norm {:.3g}; envelope slopes vs 1/lambda {:.3f} (loss), "
      "{:.3f} (norm) over {} lambdas, vs eta {:.3f}, {:.3f} over {} octaves; growth in t {}; "
      "per-run maxima spread {:.3g} (loss), {:.3g} (norm){}",
      measured_points.size(), extended, *std::max_element(loss.begin(), loss.end()),
      *std::max_element(norm.begin(), norm.end()), loss_vs_lambda, norm_vs_lambda,
      by_lambda.x.size(), loss_vs_eta, norm_vs_eta, by_eta.x.size(), after_saturation, spread(loss),
      spread(norm), not_measured);
  std::vector<std::string> grows;
  if (past_saturation > 0 && loss_after > test.max_growth)
    grows.push_back("the average loss's in t past saturation");
  if (past_saturation > 0 && norm_after > test.max_growth)
    grows.push_back("the norm's in t past saturation");
  if (loss_vs_lambda > test.max_growth) grows.push_back("the average loss's vs 1/lambda");
  if (norm_vs_lambda > test.max_growth) grows.push_back("the norm's vs 1/lambda");
  if (loss_vs_eta > test.max_growth) grows.push_back("the average loss's vs eta");
  if (norm_vs_eta > test.max_growth) grows.push_back("the norm's vs eta");
  Verdict v = verdict_from(grows.empty(), "S9", dataset, measured, predicted,
                           "the largest implied constants do not grow across lambda and eta, "
                           "each the maximum over every t",
                           fmt::format("an implied constant grows: {} beyond slope {:g}",
                                       fmt::join(grows, ", "), test.max_growth));
  std::vector<std::string> missing;
  if (std::string m = sweep_shortfall(by_lambda.x, test.lambdas); !m.empty()) missing.push_back(m);
  if (std::string m = sweep_shortfall(by_eta.x, test.etas); !m.empty()) missing.push_back(m);
  if (past_saturation < test.min_runs_past_saturation)
    missing.push_back(fmt::format("{} runs traced past twice their saturation, {} needed",
                                  past_saturation, test.min_runs_past_saturation));
  if (!unmeasured.empty())
    missing.push_back(fmt::format("{} runs did not converge", unmeasured.size()));
  if (!missing.empty())
    v = below_minimum(std::move(v), fmt::format("{}", fmt::join(missing, "; ")));
  v.details["growth"] = {{"loss_vs_inverse_lambda", loss_vs_lambda},
                         {"norm_vs_inverse_lambda", norm_vs_lambda},
                         {"loss_vs_eta", loss_vs_eta},
                         {"norm_vs_eta", norm_vs_eta},
                         {"loss_per_decade_past_saturation", past_saturation ? loss_after : 0.0},
                         {"norm_per_decade_past_saturation", past_saturation ? norm_after : 0.0}};
  v.details["max_growth"] = test.max_growth;
  return with_rows(std::move(v));
}

}  // namespace largestep::theory
