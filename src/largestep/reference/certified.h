// The certified reference in multiprecision: w_lambda by Newton's method over MPFR numbers, f*,
// the bracket f(w) - ||grad f(w)||^2 / (2 lambda) <= f* <= f(w), the Hessian spectrum at w_lambda
// and eta_loc = 2 / h_max (paper.md E5 and section 5).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "largestep/kernel/dataset.h"
#include "largestep/reference/multiprecision.h"
#include "largestep/reference/reference.h"

namespace largestep {

inline constexpr unsigned kDefaultDigits = 100;

struct MpReference {
  std::string dataset;  // canonical spec
  double lambda = 0;
  unsigned digits = kDefaultDigits;
  // Decimal strings carrying the full working precision (what the cache and --json hold).
  std::vector<std::string> w;
  std::string f_star, f_star_lower, grad_norm, h_min, h_max, eta_loc, smoothness;
  int newton_iterations = 0;

  // The same numbers rounded to the nearest double (subnormals included; below the smallest
  // subnormal, 0), for double-precision runs and rules.
  Reference to_double() const;
  // The numbers as Mp; call inside an MpDigits scope of at least `digits`.
  Mp mp(const std::string& field_value) const;
  Vector<Mp> w_mp() const;
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
MpReference cached_reference_mp(const Dataset<double>& data, double lambda,
                                unsigned digits = kDefaultDigits);

// The reference as JSON: numbers as decimal strings carrying the full precision.
nlohmann::json to_json(const MpReference& r);

// The reference used for gaps everywhere (run, sweep, bench, verify): the cached 100-digit one.
Reference certified_reference(const Dataset<double>& data, double lambda);

}  // namespace largestep
