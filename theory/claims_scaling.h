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
#include "fit.h"
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
  SweepMinimum minimum;  // the least sweep the slope is judged on: 4 lambdas over 2 decades
};

// Fits ln steps = intercept + slope ln x. The minimum evidence (stated in `predicted`): the
// test's sweep minimum, every count settled within the horizon (a count cut off by it is only a
// lower bound) and f* certified to kMaxBracketOverEps * eps at every lambda; below it, or when
// `unavailable` is set, the verdict is inconclusive. Otherwise pass iff the slope is within the
// test's bounds. The implied constants steps / scale and their spread (max/min) are reported;
// details carry every point.
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
  double bracket_width = 0;  // the reference's f* - f*_lower: a count to eps needs it << eps
};

// Runs GD on the grid eta = 2^(k/4) from 1/L_s to the first point at or past eta_loc and picks
// the best monotone and the best overall stepsize. `horizon` bounds the first (classical-size)
// run; the others stop at twice its count, where they can no longer win.
S5Point measure_s5_point(const Problem& problem, double eps, std::int64_t horizon);

// Pass iff the best monotone steps grow with slope >= min_slope against 1/(lambda ln^2(1/lambda))
// and the best overall needs strictly fewer steps than the best monotone at every
// lambda <= strict_below. The minimum evidence is judge_slope's for the monotone series (its
// sweep, settled counts, f* certified to kMaxBracketOverEps * eps by the points' bracket
// widths), a monotone run at every lambda and at least one lambda <= strict_below; below it the
// verdict is inconclusive.
Verdict judge_s5(const std::string& dataset, const std::vector<S5Point>& points, double eps,
                 double min_slope = 0.8, double strict_below = 1e-4);

// ---- S4: the end of the non-monotone phase and the stable-phase decay ---------------------------

// A run a judge could not measure on, and why: counted and listed in the verdict, never dropped.
struct UnmeasuredRun {
  double lambda = 0, eta = 0;
  std::string method;
  std::string why;              // e.g. "did not converge (max_steps)"
  bool beyond_eta_loc = false;  // eta >= eta_loc: by E5 it cannot converge, outside the claim
};

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
  // The minimum evidence: a phase is at least this long (a single increase at t = 1 is no
  // edge-of-stability phase: its implied constant is 1/scale, the slope then follows from the
  // formula alone), at this many lambdas.
  std::int64_t min_phase_steps = 3;
  std::size_t min_lambdas = 3;
};

// Implied constant c = last_increase / scale over the runs with a non-monotone phase of at least
// min_phase_steps steps (the others are counted in the report). The claim is an upper bound
// O(scale), so what must stay bounded is the largest c at each lambda: pass iff those maxima have
// spread <= max_spread and slope against 1/lambda <= max_growth. Inconclusive with a censored
// point or with fewer than min_lambdas lambdas that have such a phase.
Verdict judge_phase_length(const std::string& dataset, const std::vector<PhasePoint>& points,
                           const PhaseTest& test = {});

// The transient of the stable phase: the claim bounds the gap after the phase end tau by
// C3 exp(-lambda eta (t - tau)). The least C3 a run allows is max_{t >= tau} gap_t
// exp(lambda eta (t - tau)) over the gaps above the rounding floor.
struct TransientPoint {
  double lambda = 0, eta = 0;
  std::string method;
  std::int64_t tau = 0;  // the last increase; 0 for a monotone run
  double c3 = 0;
  std::int64_t c3_at = 0;  // the t of the maximum
};

struct TransientTest {
  double max_spread = 100;   // of the per-lambda largest C3
  double max_growth = 0.25;  // their log-log slope against 1/lambda
  SweepMinimum minimum;      // 4 lambdas over 2 decades
};

// C3 is a constant of the theorem (for its stepsize, eta = gamma/sqrt(lambda)): pass iff the
// largest C3 at each lambda have spread <= max_spread and slope against 1/lambda <= max_growth.
// The minimum evidence: the test's sweep of lambdas and no unmeasured run below eta_loc (each is
// listed); below it the verdict is inconclusive.
Verdict judge_transient(const std::string& dataset, const std::vector<TransientPoint>& points,
                        const std::vector<UnmeasuredRun>& unmeasured,
                        const TransientTest& test = {});

struct DecayPoint {
  double lambda = 0, eta = 0;
  std::string method;
  double measured_rate = 0;  // -d ln(gap)/dt, least squares over the tail of the stable phase
  double local_rate = 0;     // E5's asymptotic rate -2 ln rho, rho = max_j |1 - eta h_j|
  std::int64_t fit_from = 0, fit_to = 0;
};

// The least number of lambdas with a measured tail rate.
inline constexpr std::size_t kMinDecayLambdas = 3;

// The asymptotic rate (E5 implies it for eta well below eta_loc; the transient is
// judge_transient's): pass iff every measured_rate >= lambda * eta * (1 - tol). The minimum
// evidence: rates at kMinDecayLambdas lambdas and no unmeasured run below eta_loc (each is
// listed, as are those beyond eta_loc, which the claim does not cover).
Verdict judge_stable_decay(const std::string& claim_scope, const std::string& dataset,
                           const std::vector<DecayPoint>& points,
                           const std::vector<UnmeasuredRun>& unmeasured = {}, double tol = 0.1);

// ---- S9: EoS-phase bounds of Lemma 1 ------------------------------------------------------------

// One run's implied constants c(t) = quantity / scale over every t from t_from on (Lemma 1 holds
// for every t; below gamma^2 eta t = 1 both scales exceed anything measurable).
struct EosPoint {
  double lambda = 0, eta = 0;
  std::string method;
  std::int64_t phase_end = 0;  // the last t of the trace
  double loss_constant = 0;    // max_t of (1/t) sum_{k<t} L(w_k) / s9_average_loss_scale
  std::int64_t loss_at = 0;    // the t of that maximum
  double norm_constant = 0;    // max_t of ||w_t|| / s9_norm_scale
  std::int64_t norm_at = 0;
  std::int64_t t_from = 1;  // the first t examined: gamma^2 eta t >= 1
  // m = min(eta t, 1/lambda) stops growing at t = 1/(lambda eta): past it (and past convergence)
  // the scales are constant and the running average only falls, so the maxima over t are
  // attained by then. A converged run whose trace stops earlier is continued to it with its
  // last loss and norm (w_t no longer moves); `extended` says so.
  std::int64_t saturation = 0;
  bool extended = false;
  std::string unmeasured;  // non-empty: the maxima over t are not known (the run did not converge)
  // Growth in t where the scales no longer move: log10 of (the maximum over t > saturation) /
  // (the maximum up to it), per decade of t past saturation, for a trace that runs to at least
  // twice its saturation (`after_decades` = log10(last t / saturation)); 0 otherwise.
  double after_decades = 0;
  double loss_growth_after = 0, norm_growth_after = 0;
};

struct EosTest {
  // The largest slope of the upper envelope against 1/lambda and against eta, and of a run's
  // constants per decade of t past saturation.
  double max_growth = 0.25;
  SweepMinimum lambdas{4, 2, "lambdas"};
  SweepMinimum etas{4, 2, "stepsize octaves"};
  std::size_t min_runs_past_saturation = 4;  // traces to twice their saturation, for the t trend
};

// log10(2): a trace must run this many decades past saturation for its growth in t to count.
inline constexpr double kEosMinDecadesAfter = 0.30103;

// Lemma 1 is an upper bound with unknown constants: what must stay bounded is the largest
// implied constant. Across t: a run's constants must not grow past saturation (where the scales
// are constant), slope <= max_growth per decade, and each run's maximum is taken over every t
// (EosPoint). Across lambda and eta: the upper envelope, the largest per-run maximum at each
// lambda and at each octave of eta, must grow with slope <= max_growth against 1/lambda and
// against eta, for the loss and the norm. The spreads (max/min) of the per-run maxima are
// reported, not judged: a small constant is a loose bound, not a broken one. The minimum
// evidence: the test's sweeps, min_runs_past_saturation runs traced past twice their
// saturation, no unmeasured run; below it the verdict is inconclusive.
Verdict judge_eos_bounds(const std::string& dataset, const std::vector<EosPoint>& points,
                         const EosTest& test = {});

// ---- Shared by the judges ----------------------------------------------------------------------

// "1e-2 .. 1e-6 (9 values)"
std::string describe_lambdas(const std::vector<double>& lambdas);

// -d ln(gap)/dt by least squares over the points (t_k, gap_k), gap_k > 0; 0 for < 2 points.
double log_linear_decay_rate(const std::vector<double>& t, const std::vector<double>& gap);

}  // namespace largestep::theory
