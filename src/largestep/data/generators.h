// The reference datasets of paper.md section 4, generated exactly and (where random) seeded.
#pragma once

#include <cstdint>

#include "largestep/kernel/dataset.h"

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
};

// x uniform in the unit ball of R^d conditioned on |<x, w*>| >= gamma, y = sign <x, w*>, with w* a
// uniformly random unit vector: rejection sampling, so ||x_i|| <= 1 and y_i <x_i, w*> >= gamma hold
// for every row as computed in double. Portable: the stream depends on the seed only (its own
// uniform and Gaussian draws, not the standard library's distributions).
Dataset<double> make_planted(const PlantedOptions& options);

// The planted direction w* of make_planted with the same d and seed.
Vector<double> planted_direction(std::int64_t d, std::uint64_t seed);

}  // namespace largestep
