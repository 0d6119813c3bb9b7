// SPDX-License-Identifier: Apache-2.0

package hvp

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"gonum.org/v1/gonum/mat"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// narrowCohort is a synthetic cohort with its embeddings cut to their
// first `width` features, so that a float64 network small enough to have
// its Hessian assembled column by column can train on it.
func narrowCohort(t *testing.T, width int) *data.Cohort {
	t.Helper()
	c := traintest.UCEC(t)
	for i := range c.Patients {
		p := &c.Patients[i]
		for k := range p.Slides {
			p.Slides[k].Features = p.Slides[k].Features[:width]
		}
		for k := range p.Series {
			s := &p.Series[k]
			f := make([]float32, 0, s.Slices*width)
			for j := range s.Slices {
				f = append(f, s.Slice(j)[:width]...)
			}
			s.Features, s.Width = f, width
		}
	}
	c.Pathology.Width, c.Radiology.Width = width, width
	return c
}

// tinyLossFunction trains a float64 network of a few hundred parameters
// for two epochs and returns its loss over fold 0's training patients.
func tinyLossFunction(t *testing.T) *LossFunction {
	t.Helper()
	c := narrowCohort(t, 2)
	cfg := traintest.TinyConfig(t)
	cfg.Model.Dim, cfg.Model.Inter, cfg.Model.FFN, cfg.Model.Hazard, cfg.Model.Heads, cfg.Model.TopK = 4, 2, 4, 4, 2, 1
	cfg.Model.DType = dtypes.Float64
	cfg.Epochs, cfg.Schedule.TMax = 2, 2
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	res, err := train.Train(c, 0, cfg, train.TrainOptions{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	var train []*data.Patient
	for _, i := range c.Folds[0].Train {
		train = append(train, &c.Patients[i])
	}
	obj, err := res.Trainer.Objective(train)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewLossFunction(obj)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func randomVector(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func relDiff(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// The Hessian of a tiny float64 network: double backprop equals the
// central difference of gradients; assembled column by column it is
// symmetric, and Lanczos on the operator finds its two largest eigenvalues
// as gonum's dense eigensolver does. The evaluations never move θ.
func TestLossFunctionHessian(t *testing.T) {
	f := tinyLossFunction(t)
	n := f.Dim()
	t.Logf("%d parameters", n)
	if n > 2000 {
		t.Fatalf("the tiny network has %d parameters: too many to assemble its Hessian", n)
	}
	theta := f.Theta()

	v := randomVector(n, 1)
	hv, fd := make([]float64, n), make([]float64, n)
	if err := f.Apply(hv, v); err != nil {
		t.Fatal(err)
	}
	if err := f.HVPDifference(fd, v, 1e-5); err != nil {
		t.Fatal(err)
	}
	if d := relDiff(fd, hv); d > 1e-6 {
		t.Errorf("Hessian-vector product: double backprop and central difference differ by %.2g (relative)", d)
	} else {
		t.Logf("double backprop vs central difference: %.2g", d)
	}

	h := mat.NewDense(n, n, nil)
	e, col := make([]float64, n), make([]float64, n)
	for j := range n {
		clear(e)
		e[j] = 1
		if err := f.Apply(col, e); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			h.Set(i, j, col[i])
		}
	}
	asym, scale := 0.0, 0.0
	for i := range n {
		for j := range n {
			asym = math.Max(asym, math.Abs(h.At(i, j)-h.At(j, i)))
			scale = math.Max(scale, math.Abs(h.At(i, j)))
		}
	}
	if asym > 1e-9*scale {
		t.Errorf("assembled Hessian not symmetric: max |H − Hᵀ| = %.2g (max |H| %.2g)", asym, scale)
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, 0.5*(h.At(i, j)+h.At(j, i)))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, false) {
		t.Fatal("gonum's eigensolver failed")
	}
	want := es.Values(nil)
	slices.Sort(want)
	slices.Reverse(want)

	top, err := landscape.TopEigenpairs(f, landscape.LanczosOptions{K: 2, Tol: 1e-10, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if d := math.Abs(top.Values[i]-want[i]) / math.Abs(want[0]); d > 1e-8 {
			t.Errorf("λ%d: Lanczos %.10g, dense %.10g", i+1, top.Values[i], want[i])
		}
	}
	t.Logf("λ₁ = %.6g, λ₂ = %.6g (dense %.6g, %.6g), %d products", top.Values[0], top.Values[1], want[0], want[1], top.Products)
	if !slices.Equal(theta, f.Theta()) {
		t.Error("evaluating the operator changed the parameters")
	}
}

// The batched surface equals single loss evaluations at the same points,
// and its centre is the unperturbed loss.
func TestLossFunctionSurface(t *testing.T) {
	f := tinyLossFunction(t)
	f.SurfaceChunk = 3
	theta := f.Theta()
	n := f.Dim()
	d1, d2 := randomVector(n, 4), randomVector(n, 5)
	alphas := []float64{0, 0.01, -0.02, 0.03, 0}
	betas := []float64{0, 0.02, 0.01, -0.01, 0.05}
	got, err := f.Losses(d1, d2, alphas, betas)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(alphas) {
		t.Fatalf("%d losses for %d points", len(got), len(alphas))
	}
	l0, _, err := f.LossAndGradient(nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range alphas {
		delta := make([]float64, n)
		for i := range delta {
			delta[i] = alphas[k]*d1[i] + betas[k]*d2[i]
		}
		want, _, err := f.LossAndGradient(delta)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[k]-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("point %d: batched %.15g, single %.15g", k, got[k], want)
		}
	}
	if got[0] != l0 {
		t.Errorf("the centre %.15g is not the unperturbed loss %.15g", got[0], l0)
	}
	if !slices.Equal(theta, f.Theta()) {
		t.Error("evaluating the surface changed the parameters")
	}
}
