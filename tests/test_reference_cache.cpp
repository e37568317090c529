// Tests for the certified reference's numbers and its on-disk cache: every number reads back to
// the nearest double, subnormals included, and a cache record that was edited is recomputed,
// never trusted.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "largestep/data/generators.h"
#include "largestep/reference/certified.h"
#include "largestep/reference/multiprecision.h"
#include "largestep/reference/disk_cache.h"
#include "scoped_env.h"
#include "temp_dir.h"

namespace largestep {
namespace {

namespace fs = std::filesystem;

// The one cache file in `dir`.
fs::path cache_file(const std::string& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) files.push_back(e.path());
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? fs::path() : files.front();
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void write_json(const fs::path& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(1); }

// The Mp value of a decimal string rounded to double by MPFR: an oracle independent of the
// from_chars path to_double takes.
double mpfr_nearest(const std::string& text, unsigned digits) {
  const MpDigits precision(digits);
  return Mp(text).convert_to<double>();
}

TEST(ReferenceNumbers, SubnormalsReadBackToTheNearestDouble) {
  // issue 17: at lambda = 1e308, eta_loc = 2e-308 and w ~ 1e-309 are subnormal, and std::stod
  // threw std::out_of_range ("failed: stod").
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const Dataset<double> data = make_hard(0.1);
  const MpReference mp = cached_reference_mp(data, 1e308);
  const Reference r = mp.to_double();
  EXPECT_GT(r.eta_loc, 0);
  EXPECT_LT(r.eta_loc, std::numeric_limits<double>::min());  // subnormal
  EXPECT_EQ(r.eta_loc, mpfr_nearest(mp.eta_loc, mp.digits));
  EXPECT_EQ(r.f_star, mpfr_nearest(mp.f_star, mp.digits));
  EXPECT_EQ(r.h_max, mpfr_nearest(mp.h_max, mp.digits));
  for (std::size_t j = 0; j < mp.w.size(); ++j)
    EXPECT_EQ(r.w(static_cast<std::ptrdiff_t>(j)), mpfr_nearest(mp.w[j], mp.digits)) << j;
  // Through the cache, the same bits.
  const Reference again = certified_reference(data, 1e308);
  EXPECT_EQ(again.eta_loc, r.eta_loc);
  EXPECT_EQ(again.w, r.w);
}

TEST(ReferenceNumbers, BelowTheSmallestSubnormalRoundsToZero) {
  MpReference mp;
  mp.lambda = 1;
  mp.w = {"3.0e-330", "-1.0e-400", "2.5e-320"};
  mp.f_star = mp.f_star_lower = mp.grad_norm = mp.h_min = mp.h_max = mp.eta_loc = mp.smoothness =
      "1.0e+00";
  const Reference r = mp.to_double();
  EXPECT_EQ(r.w(0), 0.0);
  EXPECT_EQ(r.w(1), 0.0);
  EXPECT_TRUE(std::signbit(r.w(1)));
  EXPECT_EQ(r.w(2), 2.5e-320);
}

TEST(ReferenceCache, AForgedFStarIsRecomputedNotTrusted) {
  // issue 11: a cache file edited to f* = 0.5 was printed as the "Newton at 100 digits, bracket
  // width 0" reference.
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const Dataset<double> data = make_toy4();
  const MpReference truth = cached_reference_mp(data, 1e-2);
  const fs::path file = cache_file(dir.path("cache"));
  nlohmann::json record = read_json(file);
  ASSERT_TRUE(record.contains("checksum"));
  ASSERT_NE(record["f_star"], "5.0e-01");
  record["f_star"] = "5.0e-01";
  record["f_star_lower"] = "5.0e-01";
  write_json(file, record);

  const MpReference after = cached_reference_mp(data, 1e-2);
  EXPECT_EQ(after.f_star, truth.f_star);
  EXPECT_EQ(after.f_star_lower, truth.f_star_lower);
  EXPECT_EQ(certified_reference(data, 1e-2).f_star, truth.to_double().f_star);
  // The file is rewritten with the true record.
  EXPECT_EQ(read_json(file)["f_star"], truth.f_star);
}

TEST(ReferenceCache, ARecordWithoutChecksumOrOfAnotherFormatIsRecomputed) {
  const TempDir dir;
  const ScopedEnv cache("LARGESTEP_CACHE_DIR", dir.path("cache"));
  const Dataset<double> data = make_hard(0.1);
  const MpReference truth = cached_reference_mp(data, 1e-3);
  const fs::path file = cache_file(dir.path("cache"));
  const nlohmann::json good = read_json(file);

  nlohmann::json old = good;  // as the code before the checksum wrote it, with a forged f*
  old.erase("checksum");
  old.erase("format");
  old["f_star"] = "5.0e-01";
  write_json(file, old);
  EXPECT_EQ(cached_reference_mp(data, 1e-3).f_star, truth.f_star);

  nlohmann::json other = good;  // another format: recomputed although its checksum is its own
  other["format"] = 1;
  other["f_star"] = "5.0e-01";
  write_json(file, other);
  EXPECT_EQ(cached_reference_mp(data, 1e-3).f_star, truth.f_star);

  nlohmann::json grad = good;  // any field counts, not only f*
  grad["grad_norm"] = "0.0e+00";
  write_json(file, grad);
  EXPECT_EQ(cached_reference_mp(data, 1e-3).grad_norm, truth.grad_norm);
  EXPECT_EQ(read_json(file), good);
}

TEST(RecordChecksum, IsFnv1aOfTheCompactDumpWithoutTheChecksumAndTheWriteIsDumpIndentedByOne) {
  // The checksum and the write stream the record in pieces; the reference here is the whole
  // text, as records were always hashed and written: FNV-1a of "largestep-KIND-FORMAT\n" and
  // dump() of the record without "checksum"; the file is dump(1) and a newline.
  nlohmann::json record = {{"w", std::vector<std::string>(70000, "-1.2345678901234567e-02")},
                           {"f_star", "6.7e-01"},
                           {"name \"quoted\" \u00e9", 1.5},
                           {"nested", {{"a", {1, 2, 3}}, {"b", nullptr}}},
                           {"checksum", "to be ignored"}};
  nlohmann::json without = record;
  without.erase("checksum");
  const std::string text = "largestep-reference-7\n" + without.dump();
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  EXPECT_EQ(disk_cache::record_checksum(record, "reference", 7), fmt::format("{:016x}", h));
  EXPECT_NE(disk_cache::record_checksum(record, "reference", 8), fmt::format("{:016x}", h));

  TempDir dir;
  const fs::path path = fs::path(dir.path("sub")) / "record.json";
  disk_cache::write_record(path, record);
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, record.dump(1) + "\n");
}

}  // namespace
}  // namespace largestep
