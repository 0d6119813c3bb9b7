// SPDX-License-Identifier: Apache-2.0

package landscape_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/landscape"
)

// kinked is L(θ + x) = c·|x₀| + ½ h x₁² in two dimensions: a kink at θ
// along the first axis, a quadratic along the second.
type kinked struct{ c, h float64 }

func (k kinked) Dim() int { return 2 }
func (k kinked) Apply(dst, v []float64) error {
	dst[0], dst[1] = 0, k.h*v[1] // the smooth piece's Hessian: λ = 0 along the kink
	return nil
}
func (k kinked) Losses(d1, d2, alphas, betas []float64) ([]float64, error) {
	out := make([]float64, len(alphas))
	for i := range alphas {
		x0 := alphas[i]*d1[0] + betas[i]*d2[0]
		x1 := alphas[i]*d1[1] + betas[i]*d2[1]
		out[i] = k.c*math.Abs(x0) + 0.5*k.h*x1*x1
	}
	return out, nil
}

// TestSmoothedCurvatureWorkedByHand: along the quadratic axis κ_σ = h at
// every σ; along the kink κ_σ = c√(2/π)/σ, although the Hessian there is 0.
func TestSmoothedCurvatureWorkedByHand(t *testing.T) {
	f := kinked{c: 0.5, h: 3}
	for _, sigma := range []float64{0.01, 0.05, 0.2} {
		smooth, err := landscape.SmoothedCurvature(f, []float64{0, 1}, sigma, 24)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(smooth-3) > 1e-9 {
			t.Errorf("σ = %v: quadratic axis %v, want 3", sigma, smooth)
		}
		kink, _ := landscape.SmoothedCurvature(f, []float64{1, 0}, sigma, 64)
		if want := 0.5 * math.Sqrt(2/math.Pi) / sigma; math.Abs(kink-want) > 0.02*want {
			t.Errorf("σ = %v: kink axis %v, want c√(2/π)/σ = %v", sigma, kink, want)
		}
	}
	if _, err := landscape.SmoothedCurvature(f, []float64{1, 0}, 0, 24); err == nil {
		t.Error("σ = 0 accepted")
	}
}

// TestEpsSharpnessWorkedByHand: on the square ±ε of the two axes the
// largest rise is c ε + ½ h ε²; on a quadratic ½ λ ε² along its top axis.
func TestEpsSharpnessWorkedByHand(t *testing.T) {
	f := kinked{c: 0.5, h: 3}
	got, err := landscape.EpsSharpness(f, []float64{1, 0}, []float64{0, 1}, 0.1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.5*0.1 + 0.5*3*0.01; math.Abs(got-want) > 1e-12 {
		t.Errorf("ε-sharpness %v, want %v", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	op, _ := landscape.WithSpectrum([]float64{4, 1, 0.5}, rng)
	q := landscape.Quadratic{Dense: op, L0: 2}
	theta := []float64{1, 1, 1}
	blocks := []landscape.Block{{Name: "w", Dims: []int{3, 1}, Offset: 0, Size: 3}}
	r, err := landscape.RandomEpsSharpness(q, theta, blocks, 0.5, 5, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	// A filter-normalised direction has the norm of θ (√3): the rise is at
	// most ½ · 4 · (0.5 √3)² = 1.5 and at least ½ · 0.5 · (0.5 √3)².
	if r > 1.5+1e-12 || r < 0.5*0.5*0.75 {
		t.Errorf("random ε-sharpness %v outside [%v, 1.5]", r, 0.5*0.5*0.75)
	}
}
