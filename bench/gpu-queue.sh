#!/usr/bin/env bash
# Runs items of the GPU queue (bench/gpu-queue.md) in one device call, in
# the order given, inside CALL_LIMIT seconds (default 560, inside the
# device's 600 s per call): each item gets its own ITEM_LIMIT (the queue's
# column), cut to what is left of the call, and an item that would get less
# than its minimum is skipped and said so. Each item writes into a folder of
# its own and is packed, whatever happened, into $OUT/<item>.tar.gz (the
# device returns at most 8 files); bench/gpu-unpack.sh unpacks them into
# bench/results/. With --dry-run every item is rehearsed on this machine's
# CPU (GPU_DRY_RUN=1, see bench/gpu-env.sh), its results left in
# $OUT/<item>/ (default out/gpu-dry-run) beside the packed copy.
#
# Usage: bench/gpu-queue.sh [--dry-run] ITEM...   (ITEM: stack, ucec-protocol,
#        landscape, reproduce-paper)
set -uo pipefail
cd "$(dirname "$0")/.."
dry=0
if [ "${1:-}" = --dry-run ]; then dry=1; shift; fi
[ $# -gt 0 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
CALL_LIMIT="${CALL_LIMIT:-560}"
if [ "$dry" = 1 ]; then OUT="${OUT:-out/gpu-dry-run}"; else OUT="${OUT:?set OUT (the device sets it)}"; fi
mkdir -p "$OUT"
date="$(date -u +%Y%m%d)"
declare -A limit=([stack]=540 [ucec-protocol]=540 [landscape]=300 [reproduce-paper]=540)
declare -A minimum=([stack]=300 [ucec-protocol]=400 [landscape]=150 [reproduce-paper]=300)
for item in "$@"; do
  [ -n "${limit[$item]:-}" ] || { echo "unknown queue item $item (want one of ${!limit[*]})" >&2; exit 2; }
done
for item in "$@"; do
  left=$((CALL_LIMIT - SECONDS))
  if [ "$left" -lt "${minimum[$item]}" ]; then
    echo "== skipped $item: ${left}s left of the call's ${CALL_LIMIT}s, it needs ${minimum[$item]}s" | tee -a "$OUT/queue.log" >&2
    continue
  fi
  item_limit=$((limit[$item] < left ? limit[$item] : left))
  dir="$OUT/gpu-$item-$date"
  [ "$dry" = 1 ] && dir="$OUT/$item"
  rm -rf "$dir"
  echo "== $item: ${item_limit}s (call at ${SECONDS}s)" | tee -a "$OUT/queue.log" >&2
  OUT="$dir" ITEM_LIMIT="$item_limit" GPU_DRY_RUN="$dry" timeout $((item_limit + 15)) bash "bench/gpu-$item.sh"
  echo "== $item: exit $? at ${SECONDS}s" | tee -a "$OUT/queue.log" >&2
  tar -czf "$OUT/gpu-$item-$date.tar.gz" -C "$(dirname "$dir")" "$(basename "$dir")" || continue
  [ "$dry" = 1 ] || rm -rf "$dir"
done
