// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/train"
)

func benchmarkWorkload(b *testing.B, optimizer string) (*train.Trainer, []*data.Patient) {
	b.Helper()
	bk, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	t, patients, err := BenchWorkload(bk, optimizer)
	if err != nil {
		b.Fatal(err)
	}
	return t, patients
}

// BenchmarkPaperTrainStep measures one training step (host batch assembly,
// forward, Cox loss, backward, AdamW) of the paper-size model on the fixed
// workload, after a warm-up step that builds and compiles the graph. Run:
// go test -run '^$' -bench Paper -benchtime 10x ./parachute/experiment
func BenchmarkPaperTrainStep(b *testing.B) {
	t, patients := benchmarkWorkload(b, "adamw")
	b.ReportMetric(timeSteps(b, t, patients, 5e-3), "ms/step")
	b.ReportMetric(train.PeakRSSMB(), "peakRSS-MB")
}

// timeSteps runs one training step on patients (building and compiling the
// graph), then times the benchmark's steps on the same batch and returns
// the milliseconds per step.
func timeSteps(b *testing.B, t *train.Trainer, patients []*data.Patient, lr float64) float64 {
	if _, err := t.Step(patients, lr); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := t.Step(patients, lr); err != nil {
			b.Fatal(err)
		}
	}
	return float64(b.Elapsed().Microseconds()) / 1e3 / float64(b.N)
}

// BenchmarkPaperInference measures predictions (evaluation mode) of the
// paper-size model on the fixed workload.
func BenchmarkPaperInference(b *testing.B) {
	t, patients := benchmarkWorkload(b, "adamw")
	if _, err := t.Predict(patients, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := t.Predict(patients, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(patients)*b.N)/b.Elapsed().Seconds(), "patients/s")
	b.ReportMetric(train.PeakRSSMB(), "peakRSS-MB")
}

// BenchmarkPaperStepCost measures one training step of each method on the
// fixed workload and reports its time relative to an AdamW step. Run:
// go test -run '^$' -bench PaperStepCost -benchtime 5x ./parachute/experiment
func BenchmarkPaperStepCost(b *testing.B) {
	var adamw float64
	for _, name := range optim.Optimizers() {
		b.Run(name, func(b *testing.B) {
			t, patients := benchmarkWorkload(b, name)
			if _, err := t.Step(patients, 5e-3); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := t.Step(patients, 5e-3); err != nil {
					b.Fatal(err)
				}
			}
			ms := float64(b.Elapsed().Milliseconds()) / float64(b.N)
			if name == "adamw" {
				adamw = ms
			}
			b.ReportMetric(ms, "ms/step")
			if adamw > 0 {
				b.ReportMetric(ms/adamw, "×adamw")
			}
		})
	}
}

// benchCohort returns the backend and synthetic PDA (seed 1), the cohort
// of the benchmarks that train on a fold.
func benchCohort(b *testing.B) (backends.Backend, *data.Cohort) {
	b.Helper()
	bk, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	c, err := data.Open(data.CohortSpec{Source: "synth:pda", Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return bk, c
}

// BenchmarkQuickStepByBatch measures one training step of the quick
// profile (AdamW, p_miss 0.15) at batch sizes 32 to 160 and reports the time
// per patient. It bounds what any way of training K runs in one graph can
// gain on the backend: merging K runs' operations into ones with a leading
// run axis turns K steps at batch B into one step of about the arithmetic of
// batch K·B, so the gain is at most the time per patient at batch B over that
// at batch K·B (on the 2-core machine about 0.95 → 0.72 ms, at most 1.3×: the step is bound
// by its arithmetic, not by launching operations). Run:
// go test -run '^$' -bench QuickStepByBatch -benchtime 6x ./parachute/experiment
func BenchmarkQuickStepByBatch(b *testing.B) {
	bk, c := benchCohort(b)
	patients := train.PatientsOf(c, c.Folds[0].Train)
	for _, size := range []int{32, 96, 160} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			cfg, err := train.Profile(train.ProfileQuick)
			if err != nil {
				b.Fatal(err)
			}
			cfg.PMiss, cfg.BatchSize = 0.15, size
			t, err := train.NewTrainer(bk, c, cfg)
			if err != nil {
				b.Fatal(err)
			}
			batch := make([]*data.Patient, size) // the fold's patients, repeated to fill the batch
			for i := range batch {
				batch[i] = patients[i%len(patients)]
			}
			ms := timeSteps(b, t, batch, 1e-3)
			b.ReportMetric(ms, "ms/step")
			b.ReportMetric(ms/float64(size), "ms/patient")
		})
	}
}

// TestAdamWOnHostMatchesTheGraph trains the paper-size model for three steps
// of AdamW and of GCS with AdamW on the host (the pure-Go backend's default)
// and in the graph, from the same start, and requires bitwise equal losses,
// predictions and parameters.
func TestAdamWOnHostMatchesTheGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("runs training steps of the paper-size model")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	run := func(opt string, onHost bool) (losses, risks []float64, params map[string]any) {
		tr, patients, err := BenchWorkload(b, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !tr.AdamWOnHost() {
			t.Fatal("the pure-Go backend's trainer does not apply AdamW on the host")
		}
		tr.SetAdamWOnHost(onHost)
		for range 3 {
			res, err := tr.Step(patients, 2e-3)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, res.Loss)
		}
		if risks, err = tr.Predict(patients, nil); err != nil {
			t.Fatal(err)
		}
		params = map[string]any{}
		tr.Context().EnumerateVariables(func(v *context.Variable) { params[v.ScopeAndName()] = v.MustValue().Value() })
		return losses, risks, params
	}
	for _, opt := range []string{"adamw", "gcs"} {
		lossHost, riskHost, paramsHost := run(opt, true)
		lossGraph, riskGraph, paramsGraph := run(opt, false)
		if !slices.Equal(lossHost, lossGraph) || !slices.Equal(riskHost, riskGraph) {
			t.Errorf("%s: losses %v on the host, %v in the graph; risks equal: %v", opt, lossHost, lossGraph, slices.Equal(riskHost, riskGraph))
		}
		if len(paramsHost) != len(paramsGraph) {
			t.Errorf("%s: %d variables on the host, %d in the graph", opt, len(paramsHost), len(paramsGraph))
		}
		for name, v := range paramsGraph {
			if !reflect.DeepEqual(paramsHost[name], v) {
				t.Errorf("%s: variable %s differs", opt, name)
				break
			}
		}
		t.Logf("%s: losses %v, %d variables equal", opt, lossHost, len(paramsHost))
	}
}
