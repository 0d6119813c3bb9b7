// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
)

// benchmarkWorkload is the fixed workload of the speed comparisons: batch
// 16; each patient with 8 slide embeddings of width 768 and 4 CT series of 16
// slices of width 1024; the paper-size model (d = 256).
func benchmarkWorkload(b *testing.B, optimizer string) (*Trainer, []*data.Patient) {
	b.Helper()
	cfg, err := Profile(ProfilePaper)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Optimizer = optimizer
	cfg.Model.Slices, cfg.Model.MaxSlides, cfg.Model.MaxSeries = 16, 8, 4
	rng := rand.New(rand.NewPCG(1, 1))
	c := &data.Cohort{Name: "bench", Pathology: data.DefaultPathology, Radiology: data.DefaultRadiology}
	var patients []*data.Patient
	for i := range 16 {
		p := data.Patient{ID: strconv.Itoa(i), Time: float64(1 + rng.IntN(1000)), Event: rng.Float64() < 0.7}
		for range 8 {
			f := make([]float32, 768)
			for j := range f {
				f[j] = float32(rng.NormFloat64())
			}
			p.Slides = append(p.Slides, data.Slide{Features: f})
		}
		for range 4 {
			f := make([]float32, 16*1024)
			for j := range f {
				f[j] = float32(rng.NormFloat64())
			}
			p.Series = append(p.Series, data.Series{Slices: 16, Width: 1024, Features: f})
		}
		c.Patients = append(c.Patients, p)
	}
	for i := range c.Patients {
		patients = append(patients, &c.Patients[i])
	}
	bk, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	t, err := NewTrainer(bk, c, cfg)
	if err != nil {
		b.Fatal(err)
	}
	return t, patients
}

// peakRSSMB reads the process's peak resident memory (Linux VmHWM).
func peakRSSMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
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
	b.ReportMetric(peakRSSMB(), "peakRSS-MB")
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
	b.ReportMetric(peakRSSMB(), "peakRSS-MB")
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
