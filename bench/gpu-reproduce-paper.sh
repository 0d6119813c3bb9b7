#!/usr/bin/env bash
# GPU queue item 4 (bench/gpu-queue.md): the supplement's figures in the
# paper profile, `parachute reproduce --profile paper`, over as many device
# calls as they need. Each call restores the runs earlier calls finished
# (bench/results/gpu-reproduce-paper/, bench/gpu-cache.sh: the run cache's
# results, reused only by binaries of the same code), produces the figures
# of ONLY in order (default: the cheapest first) until its time is up, and
# returns the runs it finished and the figures and tables it completed
# (figures/, named as the notebooks name them). Committed notebooks of the
# paper profile are then executed on the CPU against this cache
# (PARACHUTE_CACHE), where every run is found; runs the cache keeps no
# weights for (the landscape's, the attention maps') are retrained there.
# Writes to $OUT (default bench/results/gpu-reproduce-paper-<date>).
# GPU_DRY_RUN=1 rehearses it on the CPU with the smoke profile.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/gpu-lib.sh gpu-reproduce-paper
. bench/gpu-env.sh # sets PY, BIN and DRY_RUN
. bench/gpu-cache.sh

ONLY="${ONLY:-figure8_auc,figure9_calibration,table5_degradation,section4_naive_concatenation,figure5_optimizers,figure7_encoders,figure6_landscape,figure10_interpretability}"
PROFILE=paper
[ "$DRY_RUN" = 1 ] && PROFILE=smoke
CUM="$(results_root)/gpu-reproduce-paper"
work="$(mktemp -d)"
restore_runs "$CUM" "$work/cache"
start=$SECONDS
finished=true
mkdir -p "$OUT/figures"
for name in ${ONLY//,/ }; do
  if ! RESERVE=30 step "reproduce $name ($PROFILE profile)" rest "$BIN" reproduce --profile "$PROFILE" --only "$name" --cache "$work/cache" --out "$work/figures" >>"$OUT/reproduce.txt"; then
    finished=false
    break
  fi
  echo "$name" >>"$OUT/completed.txt"
done
cp "$work"/figures/* "$OUT/figures/" 2>/dev/null
save_runs "$CUM" "$work/cache" "$start" "$finished"
rm -rf "$work"
