// The reference datasets of paper.md section 4, generated exactly and (where random) seeded.
#pragma once

#include <cstdint>

#include "largestep/kernel/dataset.h"
#include "largestep/kernel/progress.h"

namespace largestep {

// One 1-D point x with label +1 (paper: x = 1). Requires 0 < x <= 1.
Dataset<double> make_oned(double x = 1.0);

// The 2-D hard dataset of COLT 2024: x1 = (gamma, sqrt(1-gamma^2)), x2 = (gamma,
// -sqrt(1-gamma^2)/2), both labelled +1; unit w* = e1 has margin exactly gamma, which is also the
// largest margin. Requires 0 < gamma < 1 (the paper uses gamma < 0.1).
Dataset<double> make_hard(double gamma);

// The COLT 2024 toy set, n = 4, d = 2: (1, 0.2)+, (-2, 0.2)+, (-1, -0.2)-, (2, -0.2)-, rows
// divided by the largest row norm.
Dataset<double> make_toy4();

struct PlantedOptions {
  std::int64_t n = 1000;
  std::int64_t d = 10;
  double gamma = 0.05;
  std::uint64_t seed = 1;
  RowRange rows = {};  // the rows made, of the n-row dataset: by default every row
};

// Feasibility bounds of make_planted: the expected rejection-sampling draws per row (1 / the
// acceptance rate), and the expected Gaussian draws in all (d per draw), about 12 minutes at the
// 1.4e7 a second of one core of a 2020s x86-64.
inline constexpr double kPlantedMaxExpectedDrawsPerRow = 20'000;
inline constexpr double kPlantedMaxGaussians = 1e10;

// x uniform in the unit ball of R^d conditioned on |<x, w*>| >= gamma, y = sign <x, w*>, with w* a
// uniformly random unit vector: rejection sampling, so ||x_i|| <= 1 and y_i <x_i, w*> >= gamma hold
// for every row as computed in double. Seeded per row: row i (numbered from 0 in the whole
// dataset) draws from its own stream, seeded from (seed, i) only, and w* from a stream of its own
// (planted_direction), so row i is the same for every n > i, and the rows [begin, end) that
// `options.rows` asks for are those rows of the n-row dataset, bit for bit, whatever else is made:
// the data is the same for any number of processes sharing it out. Portable: xoshiro256** and
// SplitMix64 computed here, its own uniform and Gaussian draws (portable_random.h), the same bits
// with every standard library (with glibc's log and cos).
// The result holds the range's rows only (n() is end - begin), y likewise.
// Before drawing anything, throws DataError when `options.rows` is not a range of the n rows
// (0 <= begin <= end <= n, end = -1 for n), when X (the range's rows) does not fit in the
// available memory (resource_limits.h), when the expected draws per row exceed
// kPlantedMaxExpectedDrawsPerRow (naming the largest gamma for this d, and the largest d for this
// gamma), or when the expected Gaussian draws for the range's rows exceed kPlantedMaxGaussians.
// Errors about a row name its number in the whole dataset. `progress` hears the range's rows drawn
// so far.
Dataset<double> make_planted(const PlantedOptions& options, const ProgressSink& progress = {});

struct SparsePlantedOptions {
  std::int64_t n = 1000;
  std::int64_t d = 1 << 20;
  std::int64_t nonzeros = 32;  // per row
  double gamma = 1e-4;
  std::uint64_t seed = 1;
  RowRange rows = {};  // the rows made, of the n-row dataset: by default every row
};

// Sparse planted data in CSR: each row picks `nonzeros` distinct columns uniformly at random and
// is uniform in the unit ball of their coordinate subspace, conditioned on |<x, w*>| >= gamma,
// y = sign <x, w*>, with w* = planted_direction(d, seed) (dense, so margins are about
// ||x|| / sqrt(d): gamma must be small for large d). Seeded per row, portable, and made for a
// range of rows like make_planted: rows [begin, end) of the n-row matrix, bit for bit.
// Before drawing, throws DataError when `options.rows` is not a range of the n rows, when the CSR
// matrix of the range's rows does not fit in memory or in 32-bit indices, when nonzeros > d, and
// when a pilot of kSparsePilotRows draws (its own stream, the same for every range) puts the
// expected draws per row above kPlantedMaxExpectedDrawsPerRow, naming a gamma that would do.
// `progress` hears the range's rows drawn so far.
inline constexpr std::int64_t kSparsePilotRows = 4096;
Dataset<double> make_sparse_planted(const SparsePlantedOptions& options,
                                    const ProgressSink& progress = {});

// log P(|<x, w*>| >= gamma) for x uniform in the unit ball of R^d: the acceptance rate of
// make_planted's rejection sampling, a Beta tail (t^2 ~ Beta(1/2, (d + 1)/2)), in logarithms so
// that rates below 1e-308 compare too.
double planted_log_acceptance(std::int64_t d, double gamma);

// The planted direction w* of make_planted with the same d and seed.
Vector<double> planted_direction(std::int64_t d, std::uint64_t seed);

}  // namespace largestep
