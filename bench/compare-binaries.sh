#!/usr/bin/env bash
# Two builds of parachute on the same sweep, alternating (a speed-up is a
# ratio measured in one run): the quick protocol of synth:pda (20 runs: 5
# folds × 4 missing ratios) with one worker, each from an empty cache, ROUNDS
# times (default 3); then checks that both wrote the same run files, timings
# and checksums aside (a change that claims to keep results must keep them
# bitwise). Writes $OUT/compare.jsonl and $OUT/compare.md (default
# bench/results/compare-<date>).
#
#   bench/compare-binaries.sh OLD_BINARY NEW_BINARY
#   (e.g. git worktree add /tmp/old <commit> && (cd /tmp/old && go build -o /tmp/parachute-old ./cmd/parachute))
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
old="$1" new="$2"
OUT="${OUT:-bench/results/compare-$(date -u +%Y%m%d)}"
ROUNDS="${ROUNDS:-3}"
COHORT="${COHORT:-synth:pda}"
mkdir -p "$OUT"
export GOMLX_BACKEND="${GOMLX_BACKEND:-go:ops_sequential}" GOMLX_NO_AUTO_INSTALL=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log="$OUT/compare.jsonl"
: >"$log"
for round in $(seq "$ROUNDS"); do
  for which in old new; do
    bin="$old"; [ "$which" = new ] && bin="$new"
    rm -rf "$work/$which"
    start=$(date +%s.%N)
    "$bin" protocol --cohort "$COHORT" --profile quick --workers 1 --out "$work/$which" >/dev/null 2>"$work/$which.log"
    end=$(date +%s.%N)
    printf '{"round": %d, "build": "%s", "seconds": %s}\n' "$round" "$which" "$(echo "$end - $start" | bc)" >>"$log"
  done
done
python3 - "$log" "$work/old" "$work/new" "$COHORT" "$ROUNDS" >"$OUT/compare.md" <<'PYEOF'
import glob, json, os, statistics, sys
log, old, new, cohort, rounds = sys.argv[1:]
rows = [json.loads(l) for l in open(log)]
by = {}
for r in rows:
    by.setdefault(r["round"], {})[r["build"]] = r["seconds"]
ratios = [v["old"] / v["new"] for v in by.values()]
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("seconds", "checksum")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
names = lambda d: sorted(os.path.relpath(p, d) for p in glob.glob(d + "/runs/*.json"))
differ = [f for f in names(old) if f not in names(new) or strip(json.load(open(os.path.join(old, f)))) != strip(json.load(open(os.path.join(new, f))))]
print(f"Quick protocol of {cohort} (one worker, empty cache), old and new builds alternating, {rounds} rounds:\n")
print("| round | old (s) | new (s) | old / new |\n|---|---:|---:|---:|")
for k, v in sorted(by.items()):
    print(f"| {k} | {v['old']:.1f} | {v['new']:.1f} | {v['old'] / v['new']:.2f}× |")
print(f"\nSpeed-up: median {statistics.median(ratios):.2f}× (range {min(ratios):.2f}–{max(ratios):.2f}).")
print(f"Run files: {len(names(new))} of the new build, {len(names(old))} of the old; "
      + ("all equal, timings and checksums aside." if not differ else f"{len(differ)} differ: {', '.join(differ)}."))
PYEOF
cat "$OUT/compare.md"
