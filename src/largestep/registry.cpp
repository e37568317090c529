#include "largestep/registry.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace largestep {
namespace {

// The rules every sweep compares (S1, S2, S3, half of eta_loc, the best on the grid) and
// Nesterov (S8).
struct Method {
  std::string_view rule, solver;
};
constexpr Method kMethods[] = {
    {"classical", "gd"}, {"s2", "gd"},   {"s3", "gd"},
    {"loc", "gd"},       {"best", "gd"}, {"classical", "nesterov"},
};

void add_sweep(Suite& suite, std::string_view label, std::string_view dataset,
               const std::vector<double>& lambdas, std::int64_t horizon) {
  for (const double lambda : lambdas) {
    for (const Method& m : kMethods) {
      const std::string method = m.solver == "gd" ? std::string(m.rule) : std::string(m.solver);
      suite.experiments.push_back({fmt::format("{}/lambda={:.3g}/{}", label, lambda, method),
                                   std::string(dataset), lambda, std::string(m.rule),
                                   std::string(m.solver), 1e-8, horizon});
    }
  }
}

std::vector<Suite> build_suites() {
  Suite quick{"quick", "hard dataset (gamma = 0.1), lambda = 1e-2 .. 1e-4; seconds", {}};
  add_sweep(quick, "hard0.1", "hard:gamma=0.1", log_spaced_lambdas(2, 4, 1), 2'000'000);

  Suite paper{"paper",
              "hard dataset (gamma = 0.1) and planted (n = 200, d = 10, gamma = 0.05), "
              "9 lambdas from 1e-2 to 1e-6; minutes",
              {}};
  const std::vector<double> lambdas = log_spaced_lambdas(2, 6, 2);
  add_sweep(paper, "hard0.1", "hard:gamma=0.1", lambdas, 20'000'000);
  add_sweep(paper, "planted", "planted:d=10,gamma=0.05,n=200,seed=1", lambdas, 20'000'000);
  return {quick, paper};
}

}  // namespace

std::vector<double> log_spaced_lambdas(double from_exponent, double to_exponent, int per_decade) {
  if (per_decade < 1 || !(to_exponent >= from_exponent))
    throw std::invalid_argument("log_spaced_lambdas: need per_decade >= 1 and to >= from");
  std::vector<double> out;
  const int count = static_cast<int>(std::lround((to_exponent - from_exponent) * per_decade));
  for (int k = 0; k <= count; ++k)
    out.push_back(std::pow(10.0, -(from_exponent + static_cast<double>(k) / per_decade)));
  return out;
}

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all = build_suites();
  return all;
}

const Suite& find_suite(std::string_view name) {
  std::string known;
  for (const Suite& s : suites()) {
    if (s.name == name) return s;
    known += known.empty() ? s.name : ", " + s.name;
  }
  throw std::invalid_argument(fmt::format("unknown suite '{}' (known: {})", name, known));
}

}  // namespace largestep
