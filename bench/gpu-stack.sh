#!/usr/bin/env bash
# Stacked runs on a GPU (issue 20), for a machine with an NVIDIA GPU, Python
# with PyTorch and JAX's PJRT CUDA plugin, no Go toolchain and no internet;
# it runs the binaries bench/build-gpu-binaries.sh built beforehand
# (bench/bin/, carried with the working tree). Writes to $OUT (default
# bench/results/gpu-stack-<date>), within about 9 minutes:
#   1. float32 matrix products: the CUDA backend's risks against the CPU
#      backend's for the same weights with PARACHUTE_XLA_FLOAT32=default
#      (XLA's DEFAULT precision, TF32) and =full, and the step time with full;
#   2. `parachute bench --stack K` in the paper profile for K = 1, 5, 20 and
#      60 on the run axis, GCS at K = 20 on the run axis, and K = 5 as
#      replicas (each its own process and time limit; sizes are skipped once
#      BUDGET seconds are used);
#   3. the PyTorch reference's training step on CUDA (bench/torch_reference.py,
#      full float32 and TF32): the same runs one after another cost K × its
#      step time × the steps of an epoch;
#   4. summary.md and summary.json: seconds per epoch per run for each K,
#      speed-ups over K = 1 and over PyTorch one run after another, and the
#      full paper protocol's training time extrapolated from them.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/results/gpu-stack-$(date -u +%Y%m%d)}"
mkdir -p "$OUT"
exec 2> >(tee -a "$OUT/log.txt" >&2) # everything said on stderr is kept
log() { echo "== $*" >&2; }

. bench/gpu-env.sh # sets PY and BIN; writes $OUT/environment.json and backends.json

for mode in default full; do
  log "risks against the CPU backend, PARACHUTE_XLA_FLOAT32=$mode"
  PARACHUTE_XLA_FLOAT32=$mode timeout 150 "$BIN" bench --compare-cpu --compare-only >"$OUT/compare-float32-$mode.json" || log "failed"
done
log "step time with PARACHUTE_XLA_FLOAT32=full"
PARACHUTE_XLA_FLOAT32=full timeout 120 "$BIN" bench --steps 20 --predictions 5 >"$OUT/bench-float32-full.json" || log "failed"

# XLA compiles a stack's graph once (29 s for one run on the H200 of
# 2026-11-27); on the run axis the graph is about one run's size, but K
# replicas make it K times larger, so each size gets its own process and
# time limit, and sizes are skipped once the script has used BUDGET seconds
# (default 480), leaving time for the PyTorch reference.
BUDGET="${BUDGET:-480}"
stack() { # stack OPTIMIZER LAYOUT K LIMIT
  if [ "$SECONDS" -gt "$BUDGET" ]; then log "skipped $1 $2 K=$3: ${SECONDS}s used of ${BUDGET}s"; return; fi
  log "bench --stack $3 (paper profile, $1, $2)"
  timeout "$4" "$BIN" bench --stack "$3" --optimizer "$1" --stack-layout "$2" --stack-profile paper --stack-epochs 3 >"$OUT/stack-$1-$2-k$3.json" ||
    { log "$1 $2 K=$3 did not finish within $4 s"; rm -f "$OUT/stack-$1-$2-k$3.json"; }
}
stack adamw axis 1 120
stack adamw axis 5 150
stack adamw axis 20 180
stack gcs axis 20 180
stack adamw axis 60 240
stack adamw replicas 5 200

log "PyTorch reference step on CUDA: float32, then TF32"
: >"$OUT/pytorch-step.jsonl"
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 30 --json >>"$OUT/pytorch-step.jsonl" || true
timeout 120 "$PY" bench/torch_reference.py --device cuda --steps 30 --json --tf32 >>"$OUT/pytorch-step.jsonl" || true

"$PY" - "$OUT" <<'PYEOF'
import json, os, re, sys
out = sys.argv[1]
def load(name):
    try:
        return json.load(open(os.path.join(out, name)))
    except Exception:
        return None
sizes = {}
for name in sorted(os.listdir(out)):
    m = re.match(r"stack-(adamw|gcs)-(axis|replicas)-k(\d+)\.json$", name)
    if m and load(name):
        sizes[(m.group(1), m.group(2), int(m.group(3)))] = load(name)
lines, summary = ["# Stacked runs on %s" % (load("environment.json") or {}).get("gpu", "a GPU"), ""], {"sizes": []}
one = sizes.get(("adamw", "axis", 1))
steps = None
if one:
    steps = int(re.search(r"(\d+) steps", one["workload"]).group(1))
    lines += ["%s profile, %s: %s. PyTorch one after another: K × the steps of an epoch × its step on the fixed benchmark workload (batch 16, as the paper profile)." %
              (one["profile"], one["cohort"], one["workload"]), ""]
torch_runs = [json.loads(l) for l in open(os.path.join(out, "pytorch-step.jsonl")) if l.strip()]
lines += ["| optimizer | layout | K | s per epoch (stack) | s per epoch per run | speed-up over K = 1 | over PyTorch one after another (float32 / TF32) |",
          "|---|---|---|---|---|---|---|"]
for (opt, layout, k), r in sorted(sizes.items()):
    s = r["sizes"][0]
    per_run = s["epoch_seconds_median"] / k
    row = {"optimizer": opt, "layout": layout if k > 1 else "-", "k": k, "epoch_seconds": s["epoch_seconds_median"], "first_epoch_seconds": s["first_epoch_seconds"],
           "per_run_epoch_seconds": per_run}
    if one and opt == "adamw":
        row["speedup_over_k1"] = one["sizes"][0]["epoch_seconds_median"] / per_run
    torch_cols = []
    for t in torch_runs:
        if steps and opt == "adamw":
            torch_epoch = steps * t["train_step_ms_median"] / 1000
            row["speedup_over_pytorch_tf32" if t["tf32"] else "speedup_over_pytorch_float32"] = torch_epoch / per_run
            torch_cols.append("%.1f×" % (torch_epoch / per_run))
    summary["sizes"].append(row)
    lines.append("| %s | %s | %d | %.3f | %.4f | %s | %s |" % (opt, row["layout"], k, row["epoch_seconds"], per_run,
                 "%.1f×" % row["speedup_over_k1"] if "speedup_over_k1" in row else "—", " / ".join(torch_cols) or "—"))
adamw = [r for r in summary["sizes"] if r["optimizer"] == "adamw" and r["layout"] in ("axis", "-")]
if adamw:
    best = min(adamw, key=lambda r: r["per_run_epoch_seconds"])
    gcs = next((r for r in summary["sizes"] if r["optimizer"] == "gcs"), None)
    gcs_factor = gcs["per_run_epoch_seconds"] / next((r["per_run_epoch_seconds"] for r in adamw if r["k"] == gcs["k"]), best["per_run_epoch_seconds"]) if gcs else None
    runs = 4 * (5 + 4 + 5)  # missing ratios × folds of pda, ucec and ccrcc, per optimizer
    minutes = best["per_run_epoch_seconds"] * 800 * runs * (1 + (gcs_factor or 1)) / 60
    summary["protocol"] = {"best_k": best["k"], "runs_per_optimizer": runs, "epochs": 800, "gcs_cost_over_adamw": gcs_factor,
                           "training_minutes_adamw_and_gcs": minutes,
                           "note": "extrapolated from synth:pda fold 0's epoch time as if every fold cost the same; evaluation not included"}
    lines += ["", "Full paper protocol (3 cohorts × 4 ratios × 5/4/5 folds × AdamW and GCS, 800 epochs), extrapolated at K = %d: %.1f minutes of training%s." %
              (best["k"], minutes, "" if gcs_factor else " (GCS costed as AdamW: its run did not finish)")]
for mode in ("default", "full"):
    c = load("compare-float32-%s.json" % mode)
    if c:
        summary["float32_" + mode] = c.get("agreement_with_cpu")
        lines.append("PARACHUTE_XLA_FLOAT32=%s: %s" % (mode, json.dumps(c.get("agreement_with_cpu"))))
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
ls -l "$OUT" >&2
