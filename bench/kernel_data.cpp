#include "kernel_data.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace largestep::bench {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [-1, 1) from the top 53 bits.
double uniform_pm1(std::uint64_t& state) {
  return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-52 - 1.0;
}

std::int64_t sysconf_or(int name, std::int64_t fallback) {
  const long value = sysconf(name);
  return value > 0 ? value : fallback;
}

}  // namespace

CacheSizes detect_cache_sizes(std::int64_t llc_override) {
  CacheSizes c;
  c.l1d = sysconf_or(_SC_LEVEL1_DCACHE_SIZE, 48 << 10);
  c.l2 = sysconf_or(_SC_LEVEL2_CACHE_SIZE, 1 << 20);
  c.llc = sysconf_or(_SC_LEVEL3_CACHE_SIZE, 32 << 20);
  c.source = "sysconf";
  if (llc_override > 0) {
    c.llc = llc_override;
    c.source = "sysconf, LLC from --llc_bytes";
  }
  return c;
}

template <class Scalar>
Dataset<Scalar> make_dense_data(std::int64_t n, std::int64_t d, std::uint64_t seed) {
  Dataset<Scalar> data;
  data.X.resize(n, d);
  data.y.resize(n);
  std::uint64_t state = seed;
  Scalar* x = data.X.data();
  for (std::int64_t k = 0; k < n * d; ++k) x[k] = static_cast<Scalar>(uniform_pm1(state));
  for (std::int64_t i = 0; i < n; ++i) data.y(i) = (splitmix64(state) & 1) ? Scalar(1) : Scalar(-1);
  scale_rows_by_max_norm(data);
  data.spec = "dense";
  return data;
}

template <class Scalar>
Vector<Scalar> make_dense_point(std::int64_t d, std::uint64_t seed) {
  std::uint64_t state = seed ^ 0x5DEECE66DULL;
  Vector<double> w(d);
  for (std::int64_t j = 0; j < d; ++j) w(j) = uniform_pm1(state);
  return (4.0 * w.normalized()).cast<Scalar>();
}

Dataset<double> make_sparse_data(std::int64_t n, std::int64_t d, std::int64_t nonzeros,
                                 std::uint64_t seed) {
  Dataset<double> data;
  data.sparse = true;
  data.Xs.resize(n, static_cast<int>(d));
  data.Xs.resizeNonZeros(n * nonzeros);
  data.y.resize(n);
  std::uint64_t state = seed;
  std::vector<int> columns;
  data.Xs.outerIndexPtr()[0] = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    columns.clear();
    while (static_cast<std::int64_t>(columns.size()) < nonzeros) {  // nonzeros << d: few retries
      const auto j = static_cast<int>(splitmix64(state) % static_cast<std::uint64_t>(d));
      if (std::find(columns.begin(), columns.end(), j) == columns.end()) columns.push_back(j);
    }
    std::sort(columns.begin(), columns.end());
    for (std::int64_t p = 0; p < nonzeros; ++p) {
      data.Xs.innerIndexPtr()[i * nonzeros + p] = columns[p];
      data.Xs.valuePtr()[i * nonzeros + p] = uniform_pm1(state);
    }
    data.Xs.outerIndexPtr()[i + 1] = static_cast<int>((i + 1) * nonzeros);
    data.y(i) = (splitmix64(state) & 1) ? 1.0 : -1.0;
  }
  scale_rows_by_max_norm(data);
  data.spec = "sparse";
  return data;
}

template Dataset<float> make_dense_data<float>(std::int64_t, std::int64_t, std::uint64_t);
template Dataset<double> make_dense_data<double>(std::int64_t, std::int64_t, std::uint64_t);
template Vector<float> make_dense_point<float>(std::int64_t, std::uint64_t);
template Vector<double> make_dense_point<double>(std::int64_t, std::uint64_t);

// Sixteen independent sums keep even a scalar build's additions off the critical path. The
// buffer's alignment matters: with a 16-byte aligned one every AVX-512 load straddles two cache
// lines, which costs a third of the rate.
constexpr std::int64_t kProbeLanes = 16;

ReadProbe::ReadProbe(std::int64_t bytes)
    : buffer_(Vector<double>::Ones(
          std::max<std::int64_t>(kProbeLanes, bytes / 8 / kProbeLanes * kProbeLanes))) {}

double ReadProbe::bandwidth([[maybe_unused]] int threads, int passes) const {
  const std::int64_t count = buffer_.size();
  const double* p = buffer_.data();
  auto pass = [&] {
    double total = 0;
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp parallel num_threads(threads) reduction(+ : total)
#endif
    {
      double s[kProbeLanes] = {};
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp for schedule(static)
#endif
      for (std::int64_t base = 0; base < count; base += kProbeLanes)
        for (std::int64_t k = 0; k < kProbeLanes; ++k) s[k] += p[base + k];
      for (const double v : s) total += v;
    }
    return total;
  };
  std::vector<double> seconds;
  volatile double sink = 0;
  for (int k = 0; k < passes; ++k) {
    const auto start = std::chrono::steady_clock::now();
    sink = sink + pass();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    seconds.push_back(std::chrono::duration<double>(elapsed).count());
  }
  std::nth_element(seconds.begin(), seconds.begin() + passes / 2, seconds.end());
  return static_cast<double>(count * 8) / seconds[passes / 2];
}

}  // namespace largestep::bench
