// The options of the MPI benchmarks: "--name value" pairs read in order, each value checked.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "largestep/data/text.h"

namespace largestep::bench {

class Options {
 public:
  Options(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // The next option's name, or false after the last.
  bool next() {
    if (++k_ >= argc_) return false;
    name_ = argv_[k_];
    return true;
  }
  const std::string& name() const { return name_; }

  std::string value() {
    if (k_ + 1 >= argc_) throw std::invalid_argument(name_ + " needs a value");
    return argv_[++k_];
  }

  std::int64_t integer(std::int64_t min, std::int64_t max) {
    const std::string text = value();
    const ParsedInteger parsed = parse_integer(text);
    if (!parsed || parsed.value < min || parsed.value > max)
      throw std::invalid_argument(
          fmt::format("{} {}: must be an integer in [{}, {}]", name_, text, min, max));
    return parsed.value;
  }

  [[noreturn]] void unknown() const {
    throw std::invalid_argument("unknown option " + name_ + " (see --help)");
  }

 private:
  int argc_;
  char** argv_;
  int k_ = 0;
  std::string name_;
};

}  // namespace largestep::bench
