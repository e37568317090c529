#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs the whole test suite: the CTest
# suite (GoogleTest units, benchmark smoke tests, the gate's and the plots' tests), then the
# OpenMP thread-determinism tests in their own small build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake --preset release
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"
bash scripts/test_openmp.sh
