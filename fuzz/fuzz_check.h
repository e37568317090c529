// What the fuzz targets hold a reader or the spec parser to: bad input ends in a DataError, any
// other outcome is a dataset with the documented invariants. A violation aborts, so that libFuzzer
// records the input as a crash.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "largestep/kernel/dataset.h"

namespace largestep::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "FUZZ BUG: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// What the largest row norm must be.
enum class RowNorms {
  any,          // scale=none: whatever the file holds
  at_most_one,  // generated data: Assumption 1 of the paper
  one,          // scale=max: exactly 1 (to rounding) unless every entry is 0
};

// The largest row norm in long double, whose exponent range makes the sum of squares of any
// doubles exact enough: an oracle independent of Dataset::max_row_norm.
inline long double reference_max_row_norm(const Dataset<double>& data) {
  long double largest = 0;
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    long double sum = 0;
    for (std::ptrdiff_t j = 0; j < data.d(); ++j) {
      const long double x = data.X(i, j);
      sum += x * x;
    }
    largest = std::fmax(largest, std::sqrt(sum));
  }
  return largest;
}

inline std::string show(long double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17Lg", x);
  return buf;
}

inline void check_dataset(const Dataset<double>& data, RowNorms norms) {
  constexpr long double kTolerance = 1e-12;
  if (data.n() < 1 || data.d() < 1) {
    fail("empty dataset", "n = " + std::to_string(data.n()) + ", d = " + std::to_string(data.d()));
  }
  if (data.y.size() != data.n()) fail("label count", std::to_string(data.y.size()));
  for (std::ptrdiff_t i = 0; i < data.n(); ++i) {
    if (data.y(i) != 1.0 && data.y(i) != -1.0) fail("label not -1 or +1", show(data.y(i)));
  }
  if (!data.X.allFinite()) fail("non-finite entry", "X");
  const long double largest = reference_max_row_norm(data);
  const bool too_large = norms != RowNorms::any && largest > 1 + kTolerance;
  const bool not_one = norms == RowNorms::one && largest != 0 && largest < 1 - kTolerance;
  if (too_large || not_one) fail("largest row norm", show(largest));
}

// A DataError message is not empty. A reader's begins with the file's name and is one line (the
// CLI prints it as its one error line); a spec's may quote the spec, which can hold anything.
inline void check_error(const DataError& e, const std::optional<std::string>& file) {
  const std::string_view message = e.what();
  if (message.empty()) fail("empty DataError message", "");
  if (!file) return;
  if (message.rfind(*file + ":", 0) != 0) fail("DataError without the file name", message);
  if (message.find('\n') != std::string_view::npos) fail("DataError of several lines", message);
}

// Runs `make`, which returns a Dataset or throws; a DataError is the expected outcome for bad
// input (then the result is empty), any other exception a bug.
template <class Make>
std::optional<Dataset<double>> check_outcome(Make&& make, RowNorms norms,
                                             const std::optional<std::string>& file) {
  Dataset<double> data;
  try {
    data = make();
  } catch (const DataError& e) {
    check_error(e, file);
    return std::nullopt;
  } catch (const std::exception& e) {
    fail("exception other than DataError", e.what());
  }
  check_dataset(data, norms);
  return data;
}

// Scaling keeps the geometry: the scaled X is the raw X divided by its largest row norm (an
// all-zero X stays as it is), and it changes neither the labels nor whether the input is read.
inline void check_scaling(const std::optional<Dataset<double>>& scaled,
                          const std::optional<Dataset<double>>& raw) {
  constexpr long double kTolerance = 1e-12;
  if (scaled.has_value() != raw.has_value()) fail("scaling changed whether the input is read", "");
  if (!scaled) return;
  if (scaled->X.rows() != raw->X.rows() || scaled->X.cols() != raw->X.cols() ||
      scaled->y != raw->y) {
    fail("scaling changed the shape or the labels", "");
  }
  const long double norm = reference_max_row_norm(*raw);
  for (std::ptrdiff_t i = 0; i < raw->n(); ++i) {
    for (std::ptrdiff_t j = 0; j < raw->d(); ++j) {
      const long double expected = norm == 0 ? 0 : raw->X(i, j) / norm;
      if (std::fabs(scaled->X(i, j) - expected) > kTolerance) {
        fail("scaled entry", "X(" + std::to_string(i) + ", " + std::to_string(j) +
                                 ") = " + show(scaled->X(i, j)) +
                                 ", raw / largest norm = " + show(expected));
      }
    }
  }
}

// Checks a reader: `read(scale_rows)` reads the same input with rows scaled or not. The input is
// read as the options say (`scale_rows`) and, when they scale, once more unscaled to compare.
template <class Read>
void check_reader(const std::string& file, bool scale_rows, Read&& read) {
  const std::optional<Dataset<double>> data = check_outcome(
      [&] { return read(scale_rows); }, scale_rows ? RowNorms::one : RowNorms::any, file);
  if (!scale_rows) return;
  check_scaling(data, check_outcome([&] { return read(false); }, RowNorms::any, file));
}

}  // namespace largestep::fuzz
