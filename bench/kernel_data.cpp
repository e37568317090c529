#include "kernel_data.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

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

// Sixteen independent sums keep even a scalar build's additions off the critical path.
constexpr std::int64_t kProbeLanes = 16;
// Threads split the buffer at multiples of this many entries (4 KiB): every range starts aligned
// for the non-temporal loads and holds whole iterations of every loop.
constexpr std::int64_t kProbeGrain = 512;

namespace {

using ReadLoop = double (*)(const double*, std::int64_t);

// This build's code: what the compiler makes of kProbeLanes sums (SSE2 in the baseline build,
// AVX-512 in the native one on this project's machines).
double sum_flavour(const double* p, std::int64_t count) {
  double s[kProbeLanes] = {};
  for (std::int64_t base = 0; base < count; base += kProbeLanes)
    for (std::int64_t k = 0; k < kProbeLanes; ++k) s[k] += p[base + k];
  double total = 0;
  for (const double v : s) total += v;
  return total;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LARGESTEP_PROBE_X86 1
__attribute__((target("avx2"))) inline __m256d load(const double* q) { return _mm256_load_pd(q); }

// VMOVNTDQA: on write-back memory a hint at most (the CPU may bypass or not pollute caches).
__attribute__((target("avx2"))) inline __m256d load_nt(const double* q) {
  return _mm256_castsi256_pd(_mm256_stream_load_si256(reinterpret_cast<const __m256i*>(q)));
}

// The same sum with explicit vectors, compiled for their instruction sets whatever the build's
// flags, so that one process compares them on the same memory at the same moment; Load is the
// plain or the non-temporal load.
template <__m256d (*Load)(const double*)>
__attribute__((target("avx2"))) double sum_avx2(const double* p, std::int64_t count) {
  __m256d a = _mm256_setzero_pd(), b = a, c = a, d = a;
  for (std::int64_t i = 0; i < count; i += 16) {
    a = _mm256_add_pd(a, Load(p + i));
    b = _mm256_add_pd(b, Load(p + i + 4));
    c = _mm256_add_pd(c, Load(p + i + 8));
    d = _mm256_add_pd(d, Load(p + i + 12));
  }
  alignas(32) double out[4];
  _mm256_store_pd(out, _mm256_add_pd(_mm256_add_pd(a, b), _mm256_add_pd(c, d)));
  return out[0] + out[1] + out[2] + out[3];
}

__attribute__((target("avx512f"))) double sum_avx512(const double* p, std::int64_t count) {
  __m512d a = _mm512_setzero_pd(), b = a;
  for (std::int64_t i = 0; i < count; i += 16) {
    a = _mm512_add_pd(a, _mm512_load_pd(p + i));
    b = _mm512_add_pd(b, _mm512_load_pd(p + i + 8));
  }
  alignas(64) double out[8];
  _mm512_store_pd(out, _mm512_add_pd(a, b));
  double total = 0;
  for (const double v : out) total += v;
  return total;
}
#endif

struct NamedLoop {
  const char* name;
  ReadLoop loop;
};

std::vector<NamedLoop> read_loops() {
  std::vector<NamedLoop> loops = {{"flavour", sum_flavour}};
#if defined(LARGESTEP_PROBE_X86)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    loops.push_back({"avx2", sum_avx2<load>});
    loops.push_back({"avx2-nt", sum_avx2<load_nt>});
  }
  if (__builtin_cpu_supports("avx512f")) loops.push_back({"avx512", sum_avx512});
#endif
  return loops;
}

// Seconds for one pass of `loop` over the buffer by `threads` threads, each over its own
// contiguous range; the sum goes to `sink`.
double timed_pass(const double* p, std::int64_t count, [[maybe_unused]] int threads, ReadLoop loop,
                  volatile double& sink) {
  const auto start = std::chrono::steady_clock::now();
  double total = 0;
#if defined(LARGESTEP_HAVE_OPENMP)
#pragma omp parallel num_threads(threads) reduction(+ : total)
#endif
  {
    int team = 1, me = 0;
#if defined(LARGESTEP_HAVE_OPENMP)
    team = omp_get_num_threads();
    me = omp_get_thread_num();
#endif
    const std::int64_t grains = count / kProbeGrain;
    const std::int64_t begin = grains * me / team * kProbeGrain;
    const std::int64_t end = me + 1 == team ? count : grains * (me + 1) / team * kProbeGrain;
    total += loop(p + begin, end - begin);
  }
  sink = sink + total;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2];
}

}  // namespace

ReadProbe::ReadProbe(std::int64_t bytes)
    : buffer_(nullptr, std::free),
      count_(std::max<std::int64_t>(kProbeGrain, bytes / 8 / kProbeGrain * kProbeGrain)) {
  buffer_.reset(static_cast<double*>(std::aligned_alloc(64, static_cast<std::size_t>(count_) * 8)));
  if (!buffer_) throw std::bad_alloc();
  std::fill_n(buffer_.get(), count_, 1.0);
}

double ReadProbe::bandwidth(int threads, int passes) const {
  std::vector<double> seconds;
  volatile double sink = 0;
  for (int k = 0; k < passes; ++k)
    seconds.push_back(timed_pass(buffer_.get(), count_, threads, sum_flavour, sink));
  return static_cast<double>(bytes()) / median(seconds);
}

std::vector<ReadRate> ReadProbe::survey(int max_threads, int rounds) const {
  const std::vector<NamedLoop> loops = read_loops();
  std::vector<ReadRate> rates;
  std::vector<std::vector<double>> seconds;
  for (int threads = 1; threads <= max_threads; ++threads)
    for (const NamedLoop& l : loops) {
      rates.push_back({l.name, threads, 0, 0});
      seconds.emplace_back();
    }
  volatile double sink = 0;
  for (int round = 0; round < rounds; ++round) {
    std::size_t k = 0;
    for (int threads = 1; threads <= max_threads; ++threads)
      for (const NamedLoop& l : loops)
        seconds[k++].push_back(timed_pass(buffer_.get(), count_, threads, l.loop, sink));
  }
  for (std::size_t k = 0; k < rates.size(); ++k) {
    rates[k].median = static_cast<double>(bytes()) / median(seconds[k]);
    rates[k].best =
        static_cast<double>(bytes()) / *std::min_element(seconds[k].begin(), seconds[k].end());
  }
  return rates;
}

}  // namespace largestep::bench
