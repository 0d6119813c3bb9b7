#!/usr/bin/env bash
# CPU routes on this machine, measured in one run: `parachute bench` on the
# pure-Go backend with package blasdot's BLAS executor, the same with it
# switched off (PARACHUTE_BLAS=off), and the PyTorch reference
# (bench/torch_reference.py, Debian's python3-torch) with as many threads as
# cores. PyTorch runs twice per round: with OpenBLAS as it loads, and with
# OPENBLAS_CORETYPE set to the kernels blasdot runs (blasdot corrects an
# OpenBLAS that misjudges the CPU; PyTorch's linear layers use the same
# library, so the fair comparison gives it the same kernels; ratios are to the
# faster PyTorch). The BLAS and PyTorch runs alternate ROUNDS times (default
# 3); the slow pure-Go route runs once. Writes one JSON line per run to
# $OUT/cpu-runs.jsonl (default bench/results/cpu-<cores>core-<date>) and
# prints the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
cores="$(nproc)"
OUT="${OUT:-bench/results/cpu-${cores}core-$(date -u +%Y%m%d)}"
ROUNDS="${ROUNDS:-3}"
mkdir -p "$OUT"
bin="$(mktemp -d)/parachute"
go build -o "$bin" ./cmd/parachute
export GOMLX_BACKEND=go:ops_sequential GOMLX_NO_AUTO_INSTALL=1
runs="$OUT/cpu-runs.jsonl"
: >"$runs"
gomlx() { # gomlx LABEL [env...]
  local label="$1"; shift
  env "$@" "$bin" bench --steps 5 --predictions 5 | python3 -c "import json,sys; d=json.load(sys.stdin); d['route']='$label'; print(json.dumps(d))" >>"$runs"
}
torch() { # torch LABEL [env...]
  local label="$1"; shift
  env "$@" /usr/bin/python3 bench/torch_reference.py --threads "$cores" --steps 10 --json | python3 -c "import json,sys; d=json.load(sys.stdin); d['route']='$label'; print(json.dumps(d))" >>"$runs"
}
for _ in $(seq "$ROUNDS"); do
  gomlx "pure Go + BLAS"
  core="$(tail -n 1 "$runs" | python3 -c "import json,sys; print(json.load(sys.stdin).get('blas', {}).get('core', ''))")"
  torch "PyTorch, OpenBLAS as loaded"
  if [ -n "$core" ]; then torch "PyTorch, OPENBLAS_CORETYPE=$core" OPENBLAS_CORETYPE="$core"; fi
done
gomlx "pure Go" PARACHUTE_BLAS=off
python3 - "$runs" <<'PYEOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    r = d["route"]
    if r.startswith("PyTorch"):
        step, inf = d["train_step_ms_median"], d["inference_patients_per_s"]
    else:
        step, inf = d["result"]["step_ms_median"], d["result"]["patients_per_second"]
    rows.setdefault(r, []).append((step, inf))
med = {r: (statistics.median(s for s, _ in v), statistics.median(i for _, i in v)) for r, v in rows.items()}
torch_step = min(s for r, (s, _) in med.items() if r.startswith("PyTorch"))
torch_inf = max(i for r, (_, i) in med.items() if r.startswith("PyTorch"))
print("| route | training step (ms) | inference (patients/s) | step / PyTorch | inference / PyTorch | runs |")
print("| --- | --- | --- | --- | --- | --- |")
for r, v in rows.items():
    s, i = med[r]
    print(f"| {r} | {s:.0f} | {i:.1f} | {s / torch_step:.2f}× | {i / torch_inf:.2f}× | {len(v)} |")
PYEOF
