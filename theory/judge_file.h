// Judging a measurement file: every problem with it is reported naming the file.
#pragma once

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "largestep/core/result_io.h"

namespace largestep::theory {

// judge(read_json_file(path)), with a missing field, a wrong type or a bad value reported as
// std::invalid_argument("PATH: what is wrong").
template <class Judge>
auto judge_file(const std::string& path, Judge judge) {
  const nlohmann::json measured = read_json_file(path);  // names the file itself
  try {
    return judge(measured);
  } catch (const std::exception& e) {  // json's key and type errors, the judges' own checks
    throw std::invalid_argument(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace largestep::theory
