// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/opclock"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// The breakdown counts what the runs did: their steps and prediction
// batches, every graph op of a later step once (so each op type's calls
// per step are whole numbers: a first, compiling execution counted among
// them would leave a remainder), and parts that add up to the run and the
// step.
func TestBreakdownAccountsForTheRuns(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	o := BreakdownOptions{Cohort: "synth:ucec", Runs: 2}
	r, err := Breakdown(b, o)
	if err != nil {
		t.Fatal(err)
	}
	c, err := data.Open(data.CohortSpec{Source: o.Cohort, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := train.Profile(train.ProfileQuick)
	repeats := train.EvalProfile(train.ProfileQuick).Repeats
	batches := func(n int) int { return train.StepsPerEpoch(n, cfg.BatchSize) }
	var steps, predictions float64
	for fold := 1; fold <= o.Runs; fold++ {
		f := c.Folds[fold]
		steps += float64(cfg.Epochs * batches(len(f.Train)))
		predictions += float64(batches(len(f.Train)) + batches(len(f.Test))*(1+3*repeats))
	}
	if want := steps / float64(o.Runs); r.StepsPerRun != want {
		t.Errorf("%v steps per run, want %v", r.StepsPerRun, want)
	}
	if want := predictions / float64(o.Runs); r.PredictionsPerRun != want {
		t.Errorf("%v prediction batches per run, want %v", r.PredictionsPerRun, want)
	}
	if len(r.RunSeconds) != o.Runs {
		t.Errorf("%d run times for %d runs", len(r.RunSeconds), o.Runs)
	}
	sum := func(rows []BreakdownRow) (ms, share float64) {
		for _, row := range rows {
			ms += row.MS
			share += row.Share
		}
		return ms, share
	}
	if ms, share := sum(r.PerRun); math.Abs(ms-r.RunMS) > 1e-6*r.RunMS || math.Abs(share-1) > 1e-9 {
		t.Errorf("a run's parts add up to %v ms (%v), the run took %v ms", ms, share, r.RunMS)
	}
	if ms, share := sum(r.PerStep); math.Abs(ms-r.StepMS) > 1e-6*r.StepMS || math.Abs(share-1) > 1e-9 {
		t.Errorf("a step's parts add up to %v ms (%v), the step took %v ms", ms, share, r.StepMS)
	}
	for _, row := range r.PerRun {
		if strings.HasPrefix(row.Part, "graph building") && row.MS < 0 {
			t.Errorf("%s: %v ms", row.Part, row.MS)
		}
	}
	kinds := map[string]bool{}
	for _, row := range r.PerStep {
		if kind, ok := strings.CutPrefix(row.Part, "graph: "); ok && row.Calls > 0 {
			kinds[kind] = true
			if row.Calls != math.Round(row.Calls) {
				t.Errorf("%s: %v calls per step", row.Part, row.Calls)
			}
		}
	}
	for _, k := range []string{opclock.KindMatMul, opclock.KindElementwise, opclock.KindReduce, opclock.KindCopy} {
		if !kinds[k] {
			t.Errorf("no %s in a step: %+v", k, r.PerStep)
		}
	}
	for _, row := range r.TopOps {
		if row.Calls != math.Round(row.Calls) || row.MS <= 0 {
			t.Errorf("%s: %v calls, %v ms per step", row.Part, row.Calls, row.MS)
		}
	}
	if r.AllocMBPerStep <= 0 || r.GCCycles == 0 {
		t.Errorf("allocation %v MB per step, %d collections", r.AllocMBPerStep, r.GCCycles)
	}
	md := r.Markdown()
	for _, want := range []string{"**Per run**", "**Per training step**", "graph: matrix products", "host: batch assembly", "DotGeneral"} {
		if !strings.Contains(md, want) {
			t.Errorf("the tables lack %q:\n%s", want, md)
		}
	}
}

// The breakdown needs the pure-Go backend's ops and a protocol ratio.
func TestBreakdownRefusesWhatItCannotMeasure(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Breakdown(b, BreakdownOptions{Cohort: "synth:ucec", PMiss: 0.2, Runs: 1}); err == nil || !strings.Contains(err.Error(), "p_miss 0.2") {
		t.Errorf("p_miss 0.2: %v", err)
	}
}

// Bench's op split counts each timed step's ops once (whole calls per
// step: neither the compiling first step nor the predictions leak in) and
// adds up to the mean step.
func TestBenchSplitsStepsByOpKind(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Bench(b, BenchOptions{Profile: train.ProfileQuick, Steps: 3, Predictions: 2, Ops: true})
	if err != nil {
		t.Fatal(err)
	}
	mean, total := 0.0, 0.0
	for _, s := range r.Steps {
		mean += s / float64(len(r.Steps))
	}
	for _, row := range r.StepOps {
		total += row.MS
		if row.Calls != math.Round(row.Calls) {
			t.Errorf("%s: %v calls per step", row.Part, row.Calls)
		}
	}
	if len(r.StepOps) == 0 || r.StepOps[0].Calls == 0 || math.Abs(total-mean) > 1e-9*mean {
		t.Errorf("step ops %+v add up to %v ms, the mean step is %v ms", r.StepOps, total, mean)
	}
}
