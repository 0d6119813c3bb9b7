# goparachute — common tasks. See README.md.
#
#   make test        install what the tests need, then run them (CI runs this)
#   make test-short  the quick library tests only
#   make bench       benchmarks (speed targets are measured here, never in tests)
#   make references  regenerate the R reference values (needs R; go test does not)

export GOMLX_BACKEND ?= go:ops_sequential
export GOMLX_NO_AUTO_INSTALL ?= 1

.PHONY: test test-short bench references check

test:
	.ci/test

test-short:
	go test -short ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

references:
	cd parachute/survival/testdata && Rscript gen/reference.R

check:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
