// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"math"
	"math/rand/v2"
	"testing"
)

// knownSpectrum is WithSpectrum with a seed.
func knownSpectrum(t *testing.T, lambda []float64, seed uint64) (*Dense, [][]float64) {
	t.Helper()
	return WithSpectrum(lambda, rand.New(rand.NewPCG(seed, 1)))
}

// spectrum is λ₁ = 10, λ₂ = 9.5 and n − 2 values spread over [−2, 6].
func spectrum(n int) []float64 {
	l := make([]float64, n)
	l[0], l[1] = 10, 9.5
	for i := 2; i < n; i++ {
		l[i] = -2 + 8*float64(i-2)/float64(n-3)
	}
	return l
}

func TestTopEigenpairsKnownSpectrum(t *testing.T) {
	lambda := spectrum(200)
	a, q := knownSpectrum(t, lambda, 3)
	for _, block := range []int{1, 2, 3} {
		e, err := TopEigenpairs(a, LanczosOptions{K: 2, Block: block, Tol: 1e-12, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !e.Converged {
			t.Errorf("block %d: not converged in dimension %d (residuals %v)", block, e.Dim, e.Residuals)
		}
		for i := range 2 {
			if d := math.Abs(e.Values[i] - lambda[i]); d > 1e-8 {
				t.Errorf("block %d: λ%d = %.12g, want %v (|Δ| %.2g)", block, i+1, e.Values[i], lambda[i], d)
			}
			if c := math.Abs(dot(e.Vectors[i], q[i])); math.Abs(c-1) > 1e-8 {
				t.Errorf("block %d: |⟨v%d, q%d⟩| = %.12g, want 1", block, i+1, i+1, c)
			}
			// The residual estimate is the true residual.
			av := make([]float64, a.N)
			a.Apply(av, e.Vectors[i])
			axpy(-e.Values[i], e.Vectors[i], av)
			if r := norm(av); r > 1e-8 {
				t.Errorf("block %d: true residual of pair %d is %.2g", block, i+1, r)
			}
		}
		t.Logf("block %d: dimension %d, %d products, residuals %.1e", block, e.Dim, e.Products, e.Residuals)
	}
}

// A double top eigenvalue: single-vector Lanczos in exact arithmetic sees
// one copy; a block of 2 finds both.
func TestTopEigenpairsRepeated(t *testing.T) {
	lambda := spectrum(120)
	lambda[1] = lambda[0]
	a, _ := knownSpectrum(t, lambda, 4)
	e, err := TopEigenpairs(a, LanczosOptions{K: 2, Block: 2, Tol: 1e-12, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if math.Abs(e.Values[i]-10) > 1e-8 {
			t.Errorf("λ%d = %.12g, want 10", i+1, e.Values[i])
		}
	}
	if c := dot(e.Vectors[0], e.Vectors[1]); math.Abs(c) > 1e-8 {
		t.Errorf("the two eigenvectors of the double eigenvalue are not orthogonal: %.2g", c)
	}
}

// On a matrix smaller than the Krylov cap the space is exhausted and the
// values are exact; a rank-one matrix needs restarts past its invariant
// subspace.
func TestTopEigenpairsSmallAndRankOne(t *testing.T) {
	d, _ := NewDense(3, []float64{2, 1, 0, 1, 2, 1, 0, 1, 2})
	e, err := TopEigenpairs(d, LanczosOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2 + math.Sqrt2, 2, 2 - math.Sqrt2}
	for i, w := range want {
		if math.Abs(e.Values[i]-w) > 1e-12 {
			t.Errorf("λ%d = %.15g, want %.15g", i+1, e.Values[i], w)
		}
	}
	n := 6
	u := []float64{1, 2, 3, 4, 5, 6}
	data := make([]float64, n*n)
	for i := range n {
		for j := range n {
			data[i*n+j] = u[i] * u[j]
		}
	}
	r1, _ := NewDense(n, data)
	e, err = TopEigenpairs(r1, LanczosOptions{K: 2, Tol: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Values[0]-91) > 1e-10 || math.Abs(e.Values[1]) > 1e-10 {
		t.Errorf("rank one: values %v, want 91 and 0", e.Values)
	}
	if e.Restarts == 0 {
		t.Errorf("rank one: no restart recorded past the invariant subspace")
	}
}

func TestLanczosRejectsBadOptions(t *testing.T) {
	d, _ := NewDense(2, []float64{1, 0, 0, 1})
	if _, err := TopEigenpairs(d, LanczosOptions{K: 3}); err == nil {
		t.Error("k = 3 on dimension 2 accepted")
	}
	if _, err := NewDense(2, []float64{1, 2, 3, 1}); err == nil {
		t.Error("a non-symmetric matrix accepted")
	}
}

func TestPowerIterationAgreesWithLanczos(t *testing.T) {
	lambda := spectrum(100)
	lambda[1] = 7 // a gap, so power iteration converges in tens of steps
	a, q := knownSpectrum(t, lambda, 6)
	p1, err := PowerIteration(a, PowerOptions{Tol: 1e-14, MaxIter: 2000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := PowerIteration(a, PowerOptions{Tol: 1e-14, MaxIter: 2000, Seed: 3, Deflate: [][]float64{p1.Vector}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p1.Value-10) > 1e-9 || math.Abs(p2.Value-7) > 1e-8 {
		t.Errorf("power iteration: %v and %v, want 10 and 7", p1.Value, p2.Value)
	}
	if c := math.Abs(dot(p1.Vector, q[0])); math.Abs(c-1) > 1e-6 {
		t.Errorf("power iteration: |⟨v, q1⟩| = %v", c)
	}
	t.Logf("power iteration: %d and %d iterations", p1.Iterations, p2.Iterations)
}

func TestHutchinsonTrace(t *testing.T) {
	// A diagonal matrix is estimated exactly by every probe.
	diag := make([]float64, 25)
	for i := range 5 {
		diag[i*5+i] = float64(i + 1)
	}
	d, _ := NewDense(5, diag)
	est, err := HutchinsonTrace(d, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if est.Mean != 15 || est.SE != 0 {
		t.Errorf("diagonal: trace %v ± %v, want 15 ± 0", est.Mean, est.SE)
	}
	// A dense matrix: the estimate is within 4 standard errors of the trace,
	// and the standard error is near its analytic value √(2 Σ_{i≠j} A_ij² / m).
	lambda := spectrum(60)
	a, _ := knownSpectrum(t, lambda, 7)
	const m = 2000
	est, err = HutchinsonTrace(a, m, 2)
	if err != nil {
		t.Fatal(err)
	}
	trace, off := 0.0, 0.0
	for i := range a.N {
		trace += a.Data[i*a.N+i]
		for j := range a.N {
			if i != j {
				off += a.Data[i*a.N+j] * a.Data[i*a.N+j]
			}
		}
	}
	se := math.Sqrt(2 * off / m)
	if math.Abs(est.Mean-trace) > 4*se {
		t.Errorf("trace %v, estimate %v ± %v", trace, est.Mean, est.SE)
	}
	if r := est.SE / se; r < 0.85 || r > 1.15 {
		t.Errorf("standard error %v, analytic %v", est.SE, se)
	}
}

func TestSLQ(t *testing.T) {
	lambda := spectrum(40)
	a, _ := knownSpectrum(t, lambda, 8)
	// Full-length runs: the nodes are the eigenvalues, and each probe's
	// quadrature reproduces zᵀAz/n, its first moment.
	d, err := SLQ(a, 3, a.N, 4)
	if err != nil {
		t.Fatal(err)
	}
	for p := range d.Nodes {
		sum, first := 0.0, 0.0
		for i, w := range d.Weights[p] {
			sum += w
			first += w * d.Nodes[p][i]
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("probe %d: weights sum to %v", p, sum)
		}
		if math.Abs(d.Nodes[p][0]-10) > 1e-9 || math.Abs(d.Nodes[p][len(d.Nodes[p])-1]+2) > 1e-9 {
			t.Errorf("probe %d: extreme nodes %v, %v; want 10 and −2", p, d.Nodes[p][0], d.Nodes[p][len(d.Nodes[p])-1])
		}
		_ = first
	}
	// Short runs keep the first moment exact: Σ wᵢθᵢ = e₁ᵀTe₁ = zᵀAz/n.
	short, err := SLQ(a, 5, 8, 9)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 0x51c))
	for p := range short.Nodes {
		z := make([]float64, a.N)
		rademacher(rng, z)
		az := make([]float64, a.N)
		a.Apply(az, z)
		want := dot(z, az) / float64(a.N)
		got := 0.0
		for i, w := range short.Weights[p] {
			got += w * short.Nodes[p][i]
		}
		if math.Abs(got-want) > 1e-10 {
			t.Errorf("probe %d: first moment %v, want %v", p, got, want)
		}
	}
	// The smoothed density integrates to 1.
	grid := make([]float64, 2001)
	for i := range grid {
		grid[i] = -6 + 20*float64(i)/2000
	}
	dens := d.Smoothed(grid, 0.2)
	integral := 0.0
	for i := 1; i < len(grid); i++ {
		integral += 0.5 * (dens[i] + dens[i-1]) * (grid[i] - grid[i-1])
	}
	if math.Abs(integral-1) > 1e-6 {
		t.Errorf("density integrates to %v", integral)
	}
}

// Ritz values interlace and approach the extreme eigenvalues from inside:
// θ₁ never exceeds λ₁ and grows with the steps; the full run is exact.
func TestRitzHistory(t *testing.T) {
	lambda := spectrum(30)
	a, _ := knownSpectrum(t, lambda, 13)
	h, err := RitzHistory(a, 30, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 30 || len(h[29]) != 30 {
		t.Fatalf("%d steps, last with %d values", len(h), len(h[len(h)-1]))
	}
	for k := range h {
		if h[k][0] > 10+1e-12 || (k > 0 && h[k][0] < h[k-1][0]-1e-12) {
			t.Errorf("step %d: θ₁ = %v after %v", k, h[k][0], h[max(k-1, 0)][0])
		}
	}
	if math.Abs(h[29][0]-10) > 1e-10 || math.Abs(h[29][29]+2) > 1e-10 {
		t.Errorf("full run: extremes %v and %v, want 10 and −2", h[29][0], h[29][29])
	}
}
