// The certified reference in multiprecision: w_lambda by Newton's method over MPFR numbers, f*,
// the bracket f(w) - ||grad f(w)||^2 / (2 lambda) <= f* <= f(w), the Hessian spectrum at w_lambda
// and eta_loc = 2 / h_max (paper.md E5 and section 5).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/reference.h"
#include "largestep/reference/scaled_reference.h"

namespace largestep {

inline constexpr unsigned kDefaultDigits = 100;

// How a reference is computed: Newton in MPFR at `digits` digits over every row with a d x d MPFR
// Hessian (O(n d^2) multiprecision work: the exact claims' small data), or the scaled path of
// scaled_reference.h (O(nd) double-double work per pass: real-size data); `automatic` chooses by
// kMpfrMaxWork.
enum class ReferenceMethod { automatic, mpfr, scaled };

// The largest n d^2 that gets the 100-digit MPFR reference automatically: about two seconds of
// MPFR Newton on this project's reference machine (2,000 x 64 = 8.2e6 took 7.2 s, 20,000 x 64
// 79 s; the scaled path does either in under a second). Every dataset of the registry and of
// theory/ (digits:AvB ~360 x 64 = 1.5e6, S10's planted 16384 x 10 = 1.6e6, breast_cancer
// 569 x 30) lies below it, so their verdicts keep the 100-digit reference.
inline constexpr double kMpfrMaxWork = 2e6;

// "auto", "mpfr" or "scaled"; anything else is a std::invalid_argument naming the value.
ReferenceMethod parse_reference_method(const std::string& name);
std::string reference_method_name(ReferenceMethod method);
// The concrete method for `requested` on n x d data (automatic: by n d^2 against kMpfrMaxWork);
// for a Dataset, n is every process's rows (total_n), a shard's included.
ReferenceMethod resolve_reference_method(std::int64_t n, std::int64_t d,
                                         ReferenceMethod requested);
ReferenceMethod resolve_reference_method(const Dataset<double>& data, ReferenceMethod requested);

// The record's `method` of each path.
inline constexpr const char* kMpfrMethod = "mpfr-newton";
inline constexpr const char* kScaledMethod = "double-double refinement";
// The decimal digits a scaled reference carries (double-double: 106 bits).
inline constexpr unsigned kScaledDigits = 32;

struct MpReference {
  std::string dataset;  // canonical spec
  double lambda = 0;
  unsigned digits = kDefaultDigits;
  // Decimal strings carrying the full working precision (what the cache and --json hold).
  std::vector<std::string> w;
  std::string f_star, f_star_lower, grad_norm, h_min, h_max, eta_loc, smoothness;
  int newton_iterations = 0;
  std::string method = kMpfrMethod;
  // f_star_lower <= f* <= f_star_upper: f(w) plus a bound on the rounding of its evaluation.
  // bracket_width = f_star_upper - f_star_lower, rounded up.
  std::string f_star_upper, bracket_width;
  // Bounds on |h - h(w_lambda)| for the h_min, h_max given, and the resulting one of eta_loc.
  std::string h_min_uncertainty, h_max_uncertainty, eta_loc_uncertainty;

  // The same numbers rounded to the nearest double (subnormals included; below the smallest
  // subnormal, 0), for double-precision runs and rules.
  Reference to_double() const;
};

// Newton in double first, then in Mp at `digits` decimal digits from there (quadratic
// convergence doubles the correct digits per step). Throws std::runtime_error if Newton fails.
MpReference compute_reference_mp(const Dataset<double>& data, double lambda,
                                 unsigned digits = kDefaultDigits);

// compute_reference_mp with an on-disk cache keyed by the data's contents, lambda and digits:
// $LARGESTEP_CACHE_DIR, else $XDG_CACHE_HOME/largestep, else $HOME/.cache/largestep. Each record
// carries a checksum of its fields and of the version of the code that wrote it (kCacheFormat in
// certified.cpp). A cache file that is unreadable, malformed, for another key, written by another
// version or whose checksum does not match (a hand-edited f*) is recomputed and rewritten, never
// trusted.
// `method` chooses the path (the scaled path ignores `digits`; its records are keyed apart);
// `progress` hears about the stages of a scaled computation.
MpReference cached_reference_mp(const Dataset<double>& data, double lambda,
                                unsigned digits = kDefaultDigits,
                                ReferenceMethod method = ReferenceMethod::automatic,
                                const ReferenceProgress& progress = {});

// The reference by `method` (automatic: resolve_reference_method), without the cache.
MpReference compute_reference(const Dataset<double>& data, double lambda, unsigned digits,
                              ReferenceMethod method, const ReferenceProgress& progress = {});

// compute_reference_scaled's result as a reference record.
MpReference compute_reference_scaled_mp(const Dataset<double>& data, double lambda,
                                        const ReferenceProgress& progress = {});

// The reference as JSON: numbers as decimal strings carrying the full precision.
nlohmann::json to_json(const MpReference& r);

// The reference used for gaps everywhere (run, sweep, bench, verify): the cached 100-digit one.
Reference certified_reference(const Dataset<double>& data, double lambda);

}  // namespace largestep
