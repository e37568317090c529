// The paper's statements as functions, one per statement, named after its tag in paper.md.
// Sources: Wu, Marion, Bartlett, "Large Stepsizes Accelerate Gradient Descent for Regularized
// Logistic Regression" (NeurIPS 2025) and Wu, Bartlett, Telgarsky, Yu (COLT 2024). Assumption 1
// throughout: ||x_i|| <= 1 and margin gamma > 0 for some unit w*.
#pragma once

namespace largestep::theory {

// E3 [exact]: ||w_lambda||^2 <= 2 + ln^2(1/lambda) / gamma^2, for 0 < lambda < 1.
double e3_w_norm_squared_bound(double lambda, double gamma);

// E3 [exact]: L(w_lambda) <= lambda (1 + ln^2(1/lambda) / (2 gamma^2)), for 0 < lambda < 1.
double e3_loss_bound(double lambda, double gamma);

// E4 [exact]: lambda_max(hess L(w_lambda)) <= G(w_lambda) <= lambda ||w_lambda|| / gamma.
double e4_sharpness_bound(double lambda, double w_norm, double gamma);

// E5 [exact]: eta_loc = 2 / lambda_max(hess f(w_lambda)) >= 2 / (lambda (1 + ||w_lambda|| / gamma)).
double e5_eta_loc_lower_bound(double lambda, double w_norm, double gamma);

// E5 [exact]: near w_lambda the deviation along eigenvector v_j is multiplied by 1 - eta h_j per
// step; the gap's asymptotic ratio per step is rho^2, rho = max_j |1 - eta h_j|.
double e5_deviation_factor(double eta, double h);

// E6 [exact]: for eta <= 1/L_s, f(w_t) - f* <= (1 - eta lambda)^t (f(w_0) - f*).
double e6_gap_bound(double eta, double lambda, double t, double initial_gap);

// E7 [exact, lambda = 0, w_0 = 0, any eta > 0, gamma^2 eta t >= 1]:
// (1/t) sum_{k<t} L(w_k) <= (1 + ln^2(gamma^2 eta t) + eta^2 / 4) / (gamma^2 eta t).
double e7_average_loss_bound(double gamma, double eta, double t);

// E7 [exact]: ||w_t|| <= (sqrt(2) + 2 ln(gamma^2 eta t) + eta) / gamma, for gamma^2 eta t >= 1.
double e7_norm_bound(double gamma, double eta, double t);

// E7 [exact]: some s <= tau has L(w_s) <= 1/eta,
// tau = (60 / gamma^2) max{eta, n, e, ((eta + n)/eta) ln((eta + n)/eta)}.
double e7_phase_transition_time(double gamma, double eta, double n);

// E7 [exact]: with T >= 120 max{e, n} / gamma^2 and eta = gamma^2 T / 120,
// L(w_T) <= 480 ln^2(gamma^4 T^2) / (gamma^4 T^2).
double e7_final_loss_bound(double gamma, double horizon);
double e7_acceleration_stepsize(double gamma, double horizon);  // eta = gamma^2 T / 120
double e7_minimum_horizon(double gamma, double n);              // 120 max{e, n} / gamma^2

// S2 [scaling]: eta = gamma / sqrt(C1 lambda) (Theorem 1 / Corollary 2).
double s2_stepsize(double gamma, double lambda, double c1 = 1);
// S2 [scaling]: predicted steps O(ln(1/eps) / (gamma sqrt(lambda))) up to a constant.
double s2_step_scale(double gamma, double lambda, double eps);

// S3 [scaling]: eta = (gamma^2 / (C1 lambda))^(1/3) (Theorem 4 / Corollary 5).
double s3_stepsize(double gamma, double lambda, double c1 = 1);
// S3 [scaling]: predicted steps O(ln(1/eps) / (gamma lambda)^(2/3)).
double s3_step_scale(double gamma, double lambda, double eps);

// S1 [scaling]: classical GD needs Theta(kappa ln(1/eps)) steps.
double s1_step_scale(double kappa, double eps);

// S4 [scaling]: the EoS phase lasts O(max{eta, n, n ln n / eta} / gamma^2) steps.
double s4_phase_scale(double eta, double n, double gamma);

// S5 [scaling]: any monotone GD run on the hard dataset needs
// Omega(ln(1/eps) / (lambda ln^2(1/lambda))) steps.
double s5_monotone_step_scale(double lambda, double eps);

// S6 [scaling]: R(lambda) = eta_loc * lambda * ln(1/lambda) stays bounded as lambda -> 0.
double s6_ratio(double eta_loc, double lambda);

// S8 [scaling]: Nesterov needs O(sqrt(kappa) ln(1/eps)) steps.
double s8_step_scale(double kappa, double eps);

// S9 [scaling], m = min{eta t, 1/lambda}: the EoS-phase scales
// (1/t) sum_{k<t} L(w_k) = O((eta^2 + ln^2(e + gamma^2 m)) / (gamma^2 m)) and
// ||w_t|| = O((eta + ln(e + gamma^2 m)) / gamma).
double s9_average_loss_scale(double gamma, double eta, double lambda, double t);
double s9_norm_scale(double gamma, double eta, double lambda, double t);

// S10 [scaling]: the population-risk target a run's steps are counted to, with n samples and
// lambda = 1/n: risk(w_t) <= (1 + c) risk(w_lambda) + C / n, which is O~(1/n) when risk(w_lambda)
// is (the claim's "reaches population risk O~(1/n)").
double s10_risk_target(double risk_at_w_lambda, double n, double c, double big_c);

}  // namespace largestep::theory
