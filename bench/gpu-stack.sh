#!/usr/bin/env bash
# GPU queue item 1 (bench/gpu-queue.md): stacked runs on a GPU, for a machine
# with an NVIDIA GPU, Python with PyTorch and JAX's PJRT CUDA plugin, no Go
# toolchain and no internet; it runs the binaries
# bench/build-gpu-binaries.sh built beforehand (bench/bin/, carried with the
# working tree). Writes to $OUT (default bench/results/gpu-stack-<date>),
# within ITEM_LIMIT seconds (bench/gpu-lib.sh; each step has its own limit
# and is skipped when the time left is too short):
#   1. float32 matrix products: the CUDA backend's risks against the CPU
#      backend's for the same weights with PARACHUTE_XLA_FLOAT32=default
#      (XLA's DEFAULT precision, TF32) and =full, and the step time with full;
#   2. the PyTorch reference's training step on CUDA (bench/torch_reference.py,
#      full float32 and TF32): the same runs one after another cost K × its
#      step time × the steps of an epoch;
#   3. `parachute bench --stack K` in the paper profile for K = 1, 5, 20 and
#      60 on the run axis, GCS at K = 20 on the run axis, and K = 5 as
#      replicas (each its own process and time limit);
#   4. summary.md and summary.json: seconds per epoch per run for each K,
#      speed-ups over K = 1 and over PyTorch one run after another, and the
#      full paper protocol's training time extrapolated from them.
# GPU_DRY_RUN=1 rehearses it on the CPU (bench/gpu-env.sh): quick profile,
# K = 1 and 2, a few steps, PyTorch on the CPU if it is installed.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/gpu-lib.sh gpu-stack

. bench/gpu-env.sh # sets PY, BIN and DRY_RUN; writes $OUT/environment.json and backends.json

PROFILE=paper STEPS=20 PREDICTIONS=5 TORCH_DEVICE=cuda SIZES="1 5 20 60"
if [ "$DRY_RUN" = 1 ]; then PROFILE=quick STEPS=2 PREDICTIONS=1 TORCH_DEVICE=cpu SIZES="1 2"; fi

for mode in default full; do
  PARACHUTE_XLA_FLOAT32=$mode step "risks against the CPU backend, PARACHUTE_XLA_FLOAT32=$mode" 90 \
    "$BIN" bench --compare-cpu --compare-only >"$OUT/compare-float32-$mode.json"
done
for mode in full default; do # the step time in both modes, one after the other in one run
  PARACHUTE_XLA_FLOAT32=$mode step "step time with PARACHUTE_XLA_FLOAT32=$mode" 90 \
    "$BIN" bench --steps "$STEPS" --predictions "$PREDICTIONS" >"$OUT/bench-float32-$mode.json"
done

: >"$OUT/pytorch-step.jsonl"
if "$PY" -c 'import torch' 2>/dev/null; then
  step "PyTorch reference step ($TORCH_DEVICE, float32)" 60 "$PY" bench/torch_reference.py --device "$TORCH_DEVICE" --steps "$STEPS" --json >>"$OUT/pytorch-step.jsonl"
  [ "$DRY_RUN" = 1 ] || step "PyTorch reference step ($TORCH_DEVICE, TF32)" 60 "$PY" bench/torch_reference.py --device "$TORCH_DEVICE" --steps "$STEPS" --json --tf32 >>"$OUT/pytorch-step.jsonl"
else
  log "no PyTorch here: its reference is skipped"
fi

# XLA compiles a stack's graph once (29 s for one run on the H200 of
# 2026-11-27); on the run axis the graph is about one run's size, but K
# replicas make it K times larger, so each size gets its own process and
# time limit.
stack() { # stack OPTIMIZER LAYOUT K LIMIT
  step "bench --stack $3 ($PROFILE profile, $1, $2)" "$4" \
    "$BIN" bench --stack "$3" --optimizer "$1" --stack-layout "$2" --stack-profile "$PROFILE" --stack-epochs 3 >"$OUT/stack-$1-$2-k$3.json" ||
    rm -f "$OUT/stack-$1-$2-k$3.json"
}
for k in $SIZES; do
  stack adamw axis "$k" $((80 + k))
  [ "$k" = 20 ] && stack gcs axis 20 120
done
[ "$DRY_RUN" = 1 ] && stack gcs axis 2 60
stack adamw replicas 5 150

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
lines += ["", "## Float32", "", "Float32 matrix products, same weights and batch (risks ≈ 0.1): the GPU's and the CPU backend's relative error against the float64 model, and the largest |Δrisk| between them.", "",
          "| PARACHUTE_XLA_FLOAT32 | GPU vs float64 | CPU vs float64 | max abs(Δrisk) GPU vs CPU | full float32 (within 10× the CPU's error) |", "|---|---|---|---|---|"]
for mode in ("default", "full"):
    c = load("compare-float32-%s.json" % mode)
    a = c and c.get("agreement_with_cpu")
    if a:
        full = a["other_rel_err_vs_float64"] <= 10 * max(a["reference_rel_err_vs_float64"], 1e-12)
        summary["float32_" + mode] = {k: a[k] for k in ("max_abs_diff", "reference_rel_err_vs_float64", "other_rel_err_vs_float64")} | {"full_float32": full}
        lines.append("| %s | %.2g | %.2g | %.2g | %s |" % (mode, a["other_rel_err_vs_float64"], a["reference_rel_err_vs_float64"], a["max_abs_diff"], "yes" if full else "no"))
    else:
        lines.append("| %s | did not finish | | | |" % mode)
steps_ms = {}
for mode in ("full", "default"):
    b = load("bench-float32-%s.json" % mode)
    if b:
        steps_ms[mode] = b["result"]["step_ms_median"]
        summary["step_ms_float32_" + mode] = b["result"]["step_ms_median"]
        lines.append("Training step (`parachute bench`, %s) with PARACHUTE_XLA_FLOAT32=%s: median %.1f ms, first (compiling) %.1f s, inference %.0f patients/s." %
                     (b["result"]["workload"], mode, b["result"]["step_ms_median"], b["result"]["first_step_ms"] / 1000, b["result"]["patients_per_second"]))
if len(steps_ms) == 2:
    lines.append("full / default step time: %.2f×." % (steps_ms["full"] / steps_ms["default"]))
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
ls -l "$OUT" >&2
