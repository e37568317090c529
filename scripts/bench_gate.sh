#!/usr/bin/env bash
# The benchmark regression gate.
#
#   scripts/bench_gate.sh compare BASELINE.json CANDIDATE.json [--threshold 0.10] [--alpha 0.05]
#                                 [--timing gate|report]
#       Compares two Google Benchmark JSON files of the same flavour (bench/gate.py): exit 1 when
#       a deterministic counter (steps-to-eps) differs or a median time is significantly slower
#       (Mann-Whitney U over the repetitions) beyond the threshold; 2 when it refuses.
#   scripts/bench_gate.sh ci [--build-dir build/release] [--update-baseline]
#       The CI profile: runs bench_time_to_eps on the registry's quick suite (5 repetitions) and
#       gates its step counts against bench/baselines/ci_quick.json; times are reported, never
#       failed on (CI machines are noisy). --update-baseline rewrites the baseline instead.
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
baseline=bench/baselines/ci_quick.json

mode=${1:-}
[ $# -gt 0 ] && shift
case $mode in
  compare)
    exec "$python" bench/gate.py "$@"
    ;;
  ci)
    build_dir=build/release
    update=0
    while [ $# -gt 0 ]; do
      case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --update-baseline) update=1; shift ;;
        *) echo "bench_gate: unknown option $1" >&2; exit 2 ;;
      esac
    done
    bench="$build_dir/bench/bench_time_to_eps"
    if [ ! -x "$bench" ]; then
      echo "bench_gate: $bench not built (cmake --build $build_dir --target bench_time_to_eps)" >&2
      exit 2
    fi
    mkdir -p out/bench
    candidate=out/bench/ci_quick.json
    "$bench" --suite=quick --benchmark_repetitions=5 --benchmark_min_time=0.02 \
      --benchmark_out="$candidate" --benchmark_out_format=json >out/bench/ci_quick.txt 2>&1
    if [ $update -eq 1 ]; then
      cp "$candidate" "$baseline"
      echo "bench_gate: wrote $baseline ($(grep -o '"flavour": "[^"]*"' "$baseline"))"
      exit 0
    fi
    exec "$python" bench/gate.py "$baseline" "$candidate" --timing report
    ;;
  *)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
    ;;
esac
