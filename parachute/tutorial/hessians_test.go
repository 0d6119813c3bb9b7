// SPDX-License-Identifier: Apache-2.0

package tutorial_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// Tutorial 4's numbers behave as the tutorial says: Lanczos beats power
// iteration on the example; the central difference meets double backprop
// at a middle step size and loses to truncation (large ε) and rounding
// (small ε) at the ends; the top eigenvector bends the loss more than a
// random direction.
func TestTutorial04(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small network")
	}
	opts := tutorial.HessiansOptions{Epochs: 3, Root: t.TempDir()}
	r, err := tutorial.Hessians(opts)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := tutorial.Hessians(opts); err != nil || again.Lambda1 != r.Lambda1 || again.HVP[4] != r.HVP[4] {
		t.Errorf("the cached result differs: %v", err)
	}
	if last := r.Ritz[len(r.Ritz)-1]; math.Abs(last[0]-10) > 1e-8 {
		t.Errorf("θ₁ after %d steps = %v, want 10", len(r.Ritz), last[0])
	}
	if r.LanczosProducts >= r.PowerProducts {
		t.Errorf("Lanczos %d products, power iteration %d", r.LanczosProducts, r.PowerProducts)
	}
	best := math.Inf(1)
	for _, e := range r.HVP {
		best = math.Min(best, e.Relative)
	}
	if best > 1e-6 || r.HVP[0].Relative < 100*best || r.HVP[len(r.HVP)-1].Relative < 100*best {
		t.Errorf("HVP errors %+v", r.HVP)
	}
	mid := len(r.Alphas) / 2
	rise := func(l []float64) float64 { return (l[mid-1]+l[mid+1])/2 - l[mid] }
	if !(r.Lambda1 >= r.Lambda2) || !(rise(r.AlongTop) > rise(r.AlongRandom)) {
		t.Errorf("λ %v %v; rise along the top eigenvector %v, along a random direction %v", r.Lambda1, r.Lambda2, rise(r.AlongTop), rise(r.AlongRandom))
	}
	integral := 0.0
	for i := 1; i < len(r.DensityGrid); i++ {
		integral += 0.5 * (r.Density[i] + r.Density[i-1]) * (r.DensityGrid[i] - r.DensityGrid[i-1])
	}
	if math.Abs(integral-1) > 1e-3 {
		t.Errorf("density integrates to %v", integral)
	}
	if len(r.SecondDifference) != len(r.Scales) || len(r.Smoothed) != len(r.Scales) {
		t.Fatalf("%d scales, %d second differences, %d smoothed", len(r.Scales), len(r.SecondDifference), len(r.Smoothed))
	}
	for k, h := range r.Scales {
		if math.IsNaN(r.SecondDifference[k]) || math.IsNaN(r.Smoothed[k]) {
			t.Errorf("h = %v: second difference %v, smoothed %v", h, r.SecondDifference[k], r.Smoothed[k])
		}
	}
	t.Logf("λ₁ %.4g; h %v; second differences %.4g; smoothed %.4g", r.Lambda1, r.Scales, r.SecondDifference, r.Smoothed)
	t.Logf("%s: %d parameters; λ₁ %.4g λ₂ %.4g trace %.4g ± %.2g; Lanczos %d, power %d; HVP %+v", r.Network, r.Parameters,
		r.Lambda1, r.Lambda2, r.Trace, r.TraceSE, r.LanczosProducts, r.PowerProducts, r.HVP)
}
