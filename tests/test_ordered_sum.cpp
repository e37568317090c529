// The cut of the ordered sums (reference/ordered_sum.h): one unit size for every sum of a
// computation, whole multiples of every block size, the least that keeps the partials in bounds;
// and a sum that adds each unit from zero, then the units in order.
#include "largestep/reference/ordered_sum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "largestep/reference/scaled_reference.h"

namespace largestep {
namespace {

double units_of(std::ptrdiff_t n, std::ptrdiff_t rows) {
  return std::ceil(static_cast<double>(n) / static_cast<double>(rows));
}

TEST(OrderedSumUnits, ThePowerOfTwoBlocksThatKeepThePartialsInBounds) {
  for (const std::ptrdiff_t n : {1, 4095, 4096, 4097, 100000, 1000000, 60000000})
    for (const std::ptrdiff_t partial : {1, 202, 10000, 2097154, 4194304}) {
      const std::ptrdiff_t rows = OrderedSum::unit_rows_for(n, partial);
      SCOPED_TRACE(testing::Message() << "n " << n << ", partial " << partial << ": " << rows);
      ASSERT_EQ(rows % OrderedSum::kMinUnitRows, 0);
      const std::ptrdiff_t multiple = rows / OrderedSum::kMinUnitRows;
      EXPECT_EQ(multiple & (multiple - 1), 0) << "not a power of two";
      EXPECT_TRUE(units_of(n, rows) * static_cast<double>(partial) <=
                      OrderedSum::kMaxPartialDoubles ||
                  rows >= n);
      if (rows > OrderedSum::kMinUnitRows) {  // the least such: half of it does not fit
        EXPECT_GT(units_of(n, rows / 2) * static_cast<double>(partial),
                  OrderedSum::kMaxPartialDoubles);
      }
    }
}

TEST(OrderedSumUnits, TheReferenceSizesItsUnitByItsLargestPartial) {
  // Dense d = 2048 forms the Hessian: 4,194,304 doubles a partial, so at most 4 units of 10^6
  // rows: 250,000 rows at least, 4096 * 2^6 = 262,144.
  EXPECT_EQ(reference_unit_rows(1000000, 2048, false), 262144);
  // Above dense_max_d, and for CSR data, the largest is the double-double gradient's 2 d + 2:
  // at d = 2^20, 7 units of 2,097,154 fit in 2^24 (8 do not), so at least 142,858 rows: 262,144.
  EXPECT_EQ(reference_unit_rows(1000000, 1 << 20, true), 262144);
  EXPECT_EQ(reference_unit_rows(1000000, 2049, false), reference_unit_rows(1000000, 2049, true));
  // d = 100: 10^4 doubles; 245 units of 4096 rows hold 2.45e6.
  EXPECT_EQ(reference_unit_rows(1000000, 100, false), 4096);
  ScaledOptions odd;
  odd.rows_per_block = 3000;
  EXPECT_THROW(reference_unit_rows(10, 2, false, odd), std::invalid_argument);
}

TEST(OrderedSum, AddsEachUnitFromZeroThenTheUnitsInOrder) {
  // Row 0 is worth 2^53 and every other row 1: added one by one to 2^53, each 1 is lost (2^53 + 1
  // rounds to 2^53), while the later units' sums of ones are exact and add exactly.
  const std::ptrdiff_t unit = OrderedSum::kMinUnitRows, n = 3 * unit + 5;
  std::vector<double> x(static_cast<std::size_t>(n), 1.0);
  x[0] = 0x1p53;
  double expected = 0.5;  // the caller's starting total
  for (std::ptrdiff_t begin = 0; begin < n; begin += unit) {
    double partial = 0;
    for (std::ptrdiff_t i = begin; i < std::min(n, begin + unit); ++i) partial += x[i];
    expected += partial;
  }
  double running = 0.5;
  for (const double v : x) running += v;
  ASSERT_NE(expected, running) << "the case cannot tell the units from a running sum";

  const OrderedSum sum(n, unit, 1, nullptr);
  EXPECT_EQ(sum.units(), 4);
  double total = 0.5;
  sum(std::span<double>(&total, 1),
      [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::span<double> partial) {
        for (std::ptrdiff_t i = begin; i < end; ++i) partial[0] += x[i];
      },
      [](std::span<double> t, std::span<const double> p) { t[0] += p[0]; });
  EXPECT_EQ(total, expected);
}

}  // namespace
}  // namespace largestep
