// The kernels bench_kernels times: the fused value_and_gradient gives bitwise identical results
// for any OpenMP thread count (its reduction is blocked by n only), and the two-pass alternative
// computes the same f and grad f (to rounding), so the benchmark compares like with like; the same
// for the CSR kernel (its reduction is chunked by the data only).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#if defined(LARGESTEP_HAVE_OPENMP)
#include <omp.h>
#endif

#include "kernel_data.h"
#include "largestep/kernel/objective.h"
#include "two_pass.h"

namespace largestep::bench {
namespace {

// Several blocks, a ragged last block and a ragged last panel; d odd so no row is aligned.
constexpr std::int64_t kRows = 5 * kRowsPerBlock + 37;
constexpr std::int64_t kCols = 33;
constexpr double kLambda = 1e-3;

template <class Scalar>
struct Evaluation {
  Scalar value;
  Vector<Scalar> grad;

  bool bitwise_equal(const Evaluation& other) const {
    return std::memcmp(&value, &other.value, sizeof(Scalar)) == 0 &&
           grad.size() == other.grad.size() &&
           std::memcmp(grad.data(), other.grad.data(), sizeof(Scalar) * grad.size()) == 0;
  }
};

template <class Scalar>
Evaluation<Scalar> evaluate(const LogisticObjective<Scalar>& f, const Vector<Scalar>& w,
                            [[maybe_unused]] int threads) {
#if defined(LARGESTEP_HAVE_OPENMP)
  omp_set_num_threads(threads);
#endif
  Evaluation<Scalar> e;
  e.value = f.value_and_gradient(w, e.grad);
  return e;
}

template <class Scalar>
void expect_identical_for_any_thread_count() {
  const Dataset<Scalar> data = make_dense_data<Scalar>(kRows, kCols, 3);
  const LogisticObjective<Scalar> f(data, Scalar(kLambda));
  const Vector<Scalar> w = make_dense_point<Scalar>(kCols, 3);
  const Evaluation<Scalar> one = evaluate(f, w, 1);
  // More threads than blocks, fewer, and counts that do not divide the block count.
  for (int threads : {1, 2, 3, 4, 6, 7}) {
    EXPECT_TRUE(evaluate(f, w, threads).bitwise_equal(one)) << threads << " threads";
  }
}

TEST(FusedKernel, ResultsAreBitwiseIdenticalForAnyThreadCountInDouble) {
  expect_identical_for_any_thread_count<double>();
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

TEST(FusedKernel, ResultsAreBitwiseIdenticalForAnyThreadCountInFloat) {
  expect_identical_for_any_thread_count<float>();
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

// CSR data with several chunks (n * nnz >= 8 d per chunk) and a large d (w and grad beyond L2
// together, so the two-phase blocks run), and a small d (panels fused).
TEST(FusedCsrKernel, ResultsAreBitwiseIdenticalForAnyThreadCount) {
  for (const std::int64_t d : {std::int64_t{200}, std::int64_t{1} << 17}) {
    const Dataset<double> data = make_sparse_data(80000, d, 40, 3);
    const LogisticObjective<double> f(data, kLambda);
    EXPECT_GT(f.row_blocks(), 1) << d;
    const Vector<double> w = make_dense_point<double>(d, 3);
    const Evaluation<double> one = evaluate(f, w, 1);
    for (int threads : {1, 2, 3, 4, 6, 7})
      EXPECT_TRUE(evaluate(f, w, threads).bitwise_equal(one)) << threads << " threads, d " << d;
  }
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

// The team size follows the work: one thread below kMinEntriesPerThread entries a thread, at
// most one a part and omp_get_max_threads(); never more than one for a non-machine Scalar.
TEST(KernelThreads, FollowTheWorkSize) {
#if defined(LARGESTEP_HAVE_OPENMP)
  omp_set_num_threads(4);
  EXPECT_EQ(kernel_threads<double>(kMinEntriesPerThread - 1, 100), 1);
  EXPECT_EQ(kernel_threads<double>(2 * kMinEntriesPerThread, 100), 2);
  EXPECT_EQ(kernel_threads<float>(3 * kMinEntriesPerThread, 100), 3);
  EXPECT_EQ(kernel_threads<double>(100 * kMinEntriesPerThread, 100), 4);  // max threads
  EXPECT_EQ(kernel_threads<double>(100 * kMinEntriesPerThread, 2), 2);    // parts
  struct NotArithmetic {};
  EXPECT_EQ(kernel_threads<NotArithmetic>(100 * kMinEntriesPerThread, 100), 1);
#else
  EXPECT_EQ(kernel_threads<double>(100 * kMinEntriesPerThread, 100), 1);
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): one thread always";
#endif
}

// Bitwise identical results for 1..7 threads on both sides of the crossover: datasets whose
// evaluation runs on one thread whatever the team size asked for (several blocks or chunks, too
// little work), and datasets of several times the threshold, which run on several threads.
template <class Scalar>
void expect_identical_across_the_crossover() {
  constexpr std::int64_t d = 64;
  const std::int64_t small_rows = 4 * kRowsPerBlock;  // 4 blocks
  const std::int64_t large_rows =
      (8 * kMinEntriesPerThread / d / kRowsPerBlock + 3) * kRowsPerBlock;
  ASSERT_LT(small_rows * d, 2 * kMinEntriesPerThread);
  for (const std::int64_t n : {small_rows, large_rows + 17}) {
    const Dataset<Scalar> data = make_dense_data<Scalar>(n, d, 11);
    const LogisticObjective<Scalar> f(data, Scalar(kLambda));
    const Vector<Scalar> w = make_dense_point<Scalar>(d, 11);
#if defined(LARGESTEP_HAVE_OPENMP)
    const std::ptrdiff_t blocks = (n + kRowsPerBlock - 1) / kRowsPerBlock;
    omp_set_num_threads(7);
    EXPECT_EQ(kernel_threads<Scalar>(n * d, blocks) > 1, n > small_rows) << n;
#endif
    const Evaluation<Scalar> one = evaluate(f, w, 1);
    for (int threads = 1; threads <= 7; ++threads)
      EXPECT_TRUE(evaluate(f, w, threads).bitwise_equal(one)) << threads << " threads, n " << n;
  }
}

TEST(FusedKernel, ResultsAreBitwiseIdenticalAcrossTheThreadCrossoverInDouble) {
  expect_identical_across_the_crossover<double>();
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

TEST(FusedKernel, ResultsAreBitwiseIdenticalAcrossTheThreadCrossoverInFloat) {
  expect_identical_across_the_crossover<float>();
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

// CSR: several chunks but few nonzeros (one thread), and many nonzeros (several threads).
TEST(FusedCsrKernel, ResultsAreBitwiseIdenticalAcrossTheThreadCrossover) {
  constexpr std::int64_t d = 64, nonzeros = 8;
  for (const std::int64_t n :
       {std::int64_t{4} * kRowsPerBlock, 8 * kMinEntriesPerThread / nonzeros + 101}) {
    const Dataset<double> data = make_sparse_data(n, d, nonzeros, 13);
    const LogisticObjective<double> f(data, kLambda);
    const Vector<double> w = make_dense_point<double>(d, 13);
#if defined(LARGESTEP_HAVE_OPENMP)
    omp_set_num_threads(7);
    EXPECT_GT(f.row_blocks(), 1) << n;
    EXPECT_EQ(kernel_threads<double>(data.stored(), f.row_blocks()) > 1,
              n * nonzeros >= 2 * kMinEntriesPerThread)
        << n;
#endif
    const Evaluation<double> one = evaluate(f, w, 1);
    for (int threads = 1; threads <= 7; ++threads)
      EXPECT_TRUE(evaluate(f, w, threads).bitwise_equal(one)) << threads << " threads, n " << n;
  }
#if !defined(LARGESTEP_HAVE_OPENMP)
  GTEST_SKIP() << "built without OpenMP (LARGESTEP_OPENMP=OFF): only repeatability was checked";
#endif
}

TEST(TwoPassKernel, MatchesTheFusedCsrKernel) {
  for (const std::int64_t d : {std::int64_t{200}, std::int64_t{1} << 17}) {
    const Dataset<double> data = make_sparse_data(3000, d, 20, 5);
    const LogisticObjective<double> f(data, kLambda);
    const Vector<double> w = make_dense_point<double>(d, 5);
    Vector<double> fused_grad, two_pass_grad(d), scratch(data.n());
    const double fused = f.value_and_gradient(w, fused_grad);
    const double two_pass = two_pass_value_and_gradient(data, kLambda, w, scratch, two_pass_grad);
    EXPECT_NEAR(two_pass, fused, 1e-12 * std::abs(fused)) << d;
    EXPECT_LE((two_pass_grad - fused_grad).norm(), 1e-12 * fused_grad.norm()) << d;
  }
}

template <class Scalar>
void expect_two_pass_matches_fused(double tolerance) {
  for (std::int64_t n : {std::int64_t{1}, std::int64_t{7}, kRows}) {
    const Dataset<Scalar> data = make_dense_data<Scalar>(n, kCols, 5);
    const LogisticObjective<Scalar> f(data, Scalar(kLambda));
    const Vector<Scalar> w = make_dense_point<Scalar>(kCols, 5);
    Vector<Scalar> fused_grad, two_pass_grad(kCols), scratch(n);
    const Scalar fused = f.value_and_gradient(w, fused_grad);
    const Scalar two_pass =
        two_pass_value_and_gradient(data, Scalar(kLambda), w, scratch, two_pass_grad);
    EXPECT_NEAR(two_pass, fused, tolerance * std::abs(fused)) << n;
    EXPECT_LE((two_pass_grad - fused_grad).norm(), tolerance * fused_grad.norm()) << n;
  }
}

TEST(TwoPassKernel, MatchesTheFusedKernelInDouble) { expect_two_pass_matches_fused<double>(1e-12); }

TEST(TwoPassKernel, MatchesTheFusedKernelInFloat) { expect_two_pass_matches_fused<float>(1e-4); }

}  // namespace
}  // namespace largestep::bench
