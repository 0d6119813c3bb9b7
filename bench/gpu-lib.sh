# Sourced by every script of the GPU queue (bench/gpu-queue.md). Sets OUT
# (the script's results folder: $OUT if set, else bench/results/<default>),
# keeps everything said on stderr in $OUT/log.txt, and gives each script
# the same time discipline:
#
#   ITEM_LIMIT  seconds the whole script may take (bench/gpu-queue.sh sets it
#               from the queue; default 540, inside one device call's 600);
#   step NAME SECONDS CMD...  runs CMD with a time limit of SECONDS, cut to
#               what is left of ITEM_LIMIT less RESERVE (what the script
#               keeps for its summary); a step that would get under a
#               quarter of its SECONDS is skipped and said so, and a step
#               that runs out of time is said so. SECONDS "rest" gives the
#               step all that is left (skipped under a minute). Returns
#               CMD's status (124 when skipped or out of time).
#
# Usage at the top of a script: . bench/gpu-lib.sh <default results name>
OUT="${OUT:-bench/results/$1-$(date -u +%Y%m%d)}"
mkdir -p "$OUT"
exec 2> >(tee -a "$OUT/log.txt" >&2)
ITEM_LIMIT="${ITEM_LIMIT:-540}"
RESERVE="${RESERVE:-20}"
log() { echo "== $(date -u +%H:%M:%S) [${SECONDS}s] $*" >&2; }
step() { # step NAME SECONDS CMD...
  local name="$1" want="$2"; shift 2
  local left=$((ITEM_LIMIT - RESERVE - SECONDS))
  [ "$want" = rest ] && want=$((left > 240 ? left : 240))
  local limit=$((want < left ? want : left))
  if [ "$limit" -lt $((want / 4)) ]; then
    log "skipped $name: ${left}s left of ${ITEM_LIMIT}s, it wants ${want}s"
    return 124
  fi
  log "$name (limit ${limit}s)"
  local start=$SECONDS
  timeout "$limit" "$@"
  local rc=$?
  if [ "$rc" = 124 ]; then log "$name did not finish within ${limit}s"; else log "$name: exit $rc after $((SECONDS - start))s"; fi
  return "$rc"
}
