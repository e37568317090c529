#include "bounds.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace largestep::theory {

using std::log;

double e3_w_norm_squared_bound(double lambda, double gamma) {
  const double l = log(1 / lambda);
  return 2 + l * l / (gamma * gamma);
}

double e3_loss_bound(double lambda, double gamma) {
  const double l = log(1 / lambda);
  return lambda * (1 + l * l / (2 * gamma * gamma));
}

double e4_sharpness_bound(double lambda, double w_norm, double gamma) { return lambda * w_norm / gamma; }

double e5_eta_loc_lower_bound(double lambda, double w_norm, double gamma) {
  return 2 / (lambda * (1 + w_norm / gamma));
}

double e5_deviation_factor(double eta, double h) { return 1 - eta * h; }

double e6_gap_bound(double eta, double lambda, double t, double initial_gap) {
  return std::pow(1 - eta * lambda, t) * initial_gap;
}

double e7_average_loss_bound(double gamma, double eta, double t) {
  const double s = gamma * gamma * eta * t;
  const double l = log(s);
  return (1 + l * l + eta * eta / 4) / s;
}

double e7_norm_bound(double gamma, double eta, double t) {
  return (std::numbers::sqrt2 + 2 * log(gamma * gamma * eta * t) + eta) / gamma;
}

double e7_phase_transition_time(double gamma, double eta, double n) {
  const double r = (eta + n) / eta;
  return 60 / (gamma * gamma) * std::max({eta, n, std::numbers::e, r * log(r)});
}

double e7_final_loss_bound(double gamma, double horizon) {
  const double s = gamma * gamma * gamma * gamma * horizon * horizon;
  const double l = log(s);
  return 480 * l * l / s;
}

double e7_acceleration_stepsize(double gamma, double horizon) { return gamma * gamma * horizon / 120; }

double e7_minimum_horizon(double gamma, double n) {
  return 120 * std::max(std::numbers::e, n) / (gamma * gamma);
}

double s2_stepsize(double gamma, double lambda, double c1) { return gamma / std::sqrt(c1 * lambda); }

double s2_step_scale(double gamma, double lambda, double eps) {
  return log(1 / eps) / (gamma * std::sqrt(lambda));
}

double s3_stepsize(double gamma, double lambda, double c1) {
  return std::cbrt(gamma * gamma / (c1 * lambda));
}

double s3_step_scale(double gamma, double lambda, double eps) {
  return log(1 / eps) / std::pow(gamma * lambda, 2.0 / 3.0);
}

double s1_step_scale(double kappa, double eps) { return kappa * log(1 / eps); }

double s4_phase_scale(double eta, double n, double gamma) {
  return std::max({eta, n, n * log(n) / eta}) / (gamma * gamma);
}

double s5_monotone_step_scale(double lambda, double eps) {
  const double l = log(1 / lambda);
  return log(1 / eps) / (lambda * l * l);
}

double s6_ratio(double eta_loc, double lambda) { return eta_loc * lambda * log(1 / lambda); }

double s8_step_scale(double kappa, double eps) { return std::sqrt(kappa) * log(1 / eps); }

namespace {
double s9_m(double eta, double lambda, double t) { return std::min(eta * t, 1 / lambda); }
}  // namespace

double s9_average_loss_scale(double gamma, double eta, double lambda, double t) {
  const double m = s9_m(eta, lambda, t);
  const double l = log(std::numbers::e + gamma * gamma * m);
  return (eta * eta + l * l) / (gamma * gamma * m);
}

double s9_norm_scale(double gamma, double eta, double lambda, double t) {
  const double m = s9_m(eta, lambda, t);
  return (eta + log(std::numbers::e + gamma * gamma * m)) / gamma;
}

double s10_risk_target(double risk_at_w_lambda, double n, double c, double big_c) {
  return (1 + c) * risk_at_w_lambda + big_c / n;
}

}  // namespace largestep::theory
