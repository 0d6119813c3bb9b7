// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// PowerOptions configure [PowerIteration].
type PowerOptions struct {
	// MaxIter caps the iterations (0 means 200).
	MaxIter int
	// Tol stops when the eigenvalue estimate changes by at most
	// Tol·|estimate| between iterations (0 means 1e-10).
	Tol float64
	// Seed draws the starting vector.
	Seed uint64
	// Deflate holds unit vectors the iteration is kept orthogonal to (the
	// eigenvectors already found), for the next eigenpair.
	Deflate [][]float64
}

// PowerResult is an eigenpair found by power iteration.
type PowerResult struct {
	Value      float64
	Vector     []float64
	Iterations int
	Converged  bool
}

// PowerIteration finds the eigenvalue of largest magnitude of the operator
// restricted to the complement of opts.Deflate, as PyHessian does:
// v ← A v / ‖A v‖ with the Rayleigh quotient vᵀ A v as the estimate. It is
// the cross-check of [TopEigenpairs] (whose eigenvalues are the largest
// algebraically: the two agree when the top eigenvalue dominates in
// magnitude, as at a minimum). Convergence is linear in |λ₂/λ₁|.
func PowerIteration(op Operator, opts PowerOptions) (*PowerResult, error) {
	if opts.MaxIter == 0 {
		opts.MaxIter = 200
	}
	if opts.Tol == 0 {
		opts.Tol = 1e-10
	}
	n := op.Dim()
	rng := rand.New(rand.NewPCG(opts.Seed, 0x90e3))
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	deflate := func(x []float64) {
		for _, q := range opts.Deflate {
			axpy(-dot(q, x), q, x)
		}
	}
	deflate(v)
	if nv := norm(v); nv > 0 {
		scale(1/nv, v)
	} else {
		return nil, errors.New("landscape: power iteration: no room left after deflation")
	}
	av := make([]float64, n)
	est := math.NaN()
	for it := 1; it <= opts.MaxIter; it++ {
		if err := apply(op, av, v); err != nil {
			return nil, err
		}
		deflate(av)
		rq := dot(v, av)
		na := norm(av)
		if na == 0 || math.IsNaN(na) {
			return &PowerResult{Value: rq, Vector: v, Iterations: it, Converged: na == 0}, nil
		}
		converged := math.Abs(rq-est) <= opts.Tol*math.Abs(rq)
		est = rq
		copy(v, av)
		scale(1/na, v)
		if converged {
			return &PowerResult{Value: est, Vector: v, Iterations: it, Converged: true}, nil
		}
	}
	return &PowerResult{Value: est, Vector: v, Iterations: opts.MaxIter}, nil
}

// TraceEstimate is Hutchinson's estimate of a trace.
type TraceEstimate struct {
	// Mean is (1/m) Σ zᵢᵀ A zᵢ over m Rademacher probes zᵢ (entries ±1), an
	// unbiased estimate of tr A.
	Mean float64
	// SE is the standard error of Mean: the sample standard deviation of
	// the zᵢᵀ A zᵢ over √m (NaN for one probe).
	SE float64
	// Samples are the zᵢᵀ A zᵢ.
	Samples []float64
}

// HutchinsonTrace estimates tr A with m Rademacher probes drawn from seed.
// The variance of one sample is 2 Σ_{i≠j} A_ij², so a diagonal matrix is
// estimated exactly.
func HutchinsonTrace(op Operator, m int, seed uint64) (*TraceEstimate, error) {
	if m < 1 {
		return nil, fmt.Errorf("landscape: Hutchinson with %d probes", m)
	}
	rng := rand.New(rand.NewPCG(seed, 0x7ace))
	n := op.Dim()
	z, az := make([]float64, n), make([]float64, n)
	t := &TraceEstimate{}
	for range m {
		rademacher(rng, z)
		if err := apply(op, az, z); err != nil {
			return nil, err
		}
		t.Samples = append(t.Samples, dot(z, az))
	}
	t.Mean, t.SE = meanSE(t.Samples)
	return t, nil
}

func rademacher(rng *rand.Rand, z []float64) {
	for i := range z {
		z[i] = 1
		if rng.Uint64()&1 == 0 {
			z[i] = -1
		}
	}
}

// meanSE is the mean and its standard error (sample SD over √m).
func meanSE(x []float64) (float64, float64) {
	m := float64(len(x))
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= m
	if len(x) < 2 {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss/(m-1)) / math.Sqrt(m)
}

// SpectralDensity is a stochastic Lanczos quadrature of the eigenvalue
// density: per probe, the Ritz values of an m-step Lanczos run from a
// normalised Rademacher vector and their weights, the squared first
// components of T's eigenvectors (each probe's weights sum to 1). Averaged
// over probes, Σ wᵢ δ(t − θᵢ) approximates (1/n) Σ δ(t − λ).
type SpectralDensity struct {
	Nodes   [][]float64
	Weights [][]float64
}

// SLQ runs stochastic Lanczos quadrature with the given number of probes
// and Lanczos steps (full re-orthogonalisation, as PyHessian's density()).
func SLQ(op Operator, probes, steps int, seed uint64) (*SpectralDensity, error) {
	if probes < 1 || steps < 1 || steps > op.Dim() {
		return nil, fmt.Errorf("landscape: SLQ with %d probes of %d steps on dimension %d", probes, steps, op.Dim())
	}
	rng := rand.New(rand.NewPCG(seed, 0x51c))
	d := &SpectralDensity{}
	for p := range probes {
		z := make([]float64, op.Dim())
		rademacher(rng, z)
		l := newLanczos(op, seed+uint64(p))
		l.start([][]float64{z})
		for len(l.basis) < steps && !l.exhausted {
			if err := l.step(); err != nil {
				return nil, err
			}
		}
		vals, vecs, err := l.ritz()
		if err != nil {
			return nil, err
		}
		w := make([]float64, len(vals))
		for i := range w {
			w[i] = vecs.At(0, i) * vecs.At(0, i)
		}
		d.Nodes = append(d.Nodes, vals)
		d.Weights = append(d.Weights, w)
	}
	return d, nil
}

// Smoothed returns the density at the points t, each Ritz value spread as a
// Gaussian of standard deviation sigma, averaged over the probes: it
// integrates to 1.
func (d *SpectralDensity) Smoothed(t []float64, sigma float64) []float64 {
	out := make([]float64, len(t))
	norm := 1 / (sigma * math.Sqrt(2*math.Pi) * float64(len(d.Nodes)))
	for p, nodes := range d.Nodes {
		for i, x := range nodes {
			w := d.Weights[p][i]
			for k, tk := range t {
				z := (tk - x) / sigma
				out[k] += w * math.Exp(-0.5*z*z) * norm
			}
		}
	}
	return out
}
