// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
)

func benchmarkWorkload(b *testing.B, optimizer string) (*Trainer, []*data.Patient) {
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
	if _, err := t.Step(patients, 5e-3); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := t.Step(patients, 5e-3); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
	b.ReportMetric(PeakRSSMB(), "peakRSS-MB")
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
	b.ReportMetric(PeakRSSMB(), "peakRSS-MB")
}

// BenchmarkPaperStepCost measures one training step of each method on the
// fixed workload and reports its time relative to an AdamW step. Run:
// go test -run '^$' -bench PaperStepCost -benchtime 5x ./parachute/experiment
func BenchmarkPaperStepCost(b *testing.B) {
	var adamw float64
	for _, name := range Optimizers {
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
