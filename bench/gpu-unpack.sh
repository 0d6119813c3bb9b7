#!/usr/bin/env bash
# Unpacks what a device call of bench/gpu-queue.sh returned (the
# gpu-<item>-<date>.tar.gz files in FOLDER) into bench/results/ (GPU_RESULTS
# overrides it). An item of one call becomes bench/results/gpu-<item>-<date>/
# (an existing folder is never overwritten). An item that accumulates runs
# over calls (its folder holds merge-into; bench/gpu-cache.sh) is merged
# into bench/results/<merge-into>/: its new runs added (a run already there
# with other contents is an error), its calls.jsonl line appended, its other
# files (summary, progress) replacing the earlier ones; refused when the
# folder's runs came from other code (code-id).
#
# Usage: bench/gpu-unpack.sh FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 1 ] || { echo "usage: bench/gpu-unpack.sh FOLDER" >&2; exit 2; }
results="${GPU_RESULTS:-bench/results}"
mkdir -p "$results"
found=0
for f in "$1"/gpu-*.tar.gz; do
  [ -e "$f" ] || continue
  found=1
  name="$(basename "$f" .tar.gz)"
  tmp="$(mktemp -d)"
  tar -xzf "$f" -C "$tmp"
  src="$tmp/$(ls "$tmp" | head -n 1)"
  if [ ! -f "$src/merge-into" ]; then
    if [ -e "$results/$name" ]; then echo "$results/$name exists: not overwritten" >&2; exit 1; fi
    mv "$src" "$results/$name"
    echo "$results/$name"
    continue
  fi
  cum="$results/$(cat "$src/merge-into")"
  if [ -f "$cum/code-id" ] && [ "$(cat "$cum/code-id")" != "$(cat "$src/code-id")" ]; then
    echo "$cum holds runs of code $(cat "$cum/code-id"); $f was made by code $(cat "$src/code-id"): not merged (move $cum aside to start afresh)" >&2
    exit 1
  fi
  mkdir -p "$cum/runs"
  for r in "$src"/runs/*.json; do
    [ -e "$r" ] || continue
    if [ -e "$cum/runs/$(basename "$r")" ] && ! cmp -s "$r" "$cum/runs/$(basename "$r")"; then
      echo "$cum/runs/$(basename "$r") exists with other contents: not merged" >&2; exit 1
    fi
    cp "$r" "$cum/runs/"
  done
  cat "$src/calls.jsonl" >>"$cum/calls.jsonl"
  for other in "$src"/*; do
    case "$(basename "$other")" in runs | calls.jsonl | merge-into) ;; *) cp -r "$other" "$cum/" ;; esac
  done
  echo "$cum: $(ls "$src/runs" | wc -l) runs merged, $(ls "$cum/runs" | wc -l) in all"
  rm -rf "$tmp"
done
[ "$found" = 1 ] || { echo "no gpu-*.tar.gz in $1" >&2; exit 1; }
