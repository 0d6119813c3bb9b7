#!/usr/bin/env bash
# Stacked runs on this machine's CPU cores (issue 20): the quick protocol of
# synth:pda trained one run at a time (--stack 1) and stacked (--stack 20,
# forced: the automatic choice does not stack on the pure-Go backend), with
# 1 and 2 workers, each from an empty cache; the summary rows must be equal.
# Then `parachute bench --stack` (seconds per epoch of K stacked runs) in the
# quick profile and, briefly, the paper profile, for each stack layout (the
# run axis and replicas). Writes to $OUT (default
# bench/results/stack-cpu-<date>): protocol-times.jsonl, the bench JSON files
# and summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-bench/results/stack-cpu-$(date -u +%Y%m%d)}"
mkdir -p "$OUT"
work="$(mktemp -d)"
bin="$work/parachute"
go build -o "$bin" ./cmd/parachute
export GOMLX_BACKEND=go:ops_sequential GOMLX_NO_AUTO_INSTALL=1
times="$OUT/protocol-times.jsonl"
: >"$times"
for workers in 1 2; do
  for stack in 1 20; do
    dir="$work/protocol-s$stack-w$workers"
    start=$(date +%s.%N)
    "$bin" protocol --cohort synth:pda --profile quick --stack "$stack" --workers "$workers" --out "$dir" >/dev/null 2>"$dir.log"
    end=$(date +%s.%N)
    rss=$(grep -o 'maxrss [0-9]*' "$dir.log" || true)
    python3 - "$dir/summary.json" "$stack" "$workers" "$start" "$end" >>"$times" <<'PYEOF'
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps({"stack": int(sys.argv[2]), "workers": int(sys.argv[3]),
                  "wall_seconds": round(float(sys.argv[5]) - float(sys.argv[4]), 2),
                  "runs": len(s["runs"]), "rows": s["configs"]}))
PYEOF
    echo "protocol --stack $stack --workers $workers: $(tail -n 1 "$times" | python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_seconds"])') s" >&2
  done
done
for layout in axis replicas; do
  "$bin" bench --stack 1,5,20 --stack-profile quick --stack-epochs 10 --stack-layout "$layout" >"$OUT/bench-stack-quick-$layout.json"
  "$bin" bench --stack 1,3 --stack-profile paper --stack-epochs 3 --stack-layout "$layout" >"$OUT/bench-stack-paper-$layout.json"
done
python3 - "$OUT" <<'PYEOF'
import json, sys, os
out = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(out, "protocol-times.jsonl"))]
lines = ["# Stacked runs on %d CPU cores (pure-Go backend)" % os.cpu_count(), "",
         "Quick protocol of synth:pda (20 runs: 5 folds × 4 missing ratios), each from an empty cache (stacks on the run axis):", "",
         "| workers | --stack | wall (s) | speed-up over --stack 1 | summary rows equal to --stack 1 |", "|---|---|---|---|---|"]
for r in rows:
    base = next(b for b in rows if b["workers"] == r["workers"] and b["stack"] == 1)
    lines.append("| %d | %d | %.1f | %.2f× | %s |" % (r["workers"], r["stack"], r["wall_seconds"],
                 base["wall_seconds"] / r["wall_seconds"], "yes" if r["rows"] == base["rows"] else "NO"))
for name in ("quick-axis", "quick-replicas", "paper-axis", "paper-replicas"):
    b = json.load(open(os.path.join(out, "bench-stack-%s.json" % name)))
    lines += ["", "`parachute bench --stack` (%s profile, %s; %s):" % (b["profile"], b["layout"], b["workload"]), "",
              "| K | s per epoch (stack) | s per epoch per run | speed-up over one at a time | peak RSS (MB) |", "|---|---|---|---|---|"]
    for s in b["sizes"]:
        lines.append("| %d | %.3f | %.3f | %s | %.0f |" % (s["k"], s["epoch_seconds_median"], s["per_run_epoch_seconds"],
                     "%.2f×" % s["speedup_over_one_at_a_time"] if s.get("speedup_over_one_at_a_time") else "—", s["peak_rss_mb"]))
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
