// The suite runner for fuzz_results, which never runs a suite: clang 14 cannot compile
// src/largestep/core/suite_runner.cpp (a lambda capturing structured bindings, C++20 that clang
// supports from version 16), and `verify --results` does not call it.
#include <cstdio>
#include <cstdlib>

#include "largestep/core/suite_runner.h"

namespace largestep {

std::vector<double> eos_stepsizes(const Problem&) {
  std::fputs("fuzz_results: eos_stepsizes is not part of verify --results\n", stderr);
  std::abort();
}

std::vector<SuiteRun> run_suite(const Suite&, ProblemCache&, const RunProgress&) {
  std::fputs("fuzz_results: run_suite is not part of verify --results\n", stderr);
  std::abort();
}

void write_suite_runs(const std::string&, const Suite&, const std::vector<SuiteRun>&) {
  std::fputs("fuzz_results: write_suite_runs is not part of verify --results\n", stderr);
  std::abort();
}

}  // namespace largestep
