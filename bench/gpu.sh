#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU, Python with PyTorch and
# JAX's PJRT CUDA plugin (jax-cuda13-pjrt), no Go toolchain and no internet.
# It uses the binaries that bench/build-gpu-binaries.sh built beforehand
# (bench/bin/, carried with the working tree) and writes its JSON to $OUT
# (default bench/results/gpu-<date>). Within 8 minutes it:
#   1. finds the plugin, the CUDA data folder (libdevice, ptxas) and the
#      NVIDIA libraries, and sets GOMLX_BACKEND=xla:<plugin>, XLA_FLAGS and
#      LD_LIBRARY_PATH (never downloads: GOMLX_NO_AUTO_INSTALL=1);
#   2. prints the plugin's PJRT API version and runs a 2-op graph, with the
#      go-xla v0.1.4 binary, falling back to the v0.2.1 one if the plugin
#      refuses it;
#   3. times `parachute bench` on CUDA and the PyTorch reference on CUDA
#      (float32 and TF32), alternating, and compares CUDA's risks with the
#      CPU backend's for the same weights, in float32 and in float64;
#   4. trains fold 0 of the synthetic pda cohort in the paper profile for a
#      few epochs and extrapolates the full protocol's training time.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/results/gpu-$(date -u +%Y%m%d)}"
mkdir -p "$OUT"
exec 2> >(tee -a "$OUT/log.txt" >&2) # everything said on stderr is kept
EPOCHS="${EPOCHS:-4}"
log() { echo "== $*" >&2; }

. bench/gpu-env.sh # sets PY and BIN; writes $OUT/environment.json and backends.json

# Timings alternate GoMLX and PyTorch so that both see the same machine
# state. XLA computes float32 matrix products in TF32 on this GPU (its
# DEFAULT precision; GoMLX v0.26 cannot ask for HIGHEST), PyTorch in full
# float32 unless --tf32: both PyTorch settings are timed.
log "parachute bench on CUDA (1/2), with the float32 comparison against the CPU backend"
timeout 240 "$BIN" bench --steps 20 --predictions 30 --compare-cpu >"$OUT/bench-gomlx-xla-cuda.json"
log "PyTorch reference on CUDA: float32, then TF32"
: >"$OUT/bench-pytorch-cuda.jsonl"
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 20 --json >>"$OUT/bench-pytorch-cuda.jsonl" || true
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 20 --json --tf32 >>"$OUT/bench-pytorch-cuda.jsonl" || true
log "parachute bench on CUDA (2/2)"
timeout 240 "$BIN" bench --steps 20 --predictions 30 >"$OUT/bench-gomlx-xla-cuda-2.json"
log "PyTorch reference on CUDA (2/2): float32, then TF32"
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 20 --json >>"$OUT/bench-pytorch-cuda.jsonl" || true
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 20 --json --tf32 >>"$OUT/bench-pytorch-cuda.jsonl" || true
log "float64 model on CUDA against the CPU backend (no TF32, no float32 rounding)"
timeout 240 "$BIN" bench --compare-cpu --compare-only --compare-dtype float64 >"$OUT/compare-float64.json"

log "train fold 0 of synth:pda, paper profile, $EPOCHS epochs"
timeout 180 "$BIN" train --cohort synth:pda --fold 0 --profile paper --epochs "$EPOCHS" --out "$BIN_DIR/train" >/dev/null
"$PY" - "$BIN_DIR/train/run.json" "$OUT/train-extrapolation.json" <<'PYEOF'
import json, sys
run = json.load(open(sys.argv[1]))
hist = run.get("history") or []
secs = [h.get("seconds") for h in hist if h.get("seconds") is not None]
later = secs[1:] or secs
per_epoch = sorted(later)[len(later) // 2] if later else None
# The paper protocol: 800 epochs; 4 missing ratios; 5 + 4 + 5 folds (pda, ucec, ccrcc).
runs = 4 * (5 + 4 + 5)
out = {"epochs_run": len(secs), "epoch_seconds": secs, "median_epoch_seconds_after_first": per_epoch,
       "pda_fold_800_epochs_hours": per_epoch * 800 / 3600 if per_epoch else None,
       "protocol_runs": runs,
       "protocol_training_hours_if_every_fold_costs_like_pda": per_epoch * 800 * runs / 3600 if per_epoch else None,
       "note": "training only (evaluation, 30 mask repeats per scenario, not included); folds of other cohorts differ in size"}
json.dump(out, open(sys.argv[2], "w"), indent=2)
print(json.dumps(out, indent=2))
PYEOF
ls -l "$OUT" >&2
