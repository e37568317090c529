// bench_counts: a fixed amount of work per benchmark, for counting instructions under callgrind
// (bench/counts.py runs it; scripts/bench_gate.sh counts gates on it). Google Benchmark's
// iteration count adapts to time, and its benchmark list to the detected cache sizes, both of
// which change under valgrind; here every benchmark is the same work on every run:
//   kernel/<fused|two_pass>/<double|float>/n=N/d=D   --calls evaluations of f and grad f (the
//       kernels bench_kernels times, dense) on seeded data of fixed size: n = 64 (one panel run)
//       and n = 2048 (four 512-row blocks, the blocked reduction);
//   solver/<registry experiment>/double              each experiment of the registry's quick
//       suite (CI's) run to a fixed horizon of --steps steps, never stopping when settled.
// Only the work is counted: setup (seeded data, problems with their certified references) runs with
// callgrind's instrumentation off, and each benchmark is bracketed by client requests
// (valgrind/callgrind.h): START_INSTRUMENTATION, ZERO_STATS, the work, STOP_INSTRUMENTATION,
// DUMP_STATS_AT(name), so that each dump holds exactly one benchmark's Ir. Run it with
// `valgrind --tool=callgrind --instr-atstart=no`; outside valgrind the requests are no-ops.
//
//   bench_counts [--list] [--filter=SUBSTRING[,SUBSTRING...]] [--only=NAME] [--calls=N] [--steps=N]
//
// bench/counts.py runs each benchmark in its own process (--only): a benchmark's count then does
// not depend on which others ran before it (heap addresses move counts a little: glibc's memset
// takes alignment-dependent paths).
//
// Prints a JSON manifest on stdout: the environment (flavour, compiler, cpu, commit), the work
// parameters and the benchmark names in run order. Exit 2 on bad flags.
#include <fmt/format.h>
#include <valgrind/callgrind.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_data.h"
#include "largestep/core/experiment.h"
#include "largestep/core/registry.h"
#include "largestep/data/text.h"
#include "largestep/kernel/environment.h"
#include "largestep/kernel/objective.h"
#include "two_pass.h"

namespace largestep::bench {
namespace {

constexpr std::uint64_t kSeed = 42;
constexpr double kLambda = 1e-4;
constexpr std::int64_t kDefaultCalls = 20;
constexpr std::int64_t kDefaultSteps = 2000;

struct Options {
  bool list = false;
  std::string filter;
  std::string only;  // exact name
  std::int64_t calls = kDefaultCalls;
  std::int64_t steps = kDefaultSteps;
};

std::int64_t parse_count(std::string_view flag, const char* text) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < 1 || value > 100'000'000)
    throw std::invalid_argument(
        fmt::format("--{}: expected an integer in [1, 1e8], got '{}'", flag, text));
  return value;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string_view arg = argv[k];
    const auto value = [&](std::string_view name) -> const char* {
      const std::string prefix = fmt::format("--{}=", name);
      return arg.starts_with(prefix) ? argv[k] + prefix.size() : nullptr;
    };
    if (arg == "--list") {
      o.list = true;
    } else if (const char* v = value("filter")) {
      o.filter = v;
    } else if (const char* v = value("only")) {
      o.only = v;
    } else if (const char* v = value("calls")) {
      o.calls = parse_count("calls", v);
    } else if (const char* v = value("steps")) {
      o.steps = parse_count("steps", v);
    } else {
      throw std::invalid_argument(fmt::format(
          "unknown argument '{}' (usage: bench_counts [--list] [--filter=SUBSTRING] [--only=NAME] "
          "[--calls=N] [--steps=N])",
          arg));
    }
  }
  return o;
}

// --filter=A,B,...: the names containing any of the substrings (all names for an empty filter).
bool matches(const std::string& name, const std::string& filter) {
  if (filter.empty()) return true;
  for (const std::string& part : split_commas(filter))
    if (!part.empty() && name.find(part) != std::string::npos) return true;
  return false;
}

// A benchmark: setup (uncounted) returns the work (counted).
struct Benchmark {
  std::string name;
  std::function<std::function<void()>()> setup;
};

// Keeps a result alive for the optimizer without a store it could drop.
template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

template <class Scalar>
std::function<void()> kernel_work(bool fused, std::int64_t n, std::int64_t d, std::int64_t calls) {
  struct State {
    Dataset<Scalar> data;
    Vector<Scalar> w, grad, scratch;
  };
  auto s = std::make_shared<State>(State{make_dense_data<Scalar>(n, d, kSeed),
                                         make_dense_point<Scalar>(d, kSeed),
                                         Vector<Scalar>::Zero(d), Vector<Scalar>::Zero(n)});
  return [s, fused, calls] {
    const LogisticObjective<Scalar> f(s->data, Scalar(kLambda));
    for (std::int64_t k = 0; k < calls; ++k) {
      const Scalar value =
          fused ? f.value_and_gradient(s->w, s->grad)
                : two_pass_value_and_gradient(s->data, Scalar(kLambda), s->w, s->scratch, s->grad);
      keep(value);
      keep(s->grad);
    }
  };
}

std::vector<Benchmark> all_benchmarks(const Options& o) {
  std::vector<Benchmark> out;
  for (const std::int64_t d : {64, 256}) {
    for (const std::int64_t n : {64, 2048}) {
      for (const bool fused : {true, false}) {
        const char* kernel = fused ? "fused" : "two_pass";
        out.push_back({fmt::format("kernel/{}/double/n={}/d={}", kernel, n, d),
                       [=] { return kernel_work<double>(fused, n, d, o.calls); }});
        out.push_back({fmt::format("kernel/{}/float/n={}/d={}", kernel, n, d),
                       [=] { return kernel_work<float>(fused, n, d, o.calls); }});
      }
    }
  }
  static ProblemCache problems;
  for (const Experiment& e : find_suite("quick").experiments) {
    out.push_back({fmt::format("solver/quick/{}/double", e.name), [&e, steps = o.steps] {
                     RunSpec spec = e.spec;
                     spec.precision = Precision::dual;
                     spec.options.max_steps = steps;
                     spec.options.stop_when_settled = false;  // the same steps on every run
                     const Problem* problem = &problems.get(e.dataset, e.lambda);
                     return std::function<void()>([problem, spec] {
                       const RunOutcome outcome = run(*problem, spec);
                       keep(outcome.result.final_value);
                     });
                   }});
  }
  return out;
}

}  // namespace
}  // namespace largestep::bench

int main(int argc, char** argv) {
  using namespace largestep;
  using namespace largestep::bench;
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "bench_counts: {}\n", error.what());
    return 2;
  }
  std::vector<Benchmark> selected;
  for (Benchmark& b : all_benchmarks(options))
    if (matches(b.name, options.filter) && (options.only.empty() || b.name == options.only))
      selected.push_back(std::move(b));
  if (selected.empty()) {
    fmt::print(stderr, "bench_counts: no benchmark matches --filter='{}' --only='{}'\n",
               options.filter, options.only);
    return 2;
  }

  // Heap addresses move counts a little (glibc's memset and memcpy take alignment-dependent
  // paths): nothing whose size varies between runs (the commit string, "+dirty" or not) is
  // allocated before the last benchmark. The environment is read at the end.
  std::vector<std::string> names;
  for (const Benchmark& b : selected) {
    names.push_back(b.name);
    if (options.list) continue;
    const std::function<void()> work = b.setup();
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
    work();
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(b.name.c_str());
  }
  nlohmann::json manifest = to_json(current_environment());
  manifest["calls"] = options.calls;
  manifest["steps"] = options.steps;
  manifest["filter"] = options.filter;
  manifest["benchmarks"] = names;
  fmt::print("{}\n", manifest.dump(2));
  return 0;
}
