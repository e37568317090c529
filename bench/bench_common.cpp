#include "bench_common.h"

#include <benchmark/benchmark.h>

#include <cstring>

#include "largestep/kernel/environment.h"

namespace largestep::bench {

std::optional<std::string> take_flag(int& argc, char** argv, std::string_view name) {
  const std::string prefix = "--" + std::string(name) + "=";
  std::optional<std::string> value;
  int out = 1;
  for (int in = 1; in < argc; ++in) {
    if (std::strncmp(argv[in], prefix.c_str(), prefix.size()) == 0) {
      value = std::string(argv[in] + prefix.size());  // the last occurrence wins
    } else {
      argv[out++] = argv[in];
    }
  }
  argc = out;
  argv[argc] = nullptr;
  return value;
}

void add_environment_context(std::string_view suite) {
  const Environment& env = current_environment();
  benchmark::AddCustomContext("largestep_suite", std::string(suite));
  benchmark::AddCustomContext("flavour", env.flavour);
  benchmark::AddCustomContext("compiler", env.compiler);
  benchmark::AddCustomContext("cpu", env.cpu);
  benchmark::AddCustomContext("commit", env.commit);
  benchmark::AddCustomContext("hardware_threads", std::to_string(env.hardware_threads));
}

}  // namespace largestep::bench
