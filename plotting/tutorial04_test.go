// SPDX-License-Identifier: Apache-2.0

package plotting_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/tutorial"
	"github.com/parachute-surv/goparachute/plotting"
)

// tutorial04Fixture is a Tutorial04Result shaped like the tutorial's: the
// example matrix's spectrum with Ritz values closing in on its extremes,
// the V-shaped error of central differences, quadratic slices and a
// density with a bulk near 0 and a few large eigenvalues.
func tutorial04Fixture(t *testing.T) *tutorial.HessiansResult {
	t.Helper()
	_, lambda, err := tutorial.Matrix(1)
	if err != nil {
		t.Fatal(err)
	}
	r := &tutorial.HessiansResult{Eigenvalues: lambda, LanczosProducts: 14, PowerProducts: 160,
		Network: "fixture", Parameters: 5000, Lambda1: 9.3, Lambda2: 6.1, Trace: 120, TraceSE: 8,
		TraceSamples: []float64{110, 125, 118, 127}, SliceRadius: 0.5, DensitySigma: 0.2}
	for k := 1; k <= 14; k++ {
		var vals []float64
		for i := range k {
			// Ritz values interlace the spectrum: the extremes converge first.
			top, bottom := lambda[0]-3/float64(k), lambda[len(lambda)-1]+2/float64(k)
			vals = append(vals, bottom+(top-bottom)*float64(i)/math.Max(1, float64(k-1)))
		}
		r.Ritz = append(r.Ritz, vals)
	}
	for e := -9; e <= -1; e++ {
		eps := math.Pow(10, float64(e))
		r.HVP = append(r.HVP, tutorial.HVPError{Eps: eps, Relative: 1e-16/(eps*eps) + eps*eps})
	}
	for i := range 41 {
		a := -0.5 + float64(i)/40
		r.Alphas = append(r.Alphas, a)
		r.AlongTop = append(r.AlongTop, 2+0.5*9.3*a*a+math.Abs(a)*a*a)
		r.AlongRandom = append(r.AlongRandom, 2+0.5*0.3*a*a)
		r.QuadraticTop = append(r.QuadraticTop, 2+0.5*9.3*a*a)
		r.QuadraticRandom = append(r.QuadraticRandom, 2+0.5*0.3*a*a)
	}
	for i := range 200 {
		x := -2 + 14*float64(i)/199
		r.DensityGrid = append(r.DensityGrid, x)
		r.Density = append(r.Density, math.Exp(-x*x/0.08)+1e-3*math.Exp(-(x-9.3)*(x-9.3)/0.08))
	}
	return r
}

// Tutorial 4's figures pass the figure lint.
func TestTutorial04FiguresLint(t *testing.T) {
	r := tutorial04Fixture(t)
	for name, build := range map[string]func(*tutorial.HessiansResult, plotting.Theme) (*plotting.Figure, error){
		"RitzConvergence": plotting.RitzConvergence, "HVPCheck": plotting.HVPCheck,
		"LossSlices": plotting.LossSlices, "SpectralDensity": plotting.SpectralDensity,
	} {
		f, err := build(r, plotting.DefaultTheme)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if probs := f.Lint(); len(probs) > 0 {
			t.Errorf("%s breaks the figure lint: %v", name, probs)
		}
	}
}
