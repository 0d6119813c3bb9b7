#!/usr/bin/env bash
# Builds the binaries bench/gpu.sh runs on a GPU machine that has no Go
# toolchain: cmd/parachute with XLA (cgo, -tags xla) and without HDF5
# (-tags nohdf5: the GPU machine may lack the library), stripped and
# gzipped into bench/bin/ (ignored by git). Two builds: go-xla v0.1.4, which
# GoMLX v0.26.0 requires (PJRT C API 0.83), and go-xla v0.2.1 (PJRT C API
# 0.98), in case a newer plugin rejects the older API. The second uses a
# temporary go.mod (-modfile); the repository's go.mod is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/bin
# The code the binaries are built from (bench/gpu-cache.sh reuses runs only
# across binaries of the same code): the tracked Go sources and modules, as
# committed or staged. Uncommitted edits would make it lie, so refuse them.
if ! git diff --quiet -- '*.go' go.mod go.sum; then
  echo "unstaged changes to Go sources or modules: commit or stage them first" >&2; exit 1
fi
git ls-files -s -- '*.go' go.mod go.sum | git hash-object --stdin >bench/bin/CODE_ID
build() { # build NAME [go flags...]
  local name="$1"; shift
  CGO_ENABLED=1 go build "$@" -tags xla,nohdf5 -trimpath -ldflags "-s -w" -o "bench/bin/$name" ./cmd/parachute
  gzip -9 -f "bench/bin/$name"
  echo "bench/bin/$name.gz ($(du -h "bench/bin/$name.gz" | cut -f1))"
}
build parachute-goxla-v0.1.4
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp go.mod "$tmp/go.mod"
cp go.sum "$tmp/go.sum"
go get -modfile="$tmp/go.mod" github.com/gomlx/go-xla@v0.2.1 >/dev/null 2>&1
go mod tidy -modfile="$tmp/go.mod" >/dev/null 2>&1
build parachute-goxla-v0.2.1 -modfile="$tmp/go.mod"
