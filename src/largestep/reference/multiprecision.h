// The multiprecision scalar: MPFR-backed, precision chosen at run time, expression templates off
// (so `auto` and Eigen's own temporaries hold numbers, not expressions).
#pragma once

#include <Eigen/Core>
#include <boost/multiprecision/mpfr.hpp>
#include <limits>

namespace largestep {

using Mp = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>,
                                         boost::multiprecision::et_off>;

// Sets the working precision (decimal digits) of Mp numbers created afterwards (a process-wide
// setting in Boost 1.74: do not use Mp from several threads at once),
// and restores the previous precision when it goes out of scope.
class MpDigits {
 public:
  explicit MpDigits(unsigned digits) : previous_(Mp::default_precision()) {
    Mp::default_precision(digits);
  }
  ~MpDigits() { Mp::default_precision(previous_); }
  MpDigits(const MpDigits&) = delete;
  MpDigits& operator=(const MpDigits&) = delete;

 private:
  unsigned previous_;
};

}  // namespace largestep

// Eigen's traits for Mp, written here rather than taken from <boost/multiprecision/eigen.hpp>:
// Boost 1.74's version lacks infinity()/quiet_NaN(), which Eigen 3.4 needs, and its lowest()
// returns the smallest positive number.
namespace Eigen {
template <>
struct NumTraits<largestep::Mp> : GenericNumTraits<largestep::Mp> {
  using Real = largestep::Mp;
  using NonInteger = largestep::Mp;
  using Nested = largestep::Mp;
  using Literal = largestep::Mp;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 4,
    MulCost = 8,
  };
  static Real epsilon() { return std::numeric_limits<Real>::epsilon(); }
  static Real dummy_precision() { return 1000 * epsilon(); }
  static Real highest() { return (std::numeric_limits<Real>::max)(); }
  static Real lowest() { return std::numeric_limits<Real>::lowest(); }
  static Real infinity() { return std::numeric_limits<Real>::infinity(); }
  static Real quiet_NaN() { return std::numeric_limits<Real>::quiet_NaN(); }
  static int digits10() { return static_cast<int>(Real::default_precision()); }
};
}  // namespace Eigen
