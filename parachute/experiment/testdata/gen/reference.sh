#!/bin/sh
# Regenerates reference/ridge_cox_pda.json. Run from parachute/experiment/testdata.
set -eu
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd ../../.. && go run ./parachute/experiment/testdata/gen/pooled) >"$tmp/pooled.csv"
ln -sf "$tmp/pooled.csv" pooled.csv
trap 'rm -rf "$tmp" pooled.csv' EXIT
Rscript gen/ridge_cox.R
