#!/usr/bin/env bash
# GPU queue item 2 (bench/gpu-queue.md): the paper profile's protocol for
# synth:ucec (the smallest cohort: 4 folds × 4 missing ratios = 16 runs of
# 800 epochs, each evaluated with 30 mask repeats per scenario), timed end to
# end (compile, train, evaluate). It needs several device calls: each call
# restores the runs earlier calls finished (bench/results/gpu-ucec-protocol/,
# bench/gpu-cache.sh), runs `parachute protocol` until its time is up, and
# returns the runs it finished and a line of calls.jsonl; the call that
# finishes the protocol also returns summary.json and summary.md (the
# protocol's table, the time per run, and the time of all three cohorts and
# every figure extrapolated from it). Writes to $OUT (default
# bench/results/gpu-ucec-protocol-<date>). GPU_DRY_RUN=1 rehearses it on the
# CPU with the quick profile, 2 epochs and 2 repeats.
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/gpu-lib.sh gpu-ucec-protocol
. bench/gpu-env.sh # sets PY, BIN and DRY_RUN
. bench/gpu-cache.sh

ARGS=(--cohort synth:ucec --profile paper)
if [ "$DRY_RUN" = 1 ]; then ARGS=(--cohort synth:ucec --profile quick --epochs "${DRY_EPOCHS:-2}" --repeats 2); fi
CUM="$(results_root)/gpu-ucec-protocol"
work="$(mktemp -d)"
restore_runs "$CUM" "$work/protocol"
start=$SECONDS
RESERVE=30 step "protocol ${ARGS[*]}" rest "$BIN" protocol "${ARGS[@]}" --out "$work/protocol" >"$work/table.txt" 2>"$work/progress.txt"
rc=$?
# The per-run lines of the progress log (trained or cached, with the time).
grep -E '^runs [0-9]+/[0-9]+ +[0-9a-f]{16} ' "$work/progress.txt" >"$OUT/progress.txt" || true
if [ "$rc" = 0 ]; then
  cp "$work/protocol/summary.json" "$OUT/summary.json"
  cp "$work/table.txt" "$OUT/table.txt"
  save_runs "$CUM" "$work/protocol" "$start" true
else
  save_runs "$CUM" "$work/protocol" "$start" false
fi
"$PY" - "$OUT" "$CUM" <<'PYEOF'
import json, os, sys
out, cum = sys.argv[1], sys.argv[2]
calls = []
for path in (os.path.join(cum, "calls.jsonl"), os.path.join(out, "calls.jsonl")):
    if os.path.exists(path):
        calls += [json.loads(l) for l in open(path) if l.strip()]
lines = ["# synth:ucec, the paper profile's protocol, on %s" % json.load(open(os.path.join(out, "environment.json")))["gpu"], ""]
lines += ["| call | runs finished in it | runs cached after it | seconds | protocol finished |", "|---|---|---|---|---|"]
for c in calls:
    lines.append("| %s | %d | %d | %d | %s |" % (c["date"], c["runs_finished_here"], c["runs_in_cache"], c["seconds"], "yes" if c["finished"] else "no"))
trained = sum(c["runs_finished_here"] for c in calls)
seconds = sum(c["seconds"] for c in calls)
if trained:
    per_run = seconds / trained
    lines += ["", "%d runs trained and evaluated in %d s of calls: %.0f s per run, end to end (compile, the profile's epochs, evaluation; the time of runs a call did not finish is counted too)." % (trained, seconds, per_run)]
    # Runs of the supplement's figures, each costed as one synth:ucec run (a
    # lower bound for the larger cohorts): the protocol for each cohort and
    # optimizer (Table 5, Figure 5: AdamW, GCS, SAM, CR-SAM and GradVac on 3
    # cohorts × 4 ratios × 5/4/5 folds).
    protocol_runs = 4 * (5 + 4 + 5)
    lines.append("At that rate one optimizer's protocol on all three cohorts (%d runs) takes %.1f h, and the five optimizers of Figure 5 %.1f h, on one GPU (every run costed as a synth:ucec one)." %
                 (protocol_runs, protocol_runs * per_run / 3600, 5 * protocol_runs * per_run / 3600))
s = os.path.join(out, "table.txt")
if os.path.exists(s):
    table = [l for l in open(s).read().splitlines() if not l.endswith("summary.json")]
    lines += ["", "Protocol table:", "", "```"] + table + ["```"]
open(os.path.join(out, "summary.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
rm -rf "$work"
