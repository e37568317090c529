#include "interim_families.h"
#include "claims_exact.h"
#include "claims_local.h"
#include "claims_population.h"
namespace largestep::theory {
namespace {
nlohmann::json pack(const std::vector<Verdict>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const Verdict& x : v) a.push_back(to_json(x));
  return a;
}
std::vector<Verdict> unpack(const nlohmann::json& a) {
  std::vector<Verdict> out;
  for (const nlohmann::json& j : a) {
    Verdict v;
    v.claim = j.at("claim");
    v.dataset = j.at("dataset");
    v.measured = j.at("measured");
    v.predicted = j.at("predicted");
    const std::string o = j.at("verdict");
    v.outcome = o == "pass" ? Outcome::pass : o == "fail" ? Outcome::fail : Outcome::inconclusive;
    v.reason = j.at("reason");
    v.details = j.at("details");
    out.push_back(v);
  }
  return out;
}
}  // namespace
nlohmann::json measure_exact(const CheckContext& ctx) { return pack(check_exact_claims(ctx)); }
std::vector<Verdict> judge_exact(const nlohmann::json& m) { return unpack(m); }
nlohmann::json measure_local(const CheckContext& ctx) { return pack(check_local_claims(ctx)); }
std::vector<Verdict> judge_local(const nlohmann::json& m) { return unpack(m); }
nlohmann::json measure_population(const CheckContext& ctx) { return pack(check_population_claim(ctx)); }
std::vector<Verdict> judge_population(const nlohmann::json& m) { return unpack(m); }
}  // namespace largestep::theory
