# goparachute — common tasks. See README.md.
#
#   make reproduce   execute every notebook (quick profile) into out/notebooks,
#                    writing every figure into out/figures, the notebooks as
#                    HTML into out/html and one page linking all of them,
#                    out/index.html (PROFILE=paper for the full protocol,
#                    meant for a GPU)
#   make publish-notebooks  copy the executed notebooks over the committed ones
#   make setup       install what both commands need (tools/setup): HDF5, OpenBLAS,
#                    Jupyter (Debian), gonb and its kernel
#   make test        install what the tests need, then run them (CI runs this)
#   make test-short  the quick library tests only
#   make mutants     plant each committed bug (tools/mutants) and check a test catches it
#   make fuzz        run every fuzz target (readers, result files, flags) for
#                    FUZZTIME each (default 30s; go test runs their seeds)
#   make browser-test  the exploration notebook's widgets in headless Chromium
#                    (Jupyter Notebook server + go-rod; screenshots in out/browser)
#   make slurm-test  a quick sweep as a Slurm array job on a real one-node cluster
#                    (Debian's slurmctld, slurmd, munge; as root): one task
#                    cancelled and requeued, results compared with one process;
#                    and the README's Kubernetes manifest checked client-side
#   make bench       benchmarks (speed targets are measured here, never in tests)
#   make bench-stack runs trained in one graph against one at a time on this
#                    machine's CPU (bench/stack-cpu.sh; a few minutes)
#   make references  regenerate the R reference values (needs R; go test does not)
#   make authors-equivalence AUTHORS=DIR  the authors' PaRaChuteModel (a checkout of
#                    PietroCaforio/parachute) on our weights and batch (python3-torch)
#   make authors-training AUTHORS=DIR     their scripts/train.py and ours on the same
#                    synthetic folds (EPOCHS=100, SEEDS=0,1,2; hours on 2 cores)

export GOMLX_BACKEND ?= go:ops_sequential
export GOMLX_NO_AUTO_INSTALL ?= 1

PROFILE ?= quick
PYTHON ?= /usr/bin/python3
AUTHORS_RESULTS := bench/results/authors-8ff4575
EPOCHS ?= 100
SEEDS ?= 0,1,2

.PHONY: reproduce publish-notebooks setup test test-short mutants fuzz browser-test slurm-test bench bench-stack references check authors-equivalence authors-training

reproduce:
	@jupyter="$$(tools/setup | tail -n 1)" && \
	PATH="$$(go env GOPATH)/bin:$$PATH" JUPYTER="$$jupyter" NOTEBOOKS_OUT="$(CURDIR)/out/notebooks" NOTEBOOK_CELL_TIMEOUT=7200 \
	PARACHUTE_PROFILE=$(PROFILE) PARACHUTE_CACHE="$(CURDIR)/out/cache" PARACHUTE_FIGURES="$(CURDIR)/out/figures" \
	go test -count=1 -timeout 0 -run 'TestNotebooks$$' -v ./notebooks && \
	for d in notebooks tutorials; do \
	  ls out/notebooks/$$d/*.ipynb >/dev/null 2>&1 || continue; \
	  "$$jupyter" nbconvert --to html --config tools/nbconvert/html_config.py --log-level WARN --output-dir "$(CURDIR)/out/html/$$d" out/notebooks/$$d/*.ipynb || exit 1; \
	done
	@go run ./cmd/parachute index --out out
	@echo "== executed notebooks (out/notebooks), their HTML (out/html) and figures (out/figures); open out/index.html"

publish-notebooks:
	cp out/notebooks/notebooks/*.ipynb notebooks/
	cp out/notebooks/tutorials/*.ipynb tutorials/

setup:
	tools/setup

test:
	.ci/test

test-short:
	go test -short ./...

mutants:
	tools/mutants/run

FUZZTIME ?= 30s
fuzz:
	@for t in FuzzReadSeriesNPY FuzzReadSeriesTorch FuzzReadMask FuzzReadSlideFile; do \
	  echo "== $$t"; go test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./data/formats || exit 1; done
	@for t in FuzzReadSplits FuzzReadCellCounts; do \
	  echo "== $$t"; go test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./data || exit 1; done
	go test -run '^$$' -fuzz '^FuzzReadCSV$$' -fuzztime $(FUZZTIME) ./parachute/scoring
	go test -run '^$$' -fuzz '^FuzzLoadFiles$$' -fuzztime $(FUZZTIME) ./parachute/experiment
	go test -run '^$$' -fuzz '^FuzzParseFlags$$' -fuzztime $(FUZZTIME) ./cmd/parachute
	go test -run '^$$' -fuzz '^FuzzCommandFlags$$' -fuzztime $(FUZZTIME) ./cmd/parachute

slurm-test:
	@tools/setup --slurm >/dev/null
	go test -tags slurm -count=1 -timeout 10m -run '^TestSlurmClusterSweep$$' -v ./cmd/parachute
	tools/k8s/check-manifest

browser-test:
	@tools/setup --browser >/dev/null
	cd tools && PATH="$$(go env GOPATH)/bin:$$PATH" go run ./browser --repo .. --out ../out/browser
	@if [ -f out/index.html ]; then cd tools && go run ./browser --pages ../out --out ../out/browser; \
	 else echo "== no out/index.html: run make reproduce for the landing page and exported pages check"; fi

bench:
	go test -run '^$$' -bench . -benchmem ./...

bench-stack:
	bench/stack-cpu.sh

references:
	cd parachute/survival/testdata && Rscript gen/reference.R
	cd parachute/scoring/testdata && Rscript gen/scoring.R
	cd parachute/stats/testdata && Rscript gen/wilcoxon.R && Rscript gen/mannwhitney.R
	cd parachute/interpret/testdata && python3 gen/morphology.py
	cd parachute/train/testdata && sh gen/reference.sh

check:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...

authors-equivalence:
	@test -n "$(AUTHORS)" || { echo "usage: make authors-equivalence AUTHORS=<checkout of PietroCaforio/parachute>"; exit 2; }
	go run ./cmd/parachute fidelity export --out out/authors-equivalence
	$(PYTHON) tools/authors/equivalence.py --authors "$(AUTHORS)" --in out/authors-equivalence --out $(AUTHORS_RESULTS)/authors-equivalence.json

authors-training:
	@test -n "$(AUTHORS)" || { echo "usage: make authors-training AUTHORS=<checkout of PietroCaforio/parachute>"; exit 2; }
	$(PYTHON) tools/authors/train_side_by_side.py --authors "$(AUTHORS)" --epochs $(EPOCHS) --seeds $(SEEDS) --out $(AUTHORS_RESULTS)/authors-training
