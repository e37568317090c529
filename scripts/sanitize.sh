#!/usr/bin/env bash
# Builds the sanitize preset (g++, ASan + UBSan, build/sanitize) and runs the CTest suite under
# it; any sanitizer report (memory error, leak, undefined behaviour) fails its test.
#
#   scripts/sanitize.sh [--jobs N] [CTEST ARGUMENTS ...]
#
#   --jobs N   build and test jobs (default: nproc)
#   CTEST ARGUMENTS, e.g. -R 'Readers|Solvers' or -E 'smoke', select a subset of the tests.
#
# Builds and runs at nice 10 (CI machines are shared). Installs nothing: needs what
# scripts/install-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
if [ "${1:-}" = --jobs ]; then
  jobs=$2
  shift 2
fi
case ${1:-} in -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;; esac

# halt_on_error: the first report ends the process with a failure; the preset already builds with
# -fno-sanitize-recover=all, so UBSan stops at its first report too. Exported before the build,
# which runs the test binaries to list their tests.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=report_objects=1

nice -n 10 cmake --preset sanitize >/dev/null
nice -n 10 cmake --build --preset sanitize -j "$jobs"
nice -n 10 ctest --preset sanitize -j "$jobs" "$@"
