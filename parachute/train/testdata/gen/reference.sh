#!/bin/sh
# Regenerates reference/ridge_cox_pda.json. Run from parachute/train/testdata.
set -eu
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd ../../.. && go run ./parachute/train/testdata/gen/pooled) >"$tmp/pooled.csv"
ln -sf "$tmp/pooled.csv" pooled.csv
trap 'rm -rf "$tmp" pooled.csv' EXIT
Rscript gen/ridge_cox.R
