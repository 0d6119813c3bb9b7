# Sourced by the GPU queue's items that need more than one device call
# (bench/gpu-ucec-protocol.sh, bench/gpu-reproduce-paper.sh): their runs
# accumulate, call after call, in a committed folder bench/results/gpu-<item>/
# (runs/<hash>.json, the run cache's finished results; calls.jsonl, one line
# per call; code-id). A run cache is keyed by the run's configuration, not by
# the code that trained it, so runs are only ever reused by a binary built
# from the same code: CODE_ID is the hash of the tracked Go sources and
# go.sum (bench/build-gpu-binaries.sh writes it into bench/bin/CODE_ID; a dry
# run computes it here), and a folder made by other code is not reused (the
# call starts afresh, says so, and gpu-unpack.sh refuses to merge).
#
#   restore_runs CUM CACHE   copy CUM/runs into CACHE/runs when CUM/code-id
#                            is CODE_ID (or CUM holds no runs);
#   save_runs CUM CACHE START_SECONDS FINISHED
#                            copy the runs new in CACHE/runs into $OUT/runs,
#                            write $OUT/code-id and $OUT/merge-into (CUM's
#                            name) and this call's line into $OUT/calls.jsonl.
code_id() {
  if [ -f bench/bin/CODE_ID ] && [ "${DRY_RUN:-0}" = 0 ]; then cat bench/bin/CODE_ID; return; fi
  git ls-files -s -- '*.go' go.mod go.sum | git hash-object --stdin
}
CODE_ID="$(code_id)"
# results_root: where the committed results live (bench/results; a dry run
# keeps its own under out/gpu-dry-run/results, GPU_RESULTS overrides both).
results_root() {
  if [ -n "${GPU_RESULTS:-}" ]; then echo "$GPU_RESULTS"
  elif [ "${DRY_RUN:-0}" = 1 ]; then echo out/gpu-dry-run/results
  else echo bench/results; fi
}
restore_runs() { # restore_runs CUM CACHE
  mkdir -p "$2/runs"
  if [ ! -d "$1/runs" ]; then log "no earlier runs in $1: starting afresh"; return; fi
  local theirs; theirs="$(cat "$1/code-id" 2>/dev/null)"
  if [ "$theirs" != "$CODE_ID" ]; then
    log "the runs in $1 were trained by code ${theirs:-unknown}, this binary is $CODE_ID: not reused, starting afresh"
    return
  fi
  cp "$1"/runs/*.json "$2/runs/" 2>/dev/null
  log "restored $(ls "$2/runs" | wc -l) finished runs from $1"
}
save_runs() { # save_runs CUM CACHE START_SECONDS FINISHED
  mkdir -p "$OUT/runs"
  local new=0 f
  for f in "$2"/runs/*.json; do
    [ -e "$f" ] || continue
    if [ ! -e "$1/runs/$(basename "$f")" ] || [ "$(cat "$1/code-id" 2>/dev/null)" != "$CODE_ID" ]; then
      cp "$f" "$OUT/runs/"; new=$((new + 1))
    fi
  done
  echo "$CODE_ID" >"$OUT/code-id"
  basename "$1" >"$OUT/merge-into"
  printf '{"date": "%s", "code_id": "%s", "gpu": %s, "runs_finished_here": %d, "runs_in_cache": %d, "seconds": %d, "finished": %s}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$CODE_ID" "$("$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["gpu"]))' "$OUT/environment.json")" \
    "$new" "$(ls "$2/runs" | wc -l)" $((SECONDS - $3)) "$4" >>"$OUT/calls.jsonl"
  log "$new runs finished in this call; $(ls "$2/runs" | wc -l) in the cache"
}
