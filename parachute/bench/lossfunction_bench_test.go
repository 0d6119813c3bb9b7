// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"math/rand/v2"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/hvp"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// landscapeWorkload is a freshly initialised network of the profile over
// the training patients of synthetic PDA fold 0 (76 patients): the loss the
// landscape command analyses. Timings do not depend on training.
func landscapeWorkload(b *testing.B, profile string) *hvp.LossFunction {
	b.Helper()
	bk, c := benchCohort(b)
	cfg, err := train.Profile(profile)
	if err != nil {
		b.Fatal(err)
	}
	t, err := train.NewTrainer(bk, c, cfg)
	if err != nil {
		b.Fatal(err)
	}
	obj, err := t.Objective(train.PatientsOf(c, c.Folds[0].Train))
	if err != nil {
		b.Fatal(err)
	}
	f, err := hvp.NewLossFunction(obj)
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkLandscape times one Hessian-vector product (double backprop) and
// one loss evaluation of a surface (8 points per graph call) for the quick
// and the paper-size network; Lanczos for the top two eigenpairs takes about
// 20 products, Hutchinson 30, a 41 × 41 grid 1,681 evaluations. Run:
// go test -run '^$' -bench Landscape -benchtime 3x ./parachute/experiment
func BenchmarkLandscape(b *testing.B) {
	for _, profile := range []string{train.ProfileQuick, train.ProfilePaper} {
		b.Run(profile, func(b *testing.B) { benchmarkLandscape(b, profile) })
	}
}

func benchmarkLandscape(b *testing.B, profile string) {
	f := landscapeWorkload(b, profile)
	v, hv := randomVector(f.Dim(), 1), make([]float64, f.Dim())
	if err := f.Apply(hv, v); err != nil { // compile
		b.Fatal(err)
	}
	b.Run("hvp", func(b *testing.B) {
		for b.Loop() {
			if err := f.Apply(hv, v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.Dim()), "params")
		b.ReportMetric(train.PeakRSSMB(), "peakRSS-MB")
	})
	d1, d2 := randomVector(f.Dim(), 2), randomVector(f.Dim(), 3)
	alphas, betas := make([]float64, 8), make([]float64, 8)
	if _, err := f.Losses(d1, d2, alphas, betas); err != nil { // compile
		b.Fatal(err)
	}
	b.Run("surface-8-points", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.Losses(d1, d2, alphas, betas); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/8*1681, "s/41x41-grid")
	})
}

// randomVector is n standard normal draws from the seed.
func randomVector(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}
