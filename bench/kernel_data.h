// Inputs of the kernel benchmarks: the cache sizes that pick the problem sizes, seeded dense
// data, and the read-bandwidth probe the kernels' bytes/s are compared with.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "largestep/kernel/dataset.h"

namespace largestep::bench {

struct CacheSizes {
  std::int64_t l1d = 0, l2 = 0, llc = 0;  // bytes
  std::string source;                     // where the numbers came from, for the JSON context
};

// sysconf's L1d, L2 and L3 sizes, with defaults (48 KiB, 1 MiB, 32 MiB) for any it does not
// know; llc_override > 0 replaces the LLC (virtual machines may report the host's whole L3).
CacheSizes detect_cache_sizes(std::int64_t llc_override = 0);

// n rows of d entries uniform in [-1, 1], rows divided by the largest norm (||x_i|| <= 1 as in
// the paper), labels +-1 at random. Kernel timing does not depend on separability, so this is
// a fast seeded fill (splitmix64), not the planted generator's rejection sampling.
template <class Scalar>
Dataset<Scalar> make_dense_data(std::int64_t n, std::int64_t d, std::uint64_t seed);

// n rows of `nonzeros` distinct random columns of d each (sorted), values uniform in [-1, 1], in
// CSR; scaled and labelled as make_dense_data (double only: the sparse kernels run in double).
Dataset<double> make_sparse_data(std::int64_t n, std::int64_t d, std::int64_t nonzeros,
                                 std::uint64_t seed);

// A point with ||w|| = 4: margins of both signs and of size ~1, so both branches of the
// stable loss and the sigmoid are taken.
template <class Scalar>
Vector<Scalar> make_dense_point(std::int64_t d, std::uint64_t seed);

// One streaming read of the probe's buffer: which loop, on how many threads, and its rates.
struct ReadRate {
  std::string loop;  // "flavour" (this build's code), "avx2", "avx512", "avx2-nt" (see survey)
  int threads = 1;
  double median = 0, best = 0;  // bytes/s over the passes
};

// The read-bandwidth probe: a streaming sum over a buffer far bigger than the LLC, kept for the
// life of the process so that it can be re-measured next to each out-of-cache benchmark (the
// bandwidth of a shared machine drifts by tens of percent over minutes).
//
// Why one build's probe read 29 GB/s and another's 18 (a full profile, baseline against native):
// not its code. The baseline build's loop keeps 8 SSE2 sums (movupd + addpd), the native one 2
// AVX-512 sums (vaddpd zmm from memory); both take 128 bytes an iteration in a few cycles, far
// faster than DRAM delivers, and no AVX-512 clock penalty shows (the same pass rates). Passes
// over 128 MiB on this shared machine switch between about 18 and 35 GB/s within seconds as
// other processes' memory traffic comes and goes (consecutive passes: 15 20 29 33 33 34 37 42 42
// 16 40 21 ...), and in one process the byte-identical AVX2 loop of survey() read 37 GB/s at
// best in one run and 17.5 in the next. A median of 7 passes at start-up lands on either level,
// whatever the build: hence survey(), the best of interleaved passes, and one number over the
// flavours (scripts/flavours.sh).
class ReadProbe {
 public:
  explicit ReadProbe(std::int64_t bytes);

  std::int64_t bytes() const { return count_ * 8; }

  // Bytes/s summed by `threads` threads (OpenMP builds; 1 otherwise) with this build's loop:
  // the median of `passes`.
  double bandwidth(int threads, int passes = 7) const;

  // The machine's read bandwidth as far as this process can reach it: every loop this CPU runs
  // (this build's, and AVX2, AVX-512 and AVX2 non-temporal loads compiled for their targets
  // whatever the build) on 1..max_threads threads, `rounds` interleaved passes each, so that a
  // drift of the machine's load falls on all of them alike. The best pass of each is the
  // machine's limit (load only ever lowers a pass); the median says how steady it was.
  std::vector<ReadRate> survey(int max_threads, int rounds = 5) const;

 private:
  // 64-byte aligned in every build (Eigen aligns to 16 in the baseline one): the explicit
  // vector loops need it, and a misaligned AVX-512 load straddles two cache lines.
  std::unique_ptr<double, void (*)(void*)> buffer_;
  std::int64_t count_;
};

}  // namespace largestep::bench
