#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs the demonstration (classical vs large
# stepsize GD on the hard dataset), the registry's suite as a tidy CSV, and the claim checker.
# PROFILE=quick (default) or PROFILE=paper.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
largestep=build/release/src/largestep
mkdir -p out

echo "== dataset"
"$largestep" data describe hard:gamma=0.1 --lambda 1e-4
for stepsize in "--rule classical" "--eta 100" "--rule s2"; do
  echo
  echo "== GD on hard:gamma=0.1, lambda = 1e-4, $stepsize"
  # shellcheck disable=SC2086
  "$largestep" run --data hard:gamma=0.1 --lambda 1e-4 $stepsize --trace "out/trace_${stepsize##* }.csv"
done
profile=${PROFILE:-quick}
echo
echo "== registry suite '$profile' -> out/sweep_$profile.csv"
"$largestep" sweep --suite "$profile" --out "out/sweep_$profile.csv"
echo
echo "== claim checker ($profile) -> out/verify/"
status=0
"$largestep" verify --suite "$profile" --out out/verify || status=$?
if [ "$status" -eq 1 ]; then
  echo "main: some claims FAIL in our measurements (see out/verify/verdicts.md); exit code 1"
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi
exit "$status"
