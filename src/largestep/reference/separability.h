// Linear separability through the origin, with a certified margin, or a proof that there is none.
#pragma once

#include <functional>
#include <limits>
#include <string>

#include "largestep/kernel/dataset.h"

namespace largestep {

enum class SeparabilityVerdict {
  separable,      // a direction with a positive margin, certified against rounding
  not_separable,  // proved exactly: 0 is a convex combination of the y_i x_i (Gordan)
  undetermined,   // neither at the precision tried (or before the iteration limit)
};

// "yes", "no", "undetermined".
std::string to_string(SeparabilityVerdict verdict);

struct Separability {
  SeparabilityVerdict verdict = SeparabilityVerdict::undetermined;
  // True when `direction` separates the data: every y_i <x_i, u> > 0 (verdict separable).
  bool separable = false;
  // min_i y_i <x_i, u> for the unit vector u below: a certified lower bound on the largest
  // margin, and a valid gamma for Assumption 1 when positive (given ||x_i|| <= 1). A positive
  // margin too small to be told from rounding is reported as 0.
  double margin = 0;
  // ||p|| for the point p of the convex hull of {y_i x_i} reached: for every unit u,
  // min_i y_i <x_i, u> <= <p, u> <= ||p||, so no direction does better. A tiny bound does not by
  // itself prove non-separability: the verdict says whether it was proved.
  double margin_upper_bound = 0;
  Vector<double> direction;  // the unit vector u
  long iterations = 0;
  // The iteration met its tolerance; when false the margin is still certified, but may be below
  // the best possible one by more than the tolerance.
  bool converged = false;
  // The precision (decimal digits) in which the verdict was reached: 15 in double; more when a
  // margin too small for double was resolved in MPFR arithmetic.
  int digits = 15;
  std::string method;  // how the certificate was found, for reports
  // What cut the iteration short when it did not converge: the time budget or the iteration cap
  // (SeparabilityOptions). Either way the margin is certified; it may only be loose.
  bool time_budget_hit = false;
  bool iteration_cap_hit = false;
  double seconds = 0;  // spent computing it
};

// Where Frank-Wolfe stands, for a progress display: the margin of its current direction as
// computed (not yet certified) and the upper bound ||p||.
struct SeparabilityProgress {
  long iterations = 0, max_iterations = 0;
  double seconds = 0, max_seconds = 0;
  double margin_estimate = 0, upper_bound = 0;
};

struct SeparabilityOptions {
  long max_iterations = 20000;
  double relative_tolerance = 1e-6;  // stop when margin >= (1 - tol) * upper bound
  // Data with n * d at most this, whose margin is too small for double (neither certified nor
  // proved absent), is solved again in MPFR at 40, 80, ... up to max_digits decimal digits.
  long max_entries_for_multiprecision = 20000;
  int max_digits = 640;
  // Wall-clock budget of the iterations: past it, the certificate of where they stand.
  double max_seconds = std::numeric_limits<double>::infinity();
  // A direction believed close to the max-margin one (a candidate's): Frank-Wolfe starts from the
  // minimum-norm point of the rows with the smallest margins under it instead of from one row.
  // Empty: from the shortest row, as always.
  Vector<double> start_direction;
  // Called after each iteration (cheap: one call per O(n d) iteration).
  std::function<void(const SeparabilityProgress&)> progress;
};

// CSR data is certified as a dense copy, up to this many entries (n * d): 512 MB of doubles.
inline constexpr double kMaxSparseCertificateEntries = 67108864;  // 2^26

// Finds the hard-margin (maximum-margin) direction through the origin as the minimum-norm point
// of the convex hull of {y_i x_i} (Gordan / SVM duality), by Frank-Wolfe with away steps. The
// margin it reports is measured on the data for the direction found and certified against the
// rounding of that measurement, so it is valid however early the iteration stops; the upper bound
// brackets the best possible margin. When the minimum-norm point is 0 to rounding, an exact proof
// (rational arithmetic on at most d + 1 of the points) is attempted; when that fails, small data
// are solved again in MPFR arithmetic (margins such as hard:gamma=1e-16 and oned:x=1e-300).
// A shard (Dataset::is_shard) is certified together with the processes holding the other rows
// (data_parallel_reducer; shared_rows.h): the certificate of the whole dataset in one process,
// bit for bit, on every process. Processes sharing rows (a shard or not) stop at the time budget
// when the first of them finds it spent, at the same iteration.
Separability check_separability(const Dataset<double>& data, const SeparabilityOptions& options = {});

// min_i y_i <x_i, u> for u = direction / ||direction||, when every y_i <x_i, u> exceeds its
// rounding error as check_separability certifies its own direction: a certified lower bound on
// the largest margin. 0 when the direction does not separate the data to rounding (or is 0). On
// a shard, over every process's rows, as check_separability.
double certified_margin(const Dataset<double>& data, const Vector<double>& direction);

}  // namespace largestep
