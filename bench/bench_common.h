// What both benchmark binaries share: their own command-line flags next to Google Benchmark's,
// and the environment record every result file carries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace largestep::bench {

// Removes --NAME=VALUE from argv (Google Benchmark rejects flags it does not know) and returns
// VALUE; nullopt when the flag is absent. Call after benchmark::Initialize.
std::optional<std::string> take_flag(int& argc, char** argv, std::string_view name);

// Adds flavour, compiler, cpu, commit and hardware_threads (largestep::current_environment) and
// the suite name to the JSON context, so results from different builds are never confused.
void add_environment_context(std::string_view suite);

}  // namespace largestep::bench
