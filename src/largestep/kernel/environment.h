// Where a result came from: recorded in every result file so results can be compared honestly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace largestep {

struct Environment {
  std::string commit;    // git commit of the source tree ("unknown" outside a checkout), "+dirty"
  std::string compiler;  // e.g. "g++ 12.2.0"
  std::string flavour;   // build flavour: scalar, baseline, avx2, native, ...+openmp
  std::string cpu;       // /proc/cpuinfo model name
  int hardware_threads = 0;
};

// Computed once per process.
const Environment& current_environment();

nlohmann::json to_json(const Environment& e);

}  // namespace largestep
