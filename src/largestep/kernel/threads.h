// How many OpenMP threads a data-parallel kernel call uses: as many as its work pays for.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>

#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

namespace largestep {

// A parallel region costs about 3.3 us on the project's 2-core machine when it is idle (waking
// the team, the closing barrier), against 9-14 us for a whole L2-sized evaluation: there two
// threads were slower than one. So a call gets another thread only for every
// kMinEntriesPerThread entries of X it reads (nonzeros for CSR data: each costs more than a
// dense entry, so the same count is on the safe side). The cheapest entries measured
// (bench_kernels, native-openmp, one thread: float at d = 256, 0.09-0.12 ns an entry; double at
// d = 64, 0.20-0.26 ns) make the 2 x 2^17 entries of the first 2-thread call at least 24 us of
// one-thread work, 7 region costs: half of it on each core then beats one core by >= 1.5x.
// The crossover itself could not be measured: with the machine's load average at 4-6 (other
// builds), 2 threads forced on every size (-DLARGESTEP_MIN_ENTRIES_PER_THREAD=1, --llc_bytes
// moving the LLC size class over 2^16..2^21 entries) were slower than 1 at nearly every size,
// since the second core was never free; and with libgomp's default spinning wait 2-thread calls
// took 18 ms instead of 0.02-0.4 ms (OMP_WAIT_POLICY=passive: 0.5-1.2x of one thread).
#if defined(LARGESTEP_MIN_ENTRIES_PER_THREAD)
inline constexpr std::ptrdiff_t kMinEntriesPerThread = LARGESTEP_MIN_ENTRIES_PER_THREAD;
#else
inline constexpr std::ptrdiff_t kMinEntriesPerThread = 1 << 17;
#endif

// The team size for a call that reads `entries` entries split into `parts` independent parts
// (blocks of rows whose partial sums are added in a fixed order afterwards): at most one thread
// per part and per kMinEntriesPerThread entries, never more than omp_get_max_threads(), and 1
// without OpenMP or for a Scalar that is not a machine type (MPFR numbers are not thread-safe to
// create concurrently). The parts depend on the data only, so the result does not depend on the
// number returned.
template <class Scalar>
int kernel_threads([[maybe_unused]] std::ptrdiff_t entries, [[maybe_unused]] std::ptrdiff_t parts) {
#if defined(LARGESTEP_HAVE_OPENMP)
  if constexpr (std::is_arithmetic_v<Scalar>) {
    const std::ptrdiff_t by_work = entries / std::max<std::ptrdiff_t>(kMinEntriesPerThread, 1);
    const std::ptrdiff_t threads =
        std::min({by_work, parts, static_cast<std::ptrdiff_t>(omp_get_max_threads())});
    return static_cast<int>(std::max<std::ptrdiff_t>(threads, 1));
  }
#endif
  return 1;
}

}  // namespace largestep
