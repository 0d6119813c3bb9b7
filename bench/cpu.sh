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
# $OUT/cpu-runs.jsonl (default bench/results/cpu-<cores>core-<date>, with
# -quick for the quick profile) and prints the medians.
#
# PROFILE=quick (default paper) times the quick profile's workload (batch 32;
# 8 slides; 2 series of 8 slices; d = 32) instead, PyTorch with one thread
# (the threads our run uses: OpenBLAS single-threaded, ops one at a time)
# and with as many as cores. With the paper profile a fourth route runs our
# step with the pure-Go backend's ops in parallel (GOMLX_BACKEND=
# go:ops_parallel: independent ops of one graph on several cores, each op
# computed as alone, so the result does not depend on the thread count).
set -euo pipefail
cd "$(dirname "$0")/.."
cores="$(nproc)"
PROFILE="${PROFILE:-paper}"
suffix=""
[ "$PROFILE" = paper ] || suffix="-$PROFILE"
OUT="${OUT:-bench/results/cpu-${cores}core-$(date -u +%Y%m%d)$suffix}"
ROUNDS="${ROUNDS:-3}"
mkdir -p "$OUT"
bin="$(mktemp -d)/parachute"
go build -o "$bin" ./cmd/parachute
export GOMLX_BACKEND=go:ops_sequential GOMLX_NO_AUTO_INSTALL=1
runs="$OUT/cpu-runs.jsonl"
: >"$runs"
steps=5
[ "$PROFILE" = paper ] || steps=30
gomlx() { # gomlx LABEL [env...]
  local label="$1"; shift
  env "$@" "$bin" bench --profile "$PROFILE" --breakdown-runs 0 --steps "$steps" --predictions "$steps" | grep -v '^SimpleGo backend:' |
    python3 -c "import json,sys; d=json.load(sys.stdin); d['route']='$label'; print(json.dumps(d))" >>"$runs"
}
torch() { # torch LABEL THREADS [env...]
  local label="$1" threads="$2"; shift 2
  env "$@" /usr/bin/python3 bench/torch_reference.py --profile "$PROFILE" --threads "$threads" --steps $((2 * steps)) --json |
    python3 -c "import json,sys; d=json.load(sys.stdin); d['route']='$label'; print(json.dumps(d))" >>"$runs"
}
for _ in $(seq "$ROUNDS"); do
  gomlx "pure Go + BLAS"
  core="$(tail -n 1 "$runs" | python3 -c "import json,sys; print(json.load(sys.stdin).get('blas', {}).get('core', ''))")"
  coretype=()
  if [ -n "$core" ]; then coretype=(OPENBLAS_CORETYPE="$core"); fi
  if [ "$PROFILE" = paper ]; then
    gomlx "pure Go + BLAS, ops in parallel (GOMLX_BACKEND=go:ops_parallel)" GOMLX_BACKEND=go:ops_parallel
    torch "PyTorch, OpenBLAS as loaded" "$cores"
    if [ -n "$core" ]; then torch "PyTorch, OPENBLAS_CORETYPE=$core" "$cores" "${coretype[@]}"; fi
  else
    torch "PyTorch, 1 thread${core:+, OPENBLAS_CORETYPE=$core}" 1 "${coretype[@]}"
    torch "PyTorch, $cores threads${core:+, OPENBLAS_CORETYPE=$core}" "$cores" "${coretype[@]}"
  fi
done
if [ "$PROFILE" = paper ]; then gomlx "pure Go" PARACHUTE_BLAS=off; fi
python3 - "$runs" <<'PYEOF'
import json, statistics, sys
rows, rounds = {}, []
for line in open(sys.argv[1]):
    d = json.loads(line)
    r = d["route"]
    if r.startswith("PyTorch"):
        step, inf = d["train_step_ms_median"], d["inference_patients_per_s"]
    else:
        step, inf = d["result"]["step_ms_median"], d["result"]["patients_per_second"]
    if r == "pure Go + BLAS":
        rounds.append({})
    if rounds:
        rounds[-1][r] = (step, inf)
    rows.setdefault(r, []).append((step, inf))
med = {r: (statistics.median(s for s, _ in v), statistics.median(i for _, i in v)) for r, v in rows.items()}
torch_step = min(s for r, (s, _) in med.items() if r.startswith("PyTorch"))
torch_inf = max(i for r, (_, i) in med.items() if r.startswith("PyTorch"))
print("| route | training step (ms) | inference (patients/s) | step / fastest PyTorch | inference / fastest PyTorch | runs |")
print("| --- | --- | --- | --- | --- | --- |")
for r, v in rows.items():
    s, i = med[r]
    print(f"| {r} | {s:.1f} | {i:.1f} | {s / torch_step:.2f}× | {i / torch_inf:.2f}× | {len(v)} |")
# Ratios within each round (the runs of a round follow one another).
print()
print("| ours / route, same round | step: median (range) | inference: median (range) | rounds |")
print("| --- | --- | --- | --- |")
for r in rows:
    if r == "pure Go + BLAS":
        continue
    pairs = [(x["pure Go + BLAS"], x[r]) for x in rounds if r in x and "pure Go + BLAS" in x]
    if not pairs:
        continue
    st = [a[0] / b[0] for a, b in pairs]
    inf = [a[1] / b[1] for a, b in pairs]
    print(f"| {r} | {statistics.median(st):.2f}× ({min(st):.2f}–{max(st):.2f}) | {statistics.median(inf):.2f}× ({min(inf):.2f}–{max(inf):.2f}) | {len(pairs)} |")
PYEOF
