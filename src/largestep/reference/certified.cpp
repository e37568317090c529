#include "largestep/reference/certified.h"
#include "largestep/reference/certified_mp.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "largestep/data/text.h"
#include "largestep/kernel/agreement.h"
#include "largestep/kernel/output.h"
#include "largestep/reference/disk_cache.h"
#include "largestep/reference/newton.h"
#include "largestep/reference/objective_mp.h"

namespace largestep {
namespace {

std::string decimal(const Mp& x, unsigned digits) {
  return x.str(static_cast<std::streamsize>(digits), std::ios_base::scientific);
}

// The cache key: the data's contents (disk_cache.h), lambda and digits.
std::uint64_t content_hash(const Dataset<double>& data, double lambda, unsigned digits) {
  disk_cache::Hasher h = disk_cache::data_hasher(data, processes_sharing_rows());
  h.mix_value(lambda);
  h.mix_value(digits);
  return h.value();
}

// The version of the code that computes and writes references: bump it whenever the reference's
// numbers or the record's fields change, and every cached record is recomputed. A constant rather
// than the git commit, so that a rebuild at a new commit keeps the cache.
constexpr int kCacheFormat = 5;

constexpr std::string_view kRecordKind = "reference";

nlohmann::json cache_record(const MpReference& r, std::uint64_t key) {
  return disk_cache::seal(to_json(r), kRecordKind, kCacheFormat, key);
}

// A decimal string of the reference rounded to the nearest double: from_chars, which rounds
// correctly and reads subnormals (std::stod threw std::out_of_range for eta_loc = 2e-308 at
// lambda = 1e308); a value below the smallest subnormal rounds to 0.
double to_nearest_double(const std::string& text, const char* field) {
  const ParsedNumber x = parse_number(text);
  if (x) return x.value;
  if (x.problem == NumberProblem::too_small) return text[0] == '-' ? -0.0 : 0.0;
  throw std::runtime_error(
      fmt::format("reference: {} = '{}' {}", field, text, number_problem(x.problem)));
}

}  // namespace

nlohmann::json to_json(const MpReference& r) {
  return {{"dataset", r.dataset},
          {"lambda", r.lambda},
          {"digits", r.digits},
          {"w", r.w},
          {"f_star", r.f_star},
          {"f_star_lower", r.f_star_lower},
          {"grad_norm", r.grad_norm},
          {"h_min", r.h_min},
          {"h_max", r.h_max},
          {"eta_loc", r.eta_loc},
          {"smoothness", r.smoothness},
          {"newton_iterations", r.newton_iterations},
          {"method", r.method},
          {"f_star_upper", r.f_star_upper},
          {"bracket_width", r.bracket_width},
          {"h_min_uncertainty", r.h_min_uncertainty},
          {"h_max_uncertainty", r.h_max_uncertainty},
          {"eta_loc_uncertainty", r.eta_loc_uncertainty}};
}

namespace {

std::optional<MpReference> from_json(const nlohmann::json& j, std::uint64_t key) {
  // A record whose checksum does not match was edited, damaged or written by other code.
  if (!disk_cache::valid(j, kRecordKind, kCacheFormat, key)) return std::nullopt;
  MpReference r;
  r.dataset = j.at("dataset").get<std::string>();
  r.lambda = j.at("lambda").get<double>();
  r.digits = j.at("digits").get<unsigned>();
  r.w = j.at("w").get<std::vector<std::string>>();
  r.f_star = j.at("f_star").get<std::string>();
  r.f_star_lower = j.at("f_star_lower").get<std::string>();
  r.grad_norm = j.at("grad_norm").get<std::string>();
  r.h_min = j.at("h_min").get<std::string>();
  r.h_max = j.at("h_max").get<std::string>();
  r.eta_loc = j.at("eta_loc").get<std::string>();
  r.smoothness = j.at("smoothness").get<std::string>();
  r.newton_iterations = j.at("newton_iterations").get<int>();
  r.method = j.at("method").get<std::string>();
  r.f_star_upper = j.at("f_star_upper").get<std::string>();
  r.bracket_width = j.at("bracket_width").get<std::string>();
  r.h_min_uncertainty = j.at("h_min_uncertainty").get<std::string>();
  r.h_max_uncertainty = j.at("h_max_uncertainty").get<std::string>();
  r.eta_loc_uncertainty = j.at("eta_loc_uncertainty").get<std::string>();
  return r;
}

}  // namespace

Vector<Mp> w_mp(const MpReference& reference) {
  const std::vector<std::string>& w = reference.w;
  Vector<Mp> v(static_cast<std::ptrdiff_t>(w.size()));
  for (std::size_t j = 0; j < w.size(); ++j) v(static_cast<std::ptrdiff_t>(j)) = Mp(w[j]);
  return v;
}

Reference MpReference::to_double() const {
  Reference r;
  r.lambda = lambda;
  r.w.resize(static_cast<std::ptrdiff_t>(w.size()));
  for (std::size_t j = 0; j < w.size(); ++j)
    r.w(static_cast<std::ptrdiff_t>(j)) = to_nearest_double(w[j], "w");
  r.f_star = to_nearest_double(f_star, "f_star");
  r.f_star_lower = to_nearest_double(f_star_lower, "f_star_lower");
  r.grad_norm = to_nearest_double(grad_norm, "grad_norm");
  r.h_min = to_nearest_double(h_min, "h_min");
  r.h_max = to_nearest_double(h_max, "h_max");
  r.eta_loc = to_nearest_double(eta_loc, "eta_loc");
  r.smoothness = to_nearest_double(smoothness, "smoothness");
  r.digits = static_cast<int>(digits);
  r.newton_iterations = newton_iterations;
  r.method = method;
  // A reference made without these fields (by hand, in a test) states no rounding allowance and
  // no bound on the spectrum: f* <= f_star, and the uncertainties are unbounded.
  const auto optional = [](const std::string& text, const char* field, double otherwise) {
    return text.empty() ? otherwise : to_nearest_double(text, field);
  };
  const double unknown = std::numeric_limits<double>::infinity();
  r.f_star_upper = optional(f_star_upper, "f_star_upper", r.f_star);
  r.h_min_uncertainty = optional(h_min_uncertainty, "h_min_uncertainty", unknown);
  r.h_max_uncertainty = optional(h_max_uncertainty, "h_max_uncertainty", unknown);
  r.eta_loc_uncertainty = optional(eta_loc_uncertainty, "eta_loc_uncertainty", unknown);
  return r;
}

MpReference compute_reference_mp(const Dataset<double>& data, double lambda, unsigned digits) {
  const Reference start = compute_reference_double(data, lambda);
  const MpDigits precision(digits);
  const Dataset<Mp> mp_data = data.cast<Mp>();
  const LogisticObjective<Mp> f(mp_data, Mp(lambda));
  // The decrement's rounding floor is ~ 10^(-2 digits) / lambda; 10^(-1.5 digits) sits well above
  // it for any lambda >= 10^(-digits/2), and the final full Newton step lands at the floor.
  const Mp tolerance = pow(Mp(10), -Mp(3 * digits) / 2);
  const NewtonResult<Mp> newton = newton_minimize(f, tolerance, start.w.cast<Mp>().eval());

  MpReference r;
  r.dataset = data.spec;
  r.lambda = lambda;
  r.digits = digits;
  for (std::ptrdiff_t j = 0; j < newton.w.size(); ++j) r.w.push_back(decimal(newton.w(j), digits));
  const Mp grad_norm = newton.gradient.norm();
  r.f_star = decimal(newton.value, digits);
  r.f_star_lower = decimal(newton.value - grad_norm * grad_norm / (2 * Mp(lambda)), digits);
  r.grad_norm = decimal(grad_norm, digits);
  const Matrix<Mp> hessian = f.hessian(newton.w);
  const Eigen::SelfAdjointEigenSolver<Matrix<Mp>> eig(hessian, Eigen::EigenvaluesOnly);
  const Mp h_max = eig.eigenvalues().maxCoeff();
  r.h_min = decimal(eig.eigenvalues().minCoeff(), digits);
  r.h_max = decimal(h_max, digits);
  r.eta_loc = decimal(2 / h_max, digits);
  r.smoothness = decimal(f.smoothness(), digits);
  r.newton_iterations = start.newton_iterations + newton.iterations;
  // The uncertainties, generously: f evaluated at `digits` digits over n + d terms; the
  // eigensolver's backward error (a small multiple of d eps ||H||_F) and the Hessian's move
  // between w and w_lambda (max |l'''| R^3 ||w - w_lambda||, ||w - w_lambda|| <= ||grad|| / lambda).
  const Mp eps = std::numeric_limits<Mp>::epsilon();
  const Mp n_terms(static_cast<double>(data.n() + data.d()));
  using std::abs;
  r.f_star_upper = decimal(newton.value + 4 * n_terms * eps * abs(newton.value), digits);
  r.bracket_width = decimal(Mp(r.f_star_upper) - Mp(r.f_star_lower), digits);
  const Mp r_max = mp_data.max_row_norm();
  const Mp dh = 10 * Mp(static_cast<double>(data.d())) * eps * hessian.norm() +
                Mp(0.0963) * r_max * r_max * r_max * grad_norm / Mp(lambda);
  r.h_min_uncertainty = decimal(dh, digits);
  r.h_max_uncertainty = decimal(dh, digits);
  r.eta_loc_uncertainty = decimal(2 * dh / (h_max * (h_max - dh)), digits);
  return r;
}

ReferenceMethod parse_reference_method(const std::string& name) {
  if (name == "auto") return ReferenceMethod::automatic;
  if (name == "mpfr") return ReferenceMethod::mpfr;
  if (name == "scaled") return ReferenceMethod::scaled;
  throw std::invalid_argument(
      fmt::format("reference method '{}': expected auto, mpfr or scaled", name));
}

std::string reference_method_name(ReferenceMethod method) {
  switch (method) {
    case ReferenceMethod::automatic:
      return "auto";
    case ReferenceMethod::mpfr:
      return "mpfr";
    case ReferenceMethod::scaled:
      return "scaled";
  }
  return "auto";
}

ReferenceMethod resolve_reference_method(std::int64_t n, std::int64_t d,
                                         ReferenceMethod requested) {
  if (requested != ReferenceMethod::automatic) return requested;
  const double work = static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(d);
  return work <= kMpfrMaxWork ? ReferenceMethod::mpfr : ReferenceMethod::scaled;
}

ReferenceMethod resolve_reference_method(const Dataset<double>& data, ReferenceMethod requested) {
  return resolve_reference_method(data.total_n(), data.d(), requested);
}

MpReference compute_reference_scaled_mp(const Dataset<double>& data, double lambda,
                                        const ReferenceProgress& progress) {
  ScaledOptions options;
  options.progress = progress;
  ScaledResult s = compute_reference_scaled(data, lambda, options);
  MpReference r;
  r.dataset = data.spec;
  r.lambda = lambda;
  r.digits = kScaledDigits;
  r.method = kScaledMethod;
  r.w = std::move(s.w);  // d strings: 76 MB at d = 2^20
  r.f_star = s.f_star;
  r.f_star_lower = s.f_star_lower;
  r.f_star_upper = s.f_star_upper;
  r.bracket_width = fmt::format("{:.17e}", s.bracket_width);
  r.grad_norm = s.grad_norm;
  r.h_min = s.h_min;
  r.h_max = s.h_max;
  r.eta_loc = s.eta_loc;
  r.smoothness = s.smoothness;
  r.h_min_uncertainty = fmt::format("{:.17e}", s.h_min_uncertainty);
  r.h_max_uncertainty = fmt::format("{:.17e}", s.h_max_uncertainty);
  r.eta_loc_uncertainty = fmt::format("{:.17e}", s.eta_loc_uncertainty);
  r.newton_iterations = s.newton_iterations;
  return r;
}

MpReference compute_reference(const Dataset<double>& data, double lambda, unsigned digits,
                              ReferenceMethod method, const ReferenceProgress& progress) {
  if (resolve_reference_method(data, method) == ReferenceMethod::scaled)
    return compute_reference_scaled_mp(data, lambda, progress);
  if (data.is_shard())
    throw std::logic_error("the MPFR reference needs every row, and this process holds a shard");
  return compute_reference_mp(data, lambda, digits);
}

MpReference cached_reference_mp(const Dataset<double>& data, double lambda, unsigned digits,
                                ReferenceMethod method, const ReferenceProgress& progress) {
  method = resolve_reference_method(data, method);
  // A scaled record does not depend on `digits`, and never answers for an MPFR one.
  const std::uint64_t key =
      method == ReferenceMethod::scaled
          ? (content_hash(data, lambda, kScaledDigits) ^ 0x5ca1edd0d0b1e000ULL) * 1099511628211ULL
          : content_hash(data, lambda, digits);
  const std::filesystem::path path = disk_cache::record_path(kRecordKind, key);
  // Processes sharing the rows compute a scaled reference together: all take rank 0's record, or
  // none does (one that found it while another did not would leave that one waiting).
  if (const std::optional<nlohmann::json> j =
          disk_cache::agreed_record(disk_cache::read_json(path), processes_sharing_rows())) {
    try {
      if (std::optional<MpReference> cached = from_json(*j, key)) return *cached;
    } catch (const std::exception&) {
      // a field missing or of the wrong type: recompute below
    }
  }
  MpReference r = compute_reference(data, lambda, digits, method, progress);
  disk_cache::write_record(path, cache_record(r, key));
  return r;
}

Reference certified_reference(const Dataset<double>& data, double lambda) {
  return cached_reference_mp(data, lambda).to_double();
}

}  // namespace largestep
