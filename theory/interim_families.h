// Interim: the exact, local and population families through their old in-memory checks.
#pragma once
#include <nlohmann/json.hpp>
#include "check_context.h"
#include "verdict.h"
namespace largestep::theory {
nlohmann::json measure_exact(const CheckContext& ctx);
std::vector<Verdict> judge_exact(const nlohmann::json& measured);
nlohmann::json measure_local(const CheckContext& ctx);
std::vector<Verdict> judge_local(const nlohmann::json& measured);
nlohmann::json measure_population(const CheckContext& ctx);
std::vector<Verdict> judge_population(const nlohmann::json& measured);
}  // namespace largestep::theory
