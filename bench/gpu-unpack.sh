#!/usr/bin/env bash
# Unpacks what a device call of bench/gpu-queue.sh returned (the
# gpu-<item>-<date>.tar.gz files in FOLDER) into bench/results/, refusing to
# overwrite a results folder that exists.
#
# Usage: bench/gpu-unpack.sh FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 1 ] || { echo "usage: bench/gpu-unpack.sh FOLDER" >&2; exit 2; }
for f in "$1"/gpu-*.tar.gz; do
  [ -e "$f" ] || { echo "no gpu-*.tar.gz in $1" >&2; exit 1; }
  name="$(basename "$f" .tar.gz)"
  if [ -e "bench/results/$name" ]; then echo "bench/results/$name exists: not overwritten" >&2; exit 1; fi
  tar -xzf "$f" -C bench/results
  echo "bench/results/$name"
done
