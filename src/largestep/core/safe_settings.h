// The settings of the solver `safe` (safe.h): large-stepsize GD driven by no oracle. The defaults
// were chosen on the training suite safe-train (largestep tune-safe) and are judged on cells they
// were not tuned on (the arena's verdict A5); README, "The safe solver", gives the measurements.
#pragma once

#include <string>
#include <string_view>

namespace largestep {

struct SafeSettings {
  double warmup = 1.5;    // eta_{t+1} = warmup * eta_t until the cap (from the run's eta, 1/L_s)
  double cap = 0.9;       // in (0, 1): eta <= cap * 2 / lambda_max(hess f(w_t)) as estimated
  int every = 10;         // K: steps between two estimates of lambda_max(hess f(w_t))
  int lanczos_steps = 3;  // Hessian-vector products per estimate (plain Lanczos)
  int patience = 20;      // W: steps without a new best f before a rollback

  // Throws std::invalid_argument naming the setting, its value and the constraint.
  void validate() const;
  // "warmup=1.5,cap=0.9,every=10,lanczos=3,patience=20": what parse_safe_settings reads.
  std::string str() const;
};

// Parses "key=value[,key=value...]" over the defaults (keys: warmup, cap, every, lanczos,
// patience); throws std::invalid_argument naming an unknown key or a bad value.
SafeSettings parse_safe_settings(std::string_view text);

}  // namespace largestep
