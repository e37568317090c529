// The logistic loss l(z) = ln(1 + e^-z), its derivatives, and the sigmoid s(z) = 1/(1 + e^-z),
// evaluated without overflow for any finite z (margins reach ~eta in large-stepsize runs).
#pragma once

#include <cmath>

namespace largestep {

// s(z) = 1 / (1 + e^-z). Branching on the sign keeps exp's argument <= 0, so it cannot overflow.
template <class Scalar>
Scalar sigmoid(const Scalar& z) {
  using std::exp;
  if (z >= Scalar(0)) return Scalar(1) / (Scalar(1) + exp(-z));
  const Scalar e = exp(z);
  return e / (Scalar(1) + e);
}

// l(z) = ln(1 + e^-z) = -z + ln(1 + e^z): the second form for z < 0 keeps exp's argument <= 0.
template <class Scalar>
Scalar logistic_loss(const Scalar& z) {
  using std::exp;
  using std::log1p;
  if (z >= Scalar(0)) return log1p(exp(-z));
  return -z + log1p(exp(z));
}

// l'(z) = -s(-z), in (-1, 0).
template <class Scalar>
Scalar logistic_derivative(const Scalar& z) {
  return -sigmoid(Scalar(-z));
}

// l''(z) = s(z) s(-z), in (0, 1/4].
template <class Scalar>
Scalar logistic_curvature(const Scalar& z) {
  return sigmoid(z) * sigmoid(Scalar(-z));
}

}  // namespace largestep
