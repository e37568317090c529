#!/usr/bin/env bash
# Measures the paired A/B timing gate (scripts/bench_gate.sh ab) on this machine:
#   power        RUNS_SLOW runs of HEAD against a build with PERCENT% extra work in the fused
#                kernel (-DLARGESTEP_INJECT_EXTRA_WORK, test only; build/inject-PERCENT): how many
#                runs say SLOWER (exit 1);
#   false alarms RUNS_SAME runs of HEAD against itself (a worktree build at HEAD against the
#                working tree's build/release): how many runs say SLOWER;
# and the longest wall time of a run. Extra arguments go to bench/ab.py (e.g. --pairs 15).
#
#   scripts/ab_proof.sh [--percent 5] [--slow 10] [--same 20] [-- AB_OPTIONS...]
set -uo pipefail
cd "$(dirname "$0")/.."

percent=5
runs_slow=10
runs_same=20
while [ $# -gt 0 ]; do
  case $1 in
    --percent) percent=$2; shift 2 ;;
    --slow) runs_slow=$2; shift 2 ;;
    --same) runs_same=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "ab_proof: unknown option $1" >&2; exit 2 ;;
  esac
done

inject_dir=build/inject-$percent
mkdir -p out/ab
if [ ! -f "$inject_dir/CMakeCache.txt" ]; then
  cmake --preset release -B "$inject_dir" -DLARGESTEP_INJECT_EXTRA_WORK="$percent" \
    -DLARGESTEP_BUILD_TESTS=OFF >out/ab/proof_configure.log 2>&1 ||
    { echo "ab_proof: configure failed (out/ab/proof_configure.log)" >&2; exit 2; }
fi

: >out/ab/proof_seconds.txt
# Runs `bench_gate.sh ab HEAD` with the given head build N times; prints the SLOWER count.
count_slower() {
  local head_dir=$1 runs=$2 label=$3 slower=0 k status start took
  shift 3
  for k in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    bash scripts/bench_gate.sh ab HEAD --build-dir "$head_dir" --seed "$k" "$@" \
      >"out/ab/proof_${label}_$k.log" 2>&1
    status=$?
    took=$(echo "$(date +%s.%N) - $start" | bc)
    echo "$label $took" >>out/ab/proof_seconds.txt
    case $status in
      0) ;;
      1) slower=$((slower + 1)) ;;
      *) cat "out/ab/proof_${label}_$k.log" >&2; exit 2 ;;
    esac
  done
  echo "$slower"
}

slow=$(count_slower "$inject_dir" "$runs_slow" slow "$@") || exit 2
echo "ab_proof: $percent% slower build: detected in $slow of $runs_slow runs"
same=$(count_slower build/release "$runs_same" same "$@") || exit 2
echo "ab_proof: A/A (HEAD against itself): $same alarm(s) in $runs_same runs"
echo "ab_proof: longest run $(sort -k2 -g out/ab/proof_seconds.txt | tail -1 | cut -d' ' -f2) s"
# The mean over runs of each benchmark's median ratio, by side.
mean_ratios() {
  grep -h "^fused" out/ab/proof_"$1"_*.log | awk -v label="$2" '
    { n[$1]++; s[$1] += $2 }
    END { for (b in n) printf "  %s %s mean median ratio %.4f\n", label, b, s[b] / n[b] }'
}
mean_ratios slow "slow:"
mean_ratios same "A/A: "
