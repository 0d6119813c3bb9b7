// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// On a quadratic L₀ + ½xᵀAx the Hessian surface is
// L₀ + ½(λ₁α² + λ₂β²) exactly, and the eigenvalues and trace are A's.
func TestAnalyzeQuadratic(t *testing.T) {
	lambda := spectrum(50)
	a, _ := knownSpectrum(t, lambda, 11)
	q := Quadratic{Dense: a, L0: 0.75}
	r, err := Analyze(q, Options{Grid: 5, Eps: 0.5, TraceProbes: 400, Lanczos: LanczosOptions{Tol: 1e-12}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Eigenvalues[0]-10) > 1e-8 || math.Abs(r.Eigenvalues[1]-9.5) > 1e-8 {
		t.Errorf("eigenvalues %v, want 10 and 9.5", r.Eigenvalues)
	}
	trace := 0.0
	for _, l := range lambda {
		trace += l
	}
	if math.Abs(float64(r.Trace)-trace) > 4*float64(r.TraceSE) {
		t.Errorf("trace %v ± %v, want %v", r.Trace, r.TraceSE, trace)
	}
	want := []float64{-0.5, -0.25, 0, 0.25, 0.5}
	for i, al := range r.Alphas {
		if al != want[i] || r.Betas[i] != want[i] {
			t.Fatalf("grid %v, %v; want %v", r.Alphas, r.Betas, want)
		}
		for j, be := range r.Betas {
			w := 0.75 + 0.5*(10*al*al+9.5*be*be)
			if math.Abs(r.Loss[i][j]-w) > 1e-12 {
				t.Errorf("loss at (%v, %v) = %.15g, want %.15g", al, be, r.Loss[i][j], w)
			}
		}
	}
	if r.LossAtOptimum != 0.75 || r.Loss[2][2] != 0.75 {
		t.Errorf("loss at the optimum %v, centre %v; want 0.75", r.LossAtOptimum, r.Loss[2][2])
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("result does not marshal: %v", err)
	}
	// Skipping the trace writes null, not NaN (which JSON cannot hold).
	r, err = Analyze(q, Options{Grid: 3, TraceProbes: -1})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	json.Unmarshal(raw, &back)
	if back["trace"] != nil {
		t.Errorf("a skipped trace is written as %v", back["trace"])
	}
}

// Filter normalisation: each filter of the direction has the norm of θ's
// filter; one-dimensional tensors get zero.
func TestFilterNormalized(t *testing.T) {
	blocks := []Block{{Name: "w", Dims: []int{3, 2}, Offset: 0, Size: 6}, {Name: "b", Dims: []int{2}, Offset: 6, Size: 2}}
	theta := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	d := FilterNormalized(theta, blocks, rand.New(rand.NewPCG(1, 2)))
	for f := range 2 {
		nd, nw := 0.0, 0.0
		for i := f; i < 6; i += 2 {
			nd += d[i] * d[i]
			nw += theta[i] * theta[i]
		}
		if math.Abs(math.Sqrt(nd)-math.Sqrt(nw)) > 1e-9*math.Sqrt(nw) { // the 1e-10 guard of the denominator
			t.Errorf("filter %d: norm %v, want %v", f, math.Sqrt(nd), math.Sqrt(nw))
		}
	}
	if d[6] != 0 || d[7] != 0 {
		t.Errorf("bias direction %v, want zeros", d[6:])
	}
}

// Random directions on the quadratic: the surface is L₀ + ½ dᵀAd in each
// direction, as the analytic form says.
func TestAnalyzeRandomDirections(t *testing.T) {
	a, _ := knownSpectrum(t, spectrum(12), 12)
	theta := make([]float64, 12)
	for i := range theta {
		theta[i] = float64(i + 1)
	}
	blocks := []Block{{Name: "w", Dims: []int{4, 3}, Offset: 0, Size: 12}}
	r, err := Analyze(Quadratic{Dense: a}, Options{Grid: 3, Eps: 1, Directions: RandomDirections, Theta: theta, Blocks: blocks, TraceProbes: -1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 0xd1e))
	d1 := FilterNormalized(theta, blocks, rng)
	ad := make([]float64, 12)
	a.Apply(ad, d1)
	if w := 0.5 * dot(d1, ad); math.Abs(r.Loss[2][1]-w) > 1e-12 {
		t.Errorf("L(θ + d₁) = %v, want %v", r.Loss[2][1], w)
	}
	if r.Directions != "random" {
		t.Errorf("directions %q", r.Directions)
	}
}

func TestGridAndDirections(t *testing.T) {
	g := Grid(41, 1)
	if g[0] != -1 || g[40] != 1 || g[20] != 0 || len(g) != 41 {
		t.Errorf("grid %v", g)
	}
	for _, s := range []string{"hessian", "random"} {
		d, err := ParseDirections(s)
		if err != nil || d.String() != s {
			t.Errorf("%s: %v %v", s, d, err)
		}
	}
	if _, err := ParseDirections("pca"); err == nil {
		t.Error("pca directions accepted")
	}
}

// TestAnalyzeMeasuresAtScale: on a quadratic the smoothed curvatures are
// the top two eigenvalues at any σ, and the plane's ε-sharpness is the
// corner of the square, ½(λ₁ + λ₂)ε².
func TestAnalyzeMeasuresAtScale(t *testing.T) {
	lambda := spectrum(50)
	a, _ := knownSpectrum(t, lambda, 11)
	q := Quadratic{Dense: a, L0: 0.75}
	theta := make([]float64, q.Dim())
	for i := range theta {
		theta[i] = 1
	}
	r, err := Analyze(q, Options{Grid: 1, Eps: 0.5, TraceProbes: -1, Lanczos: LanczosOptions{Tol: 1e-12}, Seed: 1,
		SmoothingSigma: 0.05, SharpnessEps: 0.2, SharpnessGrid: 5, SharpnessRandom: 3, SharpnessRandomEps: 0.1,
		Theta: theta, Blocks: []Block{{Name: "w", Dims: []int{q.Dim(), 1}, Size: q.Dim()}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.SmoothedCurvature) != 2 || math.Abs(r.SmoothedCurvature[0]-10) > 1e-6 || math.Abs(r.SmoothedCurvature[1]-9.5) > 1e-6 {
		t.Errorf("smoothed curvatures %v, want 10 and 9.5", r.SmoothedCurvature)
	}
	if want := 0.5 * (10 + 9.5) * 0.04; math.Abs(float64(r.EpsSharpness)-want) > 1e-9 {
		t.Errorf("ε-sharpness %v, want %v", r.EpsSharpness, want)
	}
	if !(r.RandomEpsSharpness > 0) || r.SharpnessRandomEps != 0.1 {
		t.Errorf("random ε-sharpness %v at ±%v", r.RandomEpsSharpness, r.SharpnessRandomEps)
	}
}
