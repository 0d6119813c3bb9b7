// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/opclock"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// BreakdownOptions configures [Breakdown].
type BreakdownOptions struct {
	// Profile is the runs' training profile (default quick).
	Profile string
	// Optimizer is the training step (default adamw).
	Optimizer string
	// Cohort is the cohort's source (default synth:pda, seed 1) and PMiss
	// the training missing ratio (default 0.3: the evaluation masks three
	// scenarios, as most of the supplement's runs do).
	Cohort string
	PMiss  float64
	// Runs is the number of runs timed, folds 0, 1, … (default 3), after
	// one untimed run that warms the process (the first run of a process
	// also loads OpenBLAS and runs the fastops self-test).
	Runs int
}

func (o BreakdownOptions) withDefaults() BreakdownOptions {
	if o.Profile == "" {
		o.Profile = train.ProfileQuick
	}
	if o.Optimizer == "" {
		o.Optimizer = "adamw"
	}
	if o.Cohort == "" {
		o.Cohort = "synth:pda"
	}
	if o.PMiss == 0 {
		o.PMiss = 0.3
	}
	if o.Runs == 0 {
		o.Runs = 3
	}
	return o
}

// BreakdownRow is one line of a breakdown: milliseconds per run or per
// step, and its share of the whole (the run's or the step's wall time).
type BreakdownRow struct {
	Part  string  `json:"part"`
	MS    float64 `json:"ms"`
	Share float64 `json:"share"`
	// Calls is the number of calls per step (graph ops only).
	Calls float64 `json:"calls,omitempty"`
}

// BreakdownResult is where a run's time goes, measured on real runs of a
// sweep (package experiment's RunOrLoad into an empty cache).
type BreakdownResult struct {
	Backend  string `json:"backend"`
	Workload string `json:"workload"`
	Runs     int    `json:"runs"`
	// StepsPerRun and PredictionsPerRun count the training steps and the
	// prediction batches (evaluation) of a run.
	StepsPerRun       float64 `json:"steps_per_run"`
	PredictionsPerRun float64 `json:"predictions_per_run"`
	RunMS             float64 `json:"run_ms"`
	StepMS            float64 `json:"step_ms"`
	PredictionMS      float64 `json:"prediction_ms"`
	// PerRun splits a run's wall time; PerStep a training step's (after
	// the run's first, which builds and compiles); TopOps are the op types
	// that take the most of a step's graph.
	PerRun  []BreakdownRow `json:"per_run"`
	PerStep []BreakdownRow `json:"per_step"`
	TopOps  []BreakdownRow `json:"top_ops"`
	// AllocMBPerStep is the heap allocated per training step, GCCPUMSPerStep
	// the garbage collector's CPU time per step (its own goroutines and
	// the allocating goroutine's assists; on other cores too) and
	// GCCycles the collections during the timed runs.
	AllocMBPerStep float64   `json:"alloc_mb_per_step"`
	GCCPUMSPerStep float64   `json:"gc_cpu_ms_per_step"`
	GCCycles       uint64    `json:"gc_cycles"`
	RunSeconds     []float64 `json:"run_seconds"`
	GoMaxProcs     int       `json:"gomaxprocs"`
}

// Breakdown trains and evaluates o.Runs runs of a sweep on backend b (the
// pure-Go backend: the graph ops are timed by package opclock) and reports
// where their time goes.
func Breakdown(b backends.Backend, o BreakdownOptions) (*BreakdownResult, error) {
	o = o.withDefaults()
	ops, err := pureGoOps(b)
	if err != nil {
		return nil, fmt.Errorf("%w (--breakdown-runs 0 skips the breakdown)", err)
	}
	cfg, err := train.Profile(o.Profile)
	if err != nil {
		return nil, err
	}
	cfg.Optimizer, cfg.PMiss = o.Optimizer, o.PMiss
	spec := data.CohortSpec{Source: o.Cohort, Seed: 1}
	runs := experiment.ProtocolRuns(spec, o.Runs+1, train.MethodParachute, cfg, train.EvalProfile(o.Profile))
	var chosen []experiment.RunConfig
	for _, r := range runs {
		if r.Train.PMiss == o.PMiss {
			chosen = append(chosen, r)
		}
	}
	if len(chosen) < o.Runs+1 {
		return nil, fmt.Errorf("bench: p_miss %v is not one of the protocol's ratios %v", o.PMiss, experiment.MissingRatios)
	}
	root, err := os.MkdirTemp("", "parachute-breakdown-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	cohorts := &experiment.CohortCache{}
	run := func(r experiment.RunConfig, clock *train.Clock) error {
		_, cached, err := experiment.RunOrLoad(root, r, experiment.RunOptions{Cohorts: cohorts,
			TrainOptions: train.TrainOptions{Backend: b, Clock: clock}})
		if err == nil && cached {
			err = fmt.Errorf("bench: run %s was read from the cache", r.Hash())
		}
		return err
	}
	if err := run(chosen[0], nil); err != nil { // warm-up
		return nil, err
	}
	clock := train.NewClock()
	clock.OnPhase = func(p train.Phase) { ops.SetAccount(accountOf(p)) }
	ops.Reset()
	before := readMetrics()
	res := &BreakdownResult{Backend: b.Description(), Runs: o.Runs, GoMaxProcs: runtime.GOMAXPROCS(0),
		Workload: fmt.Sprintf("%s (seed 1), folds 1–%d, %s profile, %s, p_miss %v, evaluation repeats %d",
			o.Cohort, o.Runs, o.Profile, o.Optimizer, o.PMiss, chosen[1].Eval.Repeats)}
	for _, r := range chosen[1:] {
		began := time.Now()
		if err := run(r, clock); err != nil {
			return nil, err
		}
		res.RunSeconds = append(res.RunSeconds, time.Since(began).Seconds())
	}
	after := readMetrics()
	ops.SetAccount("")
	res.fill(clock, ops, after.minus(before))
	return res, nil
}

// stepClock returns, when on, the op clock with its account "step" empty
// and current (nil when off).
func stepClock(b backends.Backend, on bool) (*opclock.Clock, error) {
	if !on {
		return nil, nil
	}
	ops, err := pureGoOps(b)
	if err != nil {
		return nil, err
	}
	ops.Reset()
	ops.SetAccount("step")
	return ops, nil
}

// pureGoOps returns the process's op clock, installed, for backend b, which
// must be the pure-Go one (its executors are what opclock times).
func pureGoOps(b backends.Backend) (*opclock.Clock, error) {
	if _, ok := b.(*simplego.Backend); !ok {
		return nil, fmt.Errorf("bench: the ops are timed on the pure-Go backend, not on %s", b.Name())
	}
	ops, err := opclock.Install()
	if err != nil {
		return nil, fmt.Errorf("bench: timing the ops: %w", err)
	}
	return ops, nil
}

// kindRows are the rows "graph: KIND" of entries over n steps, in
// opclock.Kinds order (ms and calls per step; shares left to the caller),
// and their total ms per step.
func kindRows(entries map[backends.OpType]opclock.Entry, n float64) (rows []BreakdownRow, total float64) {
	kinds := opclock.ByKind(entries)
	for _, k := range opclock.Kinds {
		e := kinds[k]
		rows = append(rows, BreakdownRow{Part: "graph: " + k, MS: ms(e.Spent) / n, Calls: float64(e.Calls) / n})
		total += ms(e.Spent) / n
	}
	return rows, total
}

// stepOps splits the mean of the steps (ms) into the ops' kinds and the
// rest.
func stepOps(entries map[backends.OpType]opclock.Entry, steps []float64) []BreakdownRow {
	n := float64(len(steps))
	mean := 0.0
	for _, s := range steps {
		mean += s / n
	}
	rows, timed := kindRows(entries, n)
	for i := range rows {
		rows[i].Share = rows[i].MS / mean
	}
	rest := mean - timed
	part := "the rest: the executor between ops, random numbers, host work"
	if rest < 0 {
		// Ops that ran at the same time (go:ops_parallel) add up to more
		// than the step's wall time: the split is of work, not of time.
		part = "negative: ops ran in parallel, their times overlap (the split is of work, not of the step's time)"
	}
	return append(rows, BreakdownRow{Part: part, MS: rest, Share: rest / mean})
}

// accountOf is the opclock account of a clock phase: the graph ops of a
// trainer's first executions (which build and compile), of the later
// training and prediction executions, and of the rest.
func accountOf(p train.Phase) string {
	switch p {
	case train.PhaseFirstTrainGraph, train.PhaseFirstPredictGraph:
		return "first"
	case train.PhaseTrainGraph:
		return "train"
	case train.PhasePredictGraph:
		return "predict"
	}
	return ""
}

// gcMetrics are the runtime's counters the breakdown reads.
type gcMetrics struct {
	allocBytes, cycles uint64
	gcCPU              float64
}

var gcMetricNames = []string{"/gc/heap/allocs:bytes", "/gc/cycles/total:gc-cycles", "/cpu/classes/gc/total:cpu-seconds"}

func readMetrics() gcMetrics {
	s := make([]metrics.Sample, len(gcMetricNames))
	for i, n := range gcMetricNames {
		s[i].Name = n
	}
	metrics.Read(s)
	m := gcMetrics{}
	if s[0].Value.Kind() == metrics.KindUint64 {
		m.allocBytes = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		m.cycles = s[1].Value.Uint64()
	}
	if s[2].Value.Kind() == metrics.KindFloat64 {
		m.gcCPU = s[2].Value.Float64()
	}
	return m
}

func (m gcMetrics) minus(o gcMetrics) gcMetrics {
	return gcMetrics{allocBytes: m.allocBytes - o.allocBytes, cycles: m.cycles - o.cycles, gcCPU: m.gcCPU - o.gcCPU}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// fill computes the tables from the clock, the timed ops and the runtime's
// counters of the timed runs.
func (r *BreakdownResult) fill(clock *train.Clock, ops *opclock.Clock, gc gcMetrics) {
	n := float64(r.Runs)
	var total float64
	for _, s := range r.RunSeconds {
		total += s * 1000
	}
	r.RunMS = total / n
	steps := float64(clock.Count[train.PhaseTrainGraph] + clock.Count[train.PhaseFirstTrainGraph])
	predictions := float64(clock.Count[train.PhasePredictGraph] + clock.Count[train.PhaseFirstPredictGraph])
	r.StepsPerRun, r.PredictionsPerRun = steps/n, predictions/n
	perRun := func(p train.Phase) float64 { return ms(clock.Spent[p]) / n }

	// Per run. The first executions of a run's two graphs cost more than
	// the later ones by the graphs' building and compiling.
	compileTrain := ms(clock.Mean(train.PhaseFirstTrainGraph) - clock.Mean(train.PhaseTrainGraph))
	compilePredict := ms(clock.Mean(train.PhaseFirstPredictGraph) - clock.Mean(train.PhasePredictGraph))
	compile := max(compileTrain, 0) + max(compilePredict, 0)
	trainingSteps := perRun(train.PhaseTraining) - max(compileTrain, 0)
	evaluation := perRun(train.PhaseEvaluate) - max(compilePredict, 0)
	rows := []BreakdownRow{
		{Part: "graph building and compilation (first execution − a later one, both graphs)", MS: compile},
		{Part: fmt.Sprintf("training (%.0f steps)", r.StepsPerRun), MS: trainingSteps},
		{Part: fmt.Sprintf("evaluation (%.0f prediction batches)", r.PredictionsPerRun), MS: evaluation},
		{Part: "writing the result file", MS: perRun(train.PhaseWrite)},
		{Part: "opening the cohort (cached after the process's first run)", MS: perRun(train.PhaseCohort)},
	}
	accounted := 0.0
	for _, row := range rows {
		accounted += row.MS
	}
	rows = append(rows, BreakdownRow{Part: "the rest (cache lookups, locks, checkpoints)", MS: r.RunMS - accounted})
	for i := range rows {
		rows[i].Share = rows[i].MS / r.RunMS
	}
	r.PerRun = rows

	// Per step, the later steps: the graph by op kind, then the host work.
	later := float64(clock.Count[train.PhaseTrainGraph])
	if later == 0 {
		return
	}
	r.StepMS = (ms(clock.Spent[train.PhaseBatch]+clock.Spent[train.PhaseTrainGraph]+clock.Spent[train.PhaseHostUpdate]+
		clock.Spent[train.PhaseStepResults]) + ms(clock.Spent[train.PhaseEpochEnd])*later/steps) / later
	r.PredictionMS = ms(clock.Mean(train.PhasePredictGraph) + clock.Mean(train.PhasePredictBatch))
	trainOps := ops.Account("train")
	graph := ms(clock.Spent[train.PhaseTrainGraph]) / later
	rows, timed := kindRows(trainOps, later)
	perStep := func(p train.Phase) float64 { return ms(clock.Spent[p]) / later }
	rows = append(rows,
		BreakdownRow{Part: "graph: executor between ops, untimed ops (random numbers), inputs and outputs", MS: graph - timed},
		BreakdownRow{Part: "host: batch assembly (runtime masks, sampling, tensors)", MS: perStep(train.PhaseBatch)},
		BreakdownRow{Part: "host: loss and gradient checks, AdamW on the host", MS: perStep(train.PhaseHostUpdate)},
		BreakdownRow{Part: "host: reading the step's outputs", MS: perStep(train.PhaseStepResults)},
		BreakdownRow{Part: "host: epoch end (training C, diagnostics), per step", MS: ms(clock.Spent[train.PhaseEpochEnd]) / steps},
	)
	for i := range rows {
		rows[i].Share = rows[i].MS / r.StepMS
	}
	r.PerStep = rows
	for _, op := range opclock.Top(trainOps)[:min(12, len(trainOps))] {
		e := trainOps[op]
		r.TopOps = append(r.TopOps, BreakdownRow{Part: fmt.Sprintf("%s (%s)", op, opclock.KindOf(op)), MS: ms(e.Spent) / later,
			Share: ms(e.Spent) / later / r.StepMS, Calls: float64(e.Calls) / later})
	}
	// Allocation and GC over the timed runs, per training step (they
	// include the evaluation's, a small part).
	r.AllocMBPerStep = float64(gc.allocBytes) / 1e6 / steps
	r.GCCPUMSPerStep = gc.gcCPU * 1000 / steps
	r.GCCycles = gc.cycles
}

// Markdown renders the breakdown as the tables of bench/results.
func (r *BreakdownResult) Markdown() string {
	var s strings.Builder
	fmt.Fprintf(&s, "Backend: %s; GOMAXPROCS %d.\nWorkload: %s.\n\n", r.Backend, r.GoMaxProcs, r.Workload)
	fmt.Fprintf(&s, "**Per run** (%.0f ms, mean of %d runs):\n\n| part | ms | share |\n|---|---:|---:|\n", r.RunMS, r.Runs)
	for _, row := range r.PerRun {
		fmt.Fprintf(&s, "| %s | %.1f | %.1f %% |\n", row.Part, row.MS, 100*row.Share)
	}
	fmt.Fprintf(&s, "\n**Per training step** (%.2f ms, the steps after each run's first; a prediction batch: %.2f ms):\n\n| part | ms | share | ops per step |\n|---|---:|---:|---:|\n", r.StepMS, r.PredictionMS)
	for _, row := range r.PerStep {
		calls := ""
		if row.Calls > 0 {
			calls = fmt.Sprintf("%.0f", row.Calls)
		}
		fmt.Fprintf(&s, "| %s | %.2f | %.1f %% | %s |\n", row.Part, row.MS, 100*row.Share, calls)
	}
	fmt.Fprintf(&s, "\nAllocation and GC (inside the rows above): %.1f MB allocated per step, %.2f ms of GC CPU per step, %d collections in the timed runs.\n",
		r.AllocMBPerStep, r.GCCPUMSPerStep, r.GCCycles)
	fmt.Fprintf(&s, "\n**Op types taking most of a step's graph:**\n\n| op (kind) | ms per step | share of step | calls per step |\n|---|---:|---:|---:|\n")
	for _, row := range r.TopOps {
		fmt.Fprintf(&s, "| %s | %.2f | %.1f %% | %.0f |\n", row.Part, row.MS, 100*row.Share, row.Calls)
	}
	return s.String()
}
