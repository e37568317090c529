// Random draws that are the same bits with every standard library: engines called directly and the
// variates computed here, never through std:: distributions (whose algorithms are unspecified).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "largestep/kernel/dataset.h"

namespace largestep {

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijection of 64-bit words in which
// each input bit flips about half of the output bits, so nearby inputs give unrelated outputs.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman and Vigna 2018), its four words of state filled by SplitMix64 from one
// 64-bit seed as its authors recommend. Seeding costs four mixes, against mt19937_64's 312 words
// (about a microsecond), so every row of a dataset can have a stream of its own.
class Xoshiro256 {
 public:
  using result_type = std::uint64_t;

  explicit Xoshiro256(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = mix64(seed += 0x9E3779B97F4A7C15ULL);
  }

  std::uint64_t operator()() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

// Uniform, Gaussian and unit-vector draws from a 64-bit engine (std::mt19937_64, Xoshiro256).
template <class Engine>
class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) : engine_(seed) {}

  // Uniform on (0, 1): 53 random bits, never exactly 0.
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

  double gaussian() {  // Box-Muller; the second variate is discarded for simplicity.
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }

  Vector<double> unit_vector(std::int64_t d) {
    Vector<double> v(d);
    double norm = 0;
    while (norm == 0) {
      for (std::int64_t j = 0; j < d; ++j) v(j) = gaussian();
      norm = v.norm();
    }
    return v / norm;
  }

 private:
  Engine engine_;
};

}  // namespace largestep
