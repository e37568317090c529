#!/usr/bin/env bash
# Shows that the instruction-count gate (scripts/bench_gate.sh counts) fails on a real regression
# and on nothing else:
#   1. builds bench_counts with -DLARGESTEP_INJECT_EXTRA_WORK=PERCENT (test only: that much extra
#      work in the fused kernel, results discarded) in build/inject-PERCENT and gates it against
#      the committed baseline: the gate must exit 1;
#   2. gates the unchanged release build RERUNS times on a subset (--filter; default: the kernels
#      at n = 64, d = 64 and every method at lambda = 0.01): every run must exit 0 (no alarm).
# Prints the largest growth the gate measured on the injected build and the number of alarms;
# exit 0 when both hold, 1 when either fails, 2 when the gate refused (e.g. no valgrind).
#
#   scripts/count_gate_proof.sh [--percent 2] [--reruns 20] [--filter SUBSTRING[,...]|all]
#
# The injected build compiles the libraries once more (minutes on 2 cores; ccache helps:
# CMAKE_CXX_COMPILER_LAUNCHER=ccache in the environment).
set -uo pipefail
cd "$(dirname "$0")/.."

percent=2
reruns=20
filter=(--filter "n=64/d=64,lambda=0.01/")
while [ $# -gt 0 ]; do
  case $1 in
    --percent) percent=$2; shift 2 ;;
    --reruns) reruns=$2; shift 2 ;;
    --filter) if [ "$2" = all ]; then filter=(); else filter=(--filter "$2"); fi; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "count_gate_proof: unknown option $1" >&2; exit 2 ;;
  esac
done

mkdir -p out/bench
inject_dir=build/inject-$percent
if [ ! -f "$inject_dir/CMakeCache.txt" ]; then
  cmake --preset release -B "$inject_dir" -DLARGESTEP_INJECT_EXTRA_WORK="$percent" \
    >out/bench/proof_configure.log 2>&1 ||
    { echo "count_gate_proof: configure failed (out/bench/proof_configure.log)" >&2; exit 2; }
fi

log=out/bench/proof_inject.log
start=$(date +%s)
bash scripts/bench_gate.sh counts --build-dir "$inject_dir" >"$log" 2>&1
status=$?
echo "count_gate_proof: injected $percent%: gate exit $status ($(($(date +%s) - start)) s);" \
     "$(grep -o 'largest change [^)]*' "$log")"
grep -E ' MORE$' "$log" | sed 's/^/  /'
[ $status -eq 2 ] && { cat "$log" >&2; exit 2; }
ok=1
if [ $status -ne 1 ]; then
  echo "count_gate_proof: FAIL: the gate did not catch $percent% extra work"
  ok=0
fi

# 0 when every count of the candidate equals the baseline's exactly.
same_as_baseline() {
  /usr/bin/python3 - "$1" bench/baselines/counts_baseline.json <<'PY'
import json, sys
cand, base = (json.load(open(p))["benchmarks"] for p in sys.argv[1:3])
sys.exit(0 if all(base[n] == c for n, c in cand.items()) else 1)
PY
}

alarms=0
identical=0
start=$(date +%s)
for k in $(seq 1 "$reruns"); do
  bash scripts/bench_gate.sh counts "${filter[@]}" >out/bench/proof_rerun.log 2>&1
  status=$?
  [ $status -eq 2 ] && { cat out/bench/proof_rerun.log >&2; exit 2; }
  same_as_baseline out/bench/counts_baseline.json && identical=$((identical + 1))
  if [ $status -ne 0 ]; then
    alarms=$((alarms + 1))
    cp out/bench/proof_rerun.log "out/bench/proof_alarm_$k.log"
  fi
done
benchmarks=$(grep -o 'PASS ([0-9]* benchmarks\|FAIL ([0-9]* benchmarks' out/bench/proof_rerun.log)
echo "count_gate_proof: $reruns unchanged reruns: $alarms alarm(s), $identical with every count" \
     "identical to the baseline (${benchmarks#* (}, $(($(date +%s) - start)) s)"
[ $alarms -eq 0 ] || ok=0
[ $ok -eq 1 ] && echo "count_gate_proof: PASS" || echo "count_gate_proof: FAIL"
[ $ok -eq 1 ]
