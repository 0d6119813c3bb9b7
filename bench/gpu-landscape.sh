#!/usr/bin/env bash
# GPU queue item 3 (bench/gpu-queue.md): the loss landscape of a paper-size
# network (d = 256, 5.1 M parameters) on a GPU, timed end to end with the
# binaries of bench/build-gpu-binaries.sh. Trains fold 0 of synth:pda in
# the paper profile for EPOCHS epochs (default 100; timing, not a finished
# model), then runs `parachute landscape` on it: the top-2 Hessian
# eigenpairs by Lanczos (Hessian-vector products by double backpropagation),
# the trace by Hutchinson's estimator (30 probes) and the loss on a 41 × 41
# grid. Writes to $OUT (default bench/results/gpu-landscape-<date>):
# train.json (the run's record, risks dropped), landscape.json, landscape.png
# and summary.md (seconds per part, seconds per Hessian-vector product).
# GPU_DRY_RUN=1 rehearses it on the CPU: quick profile, 2 epochs, a 5 × 5
# grid and 3 probes.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/gpu-lib.sh gpu-landscape
. bench/gpu-env.sh # sets PY, BIN and DRY_RUN

PROFILE=paper EPOCHS="${EPOCHS:-100}" GRID=41 PROBES=30
if [ "$DRY_RUN" = 1 ]; then PROFILE=quick EPOCHS=2 GRID=5 PROBES=3; fi
work="$(mktemp -d)"
step "train fold 0 of synth:pda ($PROFILE profile, $EPOCHS epochs)" 150 \
  "$BIN" train --cohort synth:pda --fold 0 --profile "$PROFILE" --epochs "$EPOCHS" --out "$work/run" >"$work/train.out" || exit 1
step "landscape ($GRID × $GRID grid, $PROBES trace probes)" 400 \
  "$BIN" landscape --run "$work/run" --grid "$GRID" --trace-probes "$PROBES" --out "$work/landscape" >"$OUT/landscape.txt"
cp "$work/landscape/landscape.json" "$work/landscape/landscape.png" "$OUT/" 2>/dev/null

"$PY" - "$OUT" "$work/run/run.json" "$PROFILE" "$EPOCHS" <<'PYEOF'
import json, os, sys
out, run_path, profile, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
run = json.load(open(run_path))
for key in ("test_risks", "train_risks", "risks", "patients"):
    run.pop(key, None)
json.dump(run, open(os.path.join(out, "train.json"), "w"), indent=1)
lines = ["# Loss landscape of a %s-profile network on %s" % (profile, json.load(open(os.path.join(out, "environment.json")))["gpu"]), ""]
hist = run.get("history") or []
secs = [h.get("seconds") for h in hist if isinstance(h, dict) and h.get("seconds") is not None]
if secs:
    after = sorted(secs[1:]) or secs
    lines.append("Training: fold 0 of synth:pda, %d epochs; first epoch (compiling) %.1f s, median epoch after it %.3f s." % (epochs, secs[0], after[len(after) // 2]))
try:
    L = json.load(open(os.path.join(out, "landscape.json")))
except Exception:
    lines.append("The landscape did not finish: see log.txt.")
else:
    s = L["seconds"]
    n = len(L["alphas"])
    lines += ["", "| part | seconds | work |", "|---|---|---|",
              "| top-2 eigenpairs (Lanczos) | %.1f | %d Hessian-vector products (%.3f s each), converged %s |" % (s["eigen"], L["lanczos_products"], s["eigen"] / max(1, L["lanczos_products"]), L["converged"]),
              "| trace (Hutchinson) | %.1f | %d probes |" % (s["trace"], L["trace_probes"]),
              "| %d × %d grid | %.1f | %d loss evaluations |" % (n, n, s["surface"], n * n),
              "", "%d parameters; λ₁, λ₂ = %s; tr H = %s ± %s." % (L["parameters"], ", ".join("%.4g" % e for e in L["eigenvalues"][:2]), L["trace"], L["trace_se"])]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
rm -rf "$work"
