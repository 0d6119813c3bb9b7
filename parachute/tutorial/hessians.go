// SPDX-License-Identifier: Apache-2.0

package tutorial

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/hvp"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// HessiansOptions configures [Hessians].
type HessiansOptions struct {
	// Seed seeds the example matrix, the network's training and the probes
	// (default 1).
	Seed uint64
	// Epochs trains the tutorial's network (default 10).
	Epochs int
	// Root caches the result as tutorials/tutorial04-<seed>-<epochs>.json
	// ("" means [experiment.DefaultCacheRoot]), so that the tutorial's cells
	// compute it once.
	Root string
}

// HVPError is the relative error of a central difference of gradients
// against the double-backprop Hessian-vector product at one step size.
type HVPError struct {
	Eps      float64 `json:"eps"`
	Relative float64 `json:"relative"`
}

// HessiansResult holds what tutorial 4 shows.
type HessiansResult struct {
	// Eigenvalues is the spectrum of the 40 × 40 example matrix
	// (descending) and Ritz the Ritz values after each Lanczos step on it.
	Eigenvalues []float64   `json:"eigenvalues"`
	Ritz        [][]float64 `json:"ritz"`
	// LanczosProducts and PowerProducts are the matrix-vector products each
	// method needs for λ₁ to 1e-10 on the example.
	LanczosProducts, PowerProducts int
	// Network describes the trained network; Parameters its size.
	Network    string `json:"network"`
	Parameters int    `json:"parameters"`
	// HVP compares central differences with double backprop.
	HVP []HVPError `json:"hvp"`
	// Sharpness of the network: its top eigenvalues, the trace estimate
	// and the per-probe samples.
	Lambda1, Lambda2 float64
	Trace, TraceSE   float64
	TraceSamples     []float64
	// Alphas, AlongTop and AlongRandom are the loss along the unit top
	// eigenvector and along a unit random direction (over ±SliceRadius);
	// QuadraticTop and QuadraticRandom the second-order Taylor models
	// L(θ) + α gᵀv + ½ α² vᵀHv along each, from the gradient g and one
	// Hessian-vector product.
	Alphas, AlongTop, AlongRandom []float64
	QuadraticTop, QuadraticRandom []float64
	SliceRadius                   float64
	// DensityGrid and Density are the SLQ spectral density of the
	// network's Hessian (Gaussian width DensitySigma).
	DensityGrid, Density []float64
	DensitySigma         float64
	// Scales, SecondDifference and Smoothed set λ₁ beside what a step of
	// size h sees along the top eigenvector v: the second difference
	// [L(θ + hv) − 2L(θ) + L(θ − hv)]/h² and the curvature smoothed at
	// σ = h ([landscape.SmoothedCurvature]), for each h of Scales. On a
	// smooth loss both tend to λ₁ as h shrinks; a ReLU network's loss is
	// only piecewise smooth, and a kink within h of θ pulls them away.
	Scales, SecondDifference, Smoothed []float64
}

// Matrix returns tutorial 4's example: a 40 × 40 symmetric matrix
// with eigenvalues 10, 8, 7 and 37 values spread over [−1, 3], in a random
// orthonormal basis drawn from seed; its spectrum, descending.
func Matrix(seed uint64) (*landscape.Dense, []float64, error) {
	const n = 40
	lambda := []float64{10, 8, 7}
	for i := range n - 3 {
		lambda = append(lambda, -1+4*float64(i)/float64(n-4))
	}
	slices.Sort(lambda)
	slices.Reverse(lambda)
	d, _ := landscape.WithSpectrum(lambda, rand.New(rand.NewPCG(seed, 0x404)))
	return d, lambda, nil
}

// Hessians returns tutorial 4's result, computed once per seed and
// epochs and cached under opts.Root. It runs Lanczos step by step on the example matrix,
// then a small float64 PARACHUTE network trained on synthetic UCEC (fold
// 0): Hessian-vector products by double backprop checked against
// central differences, its top eigenvalues and trace, the loss along the
// top eigenvector and along a random direction, and its spectral density.
func Hessians(opts HessiansOptions) (*HessiansResult, error) {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Epochs == 0 {
		opts.Epochs = 10
	}
	if opts.Root == "" {
		root, err := experiment.DefaultCacheRoot()
		if err != nil {
			return nil, err
		}
		opts.Root = root
	}
	// v2: the result gained the measures at scale (a v1 file lacks them).
	path := filepath.Join(opts.Root, "tutorials", fmt.Sprintf("tutorial04-v2-%d-%d.json", opts.Seed, opts.Epochs))
	if raw, err := os.ReadFile(path); err == nil {
		var r HessiansResult
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &r, nil
	}
	r, err := hessians(opts)
	if err != nil {
		return nil, err
	}
	return r, experiment.WriteJSON(path, r)
}

// tutorial04 computes Hessians's result.
func hessians(opts HessiansOptions) (*HessiansResult, error) {
	r := &HessiansResult{}
	a, lambda, err := Matrix(opts.Seed)
	if err != nil {
		return nil, err
	}
	r.Eigenvalues = lambda
	if r.Ritz, err = landscape.RitzHistory(a, 20, opts.Seed); err != nil {
		return nil, err
	}
	top, err := landscape.TopEigenpairs(a, landscape.LanczosOptions{K: 1, Tol: 1e-10, Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	pw, err := landscape.PowerIteration(a, landscape.PowerOptions{Tol: 1e-10, MaxIter: 5000, Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	r.LanczosProducts, r.PowerProducts = top.Products, pw.Iterations

	f, err := tutorialNetwork(opts, r)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x4e7))
	v := make([]float64, f.Dim())
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	hv := make([]float64, f.Dim())
	if err := f.Apply(hv, v); err != nil {
		return nil, err
	}
	for _, eps := range []float64{1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9} {
		fd := make([]float64, f.Dim())
		if err := f.HVPDifference(fd, v, eps); err != nil {
			return nil, err
		}
		r.HVP = append(r.HVP, HVPError{Eps: eps, Relative: relativeError(fd, hv)})
	}
	eig, err := landscape.TopEigenpairs(f, landscape.LanczosOptions{K: 2, Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	r.Lambda1, r.Lambda2 = eig.Values[0], eig.Values[1]
	tr, err := landscape.HutchinsonTrace(f, 30, opts.Seed)
	if err != nil {
		return nil, err
	}
	r.Trace, r.TraceSE, r.TraceSamples = tr.Mean, tr.SE, tr.Samples

	random := make([]float64, f.Dim())
	for i := range random {
		random[i] = rng.NormFloat64()
	}
	nr := 0.0
	for _, x := range random {
		nr += x * x
	}
	for i := range random {
		random[i] /= math.Sqrt(nr)
	}
	zero := make([]float64, f.Dim())
	r.SliceRadius = 0.02
	r.Alphas = landscape.Grid(41, r.SliceRadius)
	zeros := make([]float64, len(r.Alphas))
	if r.AlongTop, err = f.Losses(eig.Vectors[0], zero, r.Alphas, zeros); err != nil {
		return nil, err
	}
	if r.AlongRandom, err = f.Losses(random, zero, r.Alphas, zeros); err != nil {
		return nil, err
	}
	l0, g, err := f.LossAndGradient(nil)
	if err != nil {
		return nil, err
	}
	quadratic := func(d []float64) ([]float64, error) {
		hd := make([]float64, len(d))
		if err := f.Apply(hd, d); err != nil {
			return nil, err
		}
		slope, curv := 0.0, 0.0
		for i := range d {
			slope += g[i] * d[i]
			curv += d[i] * hd[i]
		}
		out := make([]float64, len(r.Alphas))
		for k, a := range r.Alphas {
			out[k] = l0 + a*slope + 0.5*a*a*curv
		}
		return out, nil
	}
	if r.QuadraticTop, err = quadratic(eig.Vectors[0]); err != nil {
		return nil, err
	}
	if r.QuadraticRandom, err = quadratic(random); err != nil {
		return nil, err
	}

	r.Scales = []float64{1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 5e-2, 1e-1}
	for _, h := range r.Scales {
		l, err := f.Losses(eig.Vectors[0], zero, []float64{-h, 0, h}, []float64{0, 0, 0})
		if err != nil {
			return nil, err
		}
		k, err := landscape.SmoothedCurvature(f, eig.Vectors[0], h, 24)
		if err != nil {
			return nil, err
		}
		r.SecondDifference, r.Smoothed = append(r.SecondDifference, (l[0]-2*l[1]+l[2])/(h*h)), append(r.Smoothed, k)
	}

	dens, err := landscape.SLQ(f, 4, 40, opts.Seed)
	if err != nil {
		return nil, err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, nodes := range dens.Nodes {
		lo, hi = math.Min(lo, slices.Min(nodes)), math.Max(hi, slices.Max(nodes))
	}
	r.DensitySigma = (hi - lo) / 100
	pad := 5 * r.DensitySigma
	r.DensityGrid = landscape.Grid(401, 1)
	for i, x := range r.DensityGrid {
		r.DensityGrid[i] = (lo+hi)/2 + x*((hi-lo)/2+pad)
	}
	r.Density = dens.Smoothed(r.DensityGrid, r.DensitySigma)
	return r, nil
}

// tutorialNetwork trains the tutorial's float64 network (the smoke
// profile's widths) on synthetic UCEC fold 0 and returns its loss over the
// fold's training patients.
func tutorialNetwork(opts HessiansOptions, r *HessiansResult) (*hvp.LossFunction, error) {
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 1})
	if err != nil {
		return nil, err
	}
	cfg, err := train.Profile(train.ProfileSmoke)
	if err != nil {
		return nil, err
	}
	cfg.Model.DType = dtypes.Float64
	cfg.Epochs, cfg.Schedule.TMax, cfg.Seed, cfg.Optimizer = opts.Epochs, opts.Epochs, opts.Seed, "adamw"
	b, err := backend.New()
	if err != nil {
		return nil, err
	}
	res, err := train.Train(c, 0, cfg, train.TrainOptions{Backend: b})
	if err != nil {
		return nil, err
	}
	run := &experiment.TrainedRun{Trainer: res.Trainer, Cohort: c, Fold: 0}
	obj, err := res.Trainer.Objective(run.TrainingPatients())
	if err != nil {
		return nil, err
	}
	f, err := hvp.NewLossFunction(obj)
	if err != nil {
		return nil, err
	}
	r.Parameters = f.Dim()
	r.Network = fmt.Sprintf("PARACHUTE at d = %d in float64, trained %d epochs with AdamW on synthetic UCEC fold 0; the loss over its %d training patients",
		cfg.Model.Dim, cfg.Epochs, len(run.TrainingPatients()))
	return f, nil
}

// relativeError is ‖a − b‖ / ‖b‖.
func relativeError(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}
