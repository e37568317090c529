// The scaling claims of paper.md section 3 (S1-S5, S8, S9) and the double vs multiprecision
// comparison, measured on the registry's suites ("quick" or "paper" by profile).
//
// The judge_* functions are pure: they take measured numbers and return a Verdict, so tests can
// feed them doctored measurements. claims_sweep.h measures into files and judges from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "check_context.h"
#include "largestep/core/experiment.h"
#include "largestep/core/solver.h"
#include "verdict.h"

namespace largestep::theory {

// ---- Steps-to-eps against lambda (S1, S2, S3, S8; S5 reuses it) --------------------------------

// Settled steps-to-eps of one method on one dataset across a lambda sweep.
struct StepSeries {
  std::string claim;  // "S1", "S2", ...
  std::string dataset;
  std::string method;  // the rule or solver, for reports
  std::vector<double> lambdas;
  std::vector<StepCount> steps;  // settled counts; lower_bound: cut off by the horizon
  std::vector<double> etas;      // the stepsize of each point (reported only)
  std::vector<double> scales;    // the claim's step scale from bounds.h per point (may be empty)
  std::string unavailable;       // non-empty: the runs could not be made, and why
  // The target gap and, per point, the reference's certified bracket f* - f*_lower. A count of
  // steps to a gap eps means something only if f* is known much better than eps; a series
  // without widths (synthetic, or from outside a reference) is not checked.
  double eps = 0;
  std::vector<double> bracket_widths;
};

// A step count to gap eps is certified when the reference bracket is at most this times eps.
inline constexpr double kMaxBracketOverEps = 0.01;

// Which abscissa the slope is fitted against: 1/lambda, or 1/(lambda ln^2(1/lambda)) for the
// lower bound of S5, which carries log factors.
enum class Abscissa { inverse_lambda, inverse_lambda_log2 };

struct SlopeTest {
  Abscissa against = Abscissa::inverse_lambda;
  std::optional<double> min_slope, max_slope;  // the tolerances: pass needs both
  std::string bound;  // the claim in words, e.g. "O(sqrt(kappa) ln(1/eps))"
};

// Fits ln steps = intercept + slope ln x. Inconclusive when a count is only a lower bound (cut
// off by the horizon), when fewer than two points exist or when `unavailable` is set; otherwise
// pass iff the slope is within the test's bounds. The implied constants steps / scale and their
// spread (max/min) are reported; details carry every point.
Verdict judge_slope(const StepSeries& series, const SlopeTest& test);

// ---- S5: best monotone vs best overall stepsize on the hard dataset ----------------------------

struct S5Point {
  double lambda = 0;
  double eta_loc = 0;
  std::optional<double> monotone_eta;  // the best grid eta whose whole run is monotone, if any
  StepCount monotone_steps;
  double best_eta = 0;  // the grid eta with the fewest settled steps
  StepCount best_steps;
  std::int64_t best_increases = 0;
  struct Tried {
    double eta;
    StepCount settled;
    std::int64_t increases;
  };
  std::vector<Tried> grid;  // every stepsize run (reported only)
};

// Runs GD on the grid eta = 2^(k/4) from 1/L_s to the first point at or past eta_loc and picks
// the best monotone and the best overall stepsize. `horizon` bounds the first (classical-size)
// run; the others stop at twice its count, where they can no longer win.
S5Point measure_s5_point(const Problem& problem, double eps, std::int64_t horizon);

// Pass iff the best monotone steps grow with slope >= min_slope against 1/(lambda ln^2(1/lambda))
// and the best overall needs strictly fewer steps than the best monotone at every
// lambda <= strict_below. Inconclusive on a censored count or a lambda without a monotone run.
Verdict judge_s5(const std::string& dataset, const std::vector<S5Point>& points, double eps,
                 double min_slope = 0.8, double strict_below = 1e-4);

// ---- S4: the end of the non-monotone phase and the stable-phase decay ---------------------------

struct PhasePoint {
  double lambda = 0, eta = 0;
  std::string method;
  std::int64_t last_increase = 0;  // the measured end of the non-monotone phase; 0: none
  bool censored = false;           // the run did not converge: the phase end is a lower bound
  double scale = 0;                // s4_phase_scale(eta, n, gamma)
};

struct PhaseTest {
  double max_spread = 100;   // of the per-lambda largest implied constants
  double max_growth = 0.25;  // log-log slope of those against 1/lambda
};

// Implied constant c = last_increase / scale over the runs with a non-monotone phase (the
// others are counted in the report). The claim is an upper bound O(scale), so what must stay
// bounded is the largest c at each lambda: pass iff those maxima have spread <= max_spread and
// slope against 1/lambda <= max_growth. Inconclusive with a censored point or with fewer than
// two lambdas that have a non-monotone phase.
Verdict judge_phase_length(const std::string& dataset, const std::vector<PhasePoint>& points,
                           const PhaseTest& test = {});

struct DecayPoint {
  double lambda = 0, eta = 0;
  std::string method;
  double measured_rate = 0;  // -d ln(gap)/dt, least squares over the tail of the stable phase
  double local_rate = 0;     // E5's asymptotic rate -2 ln rho, rho = max_j |1 - eta h_j|
  std::int64_t fit_from = 0, fit_to = 0;
};

// Pass iff every measured_rate >= lambda * eta * (1 - tol). Inconclusive without points.
Verdict judge_stable_decay(const std::string& claim_scope, const std::string& dataset,
                           const std::vector<DecayPoint>& points, double tol = 0.1);

// ---- S9: EoS-phase bounds of Lemma 1
// -------------------------------------------------------------

struct EosPoint {
  double lambda = 0, eta = 0;
  std::string method;
  std::int64_t phase_end = 0;  // the last t examined
  double loss_constant = 0;    // max_t of (1/t) sum_{k<t} L(w_k) / s9_average_loss_scale
  std::int64_t loss_at = 0;    // the t of that maximum
  double norm_constant = 0;    // max_t of ||w_t|| / s9_norm_scale
  std::int64_t norm_at = 0;
};

// Pass iff every loss_constant and norm_constant <= max_constant. Inconclusive without points.
Verdict judge_eos_bounds(const std::string& dataset, const std::vector<EosPoint>& points,
                         double max_constant = 10);

// ---- Shared by the judges ----------------------------------------------------------------------

// "1e-2 .. 1e-6 (9 values)"
std::string describe_lambdas(const std::vector<double>& lambdas);

// -d ln(gap)/dt by least squares over the points (t_k, gap_k), gap_k > 0; 0 for < 2 points.
double log_linear_decay_rate(const std::vector<double>& t, const std::vector<double>& gap);

}  // namespace largestep::theory
