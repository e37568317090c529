// A double-double number hi + lo (|lo| <= ulp(hi) / 2): about 106 significant bits, built from
// error-free transformations of double arithmetic. The scaled reference keeps w, the margins and
// the gradient in it, so that f and grad f are evaluated far below double's rounding floor at
// O(nd) cost (Dekker 1971; Hida, Li and Bailey's QD library; Ogita, Rump and Oishi 2005).
#pragma once

#include <cmath>

namespace largestep {

struct DoubleDouble {
  double hi = 0, lo = 0;

  DoubleDouble() = default;
  DoubleDouble(double h) : hi(h) {}  // NOLINT: a double is a double-double exactly
  DoubleDouble(double h, double l) : hi(h), lo(l) {}
  double to_double() const { return hi + lo; }
};

// s + e = a + b exactly, s = fl(a + b) (Knuth's TwoSum: no condition on |a|, |b|).
inline DoubleDouble two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

// s + e = a + b exactly when |a| >= |b| (or a = 0).
inline DoubleDouble quick_two_sum(double a, double b) {
  const double s = a + b;
  return {s, b - (s - a)};
}

// p + e = a * b exactly (barring underflow of e and overflow). With hardware FMA one fused
// multiply-add; without it (the baseline x86-64 build, where std::fma is a slow software call)
// Dekker's product of the halves after Veltkamp's split, exact for |a|, |b| < 2^996.
inline DoubleDouble two_prod(double a, double b) {
  const double p = a * b;
#if defined(__FMA__)
  return {p, std::fma(a, b, -p)};
#else
  constexpr double kSplit = 134217729.0;  // 2^27 + 1
  const double ta = kSplit * a, tb = kSplit * b;
  const double a_hi = ta - (ta - a), a_lo = a - a_hi;
  const double b_hi = tb - (tb - b), b_lo = b - b_hi;
  return {p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo};
#endif
}

// a + b with a relative error of a few u^2 (u = 2^-53), even under cancellation (QD's IEEE add).
inline DoubleDouble operator+(const DoubleDouble& a, const DoubleDouble& b) {
  DoubleDouble s = two_sum(a.hi, b.hi);
  const DoubleDouble t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = quick_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return quick_two_sum(s.hi, s.lo);
}

inline DoubleDouble operator-(const DoubleDouble& a) { return {-a.hi, -a.lo}; }
inline DoubleDouble operator-(const DoubleDouble& a, const DoubleDouble& b) { return a + (-b); }

// a + b for a double b: error <= 2 u^2 |a + b| (QD's dd + d).
inline DoubleDouble operator+(const DoubleDouble& a, double b) {
  DoubleDouble s = two_sum(a.hi, b);
  s.lo += a.lo;
  return quick_two_sum(s.hi, s.lo);
}

// a * b for a double b: error <= 3 u^2 |a b|.
inline DoubleDouble operator*(const DoubleDouble& a, double b) {
  DoubleDouble p = two_prod(a.hi, b);
  p.lo += a.lo * b;
  return quick_two_sum(p.hi, p.lo);
}

// a * b: error <= 5 u^2 |a b| (the lo * lo term is below u^2 |a b| and dropped).
inline DoubleDouble operator*(const DoubleDouble& a, const DoubleDouble& b) {
  DoubleDouble p = two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return quick_two_sum(p.hi, p.lo);
}

// a / b for a double b: one long-division step corrects the double quotient (error <= 4 u^2).
inline DoubleDouble operator/(const DoubleDouble& a, double b) {
  const double q1 = a.hi / b;
  const DoubleDouble r = a - two_prod(q1, b);
  const double q2 = (r.hi + r.lo) / b;
  return quick_two_sum(q1, q2);
}

}  // namespace largestep
