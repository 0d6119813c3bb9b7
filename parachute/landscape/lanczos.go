// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// LanczosOptions configure [TopEigenpairs].
type LanczosOptions struct {
	// K is the number of eigenpairs wanted, the largest (algebraic)
	// eigenvalues first; 0 means 2.
	K int
	// Block is the block size b: the Krylov space grows by b vectors per
	// step, b products per step (0 means 1). A block at least as large as
	// the multiplicity of an eigenvalue finds all its copies.
	Block int
	// MaxDim caps the dimension of the Krylov space (0: min(n, 100)).
	MaxDim int
	// Tol is the convergence test: every wanted Ritz pair (θ, y) has an
	// estimated residual ‖A y − θ y‖ ≤ Tol·max|θ| (0 means 1e-8).
	Tol float64
	// Seed draws the starting block (Gaussian).
	Seed uint64
}

func (o LanczosOptions) withDefaults(n int) LanczosOptions {
	if o.K == 0 {
		o.K = 2
	}
	if o.Block == 0 {
		o.Block = 1
	}
	if o.MaxDim == 0 {
		o.MaxDim = min(n, 100)
	}
	if o.Tol == 0 {
		o.Tol = 1e-8
	}
	return o
}

// Eigenpairs are the top eigenpairs found by Lanczos.
type Eigenpairs struct {
	// Values are the eigenvalue estimates (Ritz values), descending.
	Values []float64
	// Vectors[i] is the unit eigenvector estimate of Values[i].
	Vectors [][]float64
	// Residuals[i] is the estimate of ‖A y_i − θ_i y_i‖ from the
	// recurrence.
	Residuals []float64
	// Dim is the dimension of the Krylov space used, Products the number of
	// operator applications.
	Dim, Products int
	// Converged says whether every residual met the tolerance; otherwise
	// the Krylov space reached MaxDim first.
	Converged bool
	// Restarts counts the fresh random vectors that continued the space
	// after an invariant subspace was found (a breakdown).
	Restarts int
}

// TopEigenpairs returns the K largest eigenvalues of the symmetric operator
// and their eigenvectors by block Lanczos with full re-orthogonalisation:
// Q₀ is a random orthonormal n×b block; each step forms W = A Qⱼ,
// Aⱼ = Qⱼᵀ W, removes Qⱼ Aⱼ + Qⱼ₋₁ Bⱼ₋₁ᵀ, re-orthogonalises W against
// every previous block (twice: "twice is enough"), and factors
// W = Qⱼ₊₁ Bⱼ. The block-tridiagonal T = Qᵀ A Q (diagonal blocks Aⱼ,
// sub-diagonal blocks Bⱼ) is diagonalised with gonum's symmetric
// eigensolver; the Ritz pair (θ, Q s) has the residual ‖Bⱼ s_last‖, with
// s_last the last b components of s. A column of W that vanishes (the
// space is invariant: exact eigenpairs found) is replaced by a random vector
// orthogonal to the space, and counted in Restarts.
func TopEigenpairs(op Operator, opts LanczosOptions) (*Eigenpairs, error) {
	n := op.Dim()
	o := opts.withDefaults(n)
	if o.K < 1 || o.K > n || o.Block < 1 || o.Block > n || o.MaxDim < o.K || o.Tol < 0 {
		return nil, fmt.Errorf("landscape: Lanczos with k = %d, block %d, max dimension %d on dimension %d", o.K, o.Block, o.MaxDim, n)
	}
	counter := &countingOperator{Operator: op}
	l := newLanczos(counter, o.Seed)
	l.start(l.randomBlock(o.Block))
	for {
		if err := l.step(); err != nil {
			return nil, err
		}
		m := len(l.basis)
		done := m >= n || m+o.Block > o.MaxDim || l.exhausted
		if m < o.K && !done {
			continue
		}
		values, vectors, err := l.ritz()
		if err != nil {
			return nil, err
		}
		k := min(o.K, m)
		res := make([]float64, k)
		top := math.Abs(values[0])
		for _, v := range values[:k] {
			top = math.Max(top, math.Abs(v))
		}
		converged := true
		for i := range k {
			res[i] = l.residual(vectors, i)
			if res[i] > o.Tol*math.Max(top, math.SmallestNonzeroFloat64) {
				converged = false
			}
		}
		if converged || done {
			if m < o.K {
				return nil, fmt.Errorf("landscape: Krylov space of dimension %d < k = %d", m, o.K)
			}
			e := &Eigenpairs{Values: values[:k], Residuals: res, Dim: m, Products: counter.n, Converged: converged, Restarts: l.restarts}
			for i := range k {
				e.Vectors = append(e.Vectors, l.ritzVector(vectors, i))
			}
			return e, nil
		}
	}
}

// lanczos is the state of a (block) Lanczos run.
type lanczos struct {
	op  Operator
	rng *rand.Rand
	// basis holds the orthonormal vectors q₀, q₁, … in block order;
	// blocks[j] is the index of block j's first vector.
	basis  [][]float64
	blocks []int
	// t is T, grown as the blocks come.
	t [][]float64
	// next is the block Qⱼ₊₁ computed by the latest step and nextB its
	// coupling Bⱼ (b×b, row r column c: the coefficient of q_next[r] in
	// A q_c of the latest block).
	next     [][]float64
	nextB    [][]float64
	restarts int
	// exhausted is set when no vector orthogonal to the basis is left.
	exhausted bool
}

func newLanczos(op Operator, seed uint64) *lanczos {
	return &lanczos{op: op, rng: rand.New(rand.NewPCG(seed, 0x1a2c205))}
}

func (l *lanczos) randomBlock(b int) [][]float64 {
	block := make([][]float64, b)
	for i := range block {
		block[i] = make([]float64, l.op.Dim())
		for k := range block[i] {
			block[i][k] = l.rng.NormFloat64()
		}
	}
	return block
}

// start sets the first block to the orthonormalised vectors of block.
func (l *lanczos) start(block [][]float64) {
	l.next, _ = l.orthonormalise(block)
	l.nextB = nil
}

// breakdown is the relative size below which a column of W counts as zero.
const breakdown = 1e-12

// orthonormalise orthogonalises the columns of w against the basis and
// each other (twice), normalises them, and returns them with R, the
// coefficients of w on them (w_c = Σ_r R[r][c] q_r + the basis part).
// A column that vanishes is replaced by a random vector orthogonal to
// everything (R column 0) and counted as a restart.
func (l *lanczos) orthonormalise(w [][]float64) ([][]float64, [][]float64) {
	b := len(w)
	r := make([][]float64, b)
	for i := range r {
		r[i] = make([]float64, b)
	}
	out := make([][]float64, 0, b)
	for c, col := range w {
		before := norm(col)
		for range 2 {
			for _, q := range l.basis {
				axpy(-dot(q, col), q, col)
			}
			for rr, q := range out {
				p := dot(q, col)
				r[rr][c] += p
				axpy(-p, q, col)
			}
		}
		nn := norm(col)
		if nn <= breakdown*math.Max(before, 1) || math.IsNaN(nn) {
			fresh, ok := l.freshVector(out)
			if !ok {
				l.exhausted = true
				return out, r
			}
			l.restarts++
			out = append(out, fresh)
			continue
		}
		scale(1/nn, col)
		r[len(out)][c] = nn
		out = append(out, col)
	}
	return out, r
}

// freshVector returns a random unit vector orthogonal to the basis and to
// extra, if the space has room.
func (l *lanczos) freshVector(extra [][]float64) ([]float64, bool) {
	if len(l.basis)+len(extra) >= l.op.Dim() {
		return nil, false
	}
	for range 5 {
		v := l.randomBlock(1)[0]
		for range 2 {
			for _, q := range l.basis {
				axpy(-dot(q, v), q, v)
			}
			for _, q := range extra {
				axpy(-dot(q, v), q, v)
			}
		}
		if nv := norm(v); nv > 1e-8 {
			scale(1/nv, v)
			return v, true
		}
	}
	return nil, false
}

// step appends the pending block to the basis and computes the next one.
func (l *lanczos) step() error {
	if len(l.next) == 0 {
		l.exhausted = true
		return nil
	}
	block := l.next
	j := len(l.blocks)
	l.blocks = append(l.blocks, len(l.basis))
	m0 := len(l.basis)
	l.basis = append(l.basis, block...)
	// Grow T by the block's rows and columns; the sub-diagonal block is
	// the previous step's B.
	for i := range l.t {
		l.t[i] = append(l.t[i], make([]float64, len(block))...)
	}
	for range block {
		l.t = append(l.t, make([]float64, len(l.basis)))
	}
	if j > 0 {
		prev := l.blocks[j-1]
		for rr := range block {
			for c := range l.nextB[rr] {
				l.t[m0+rr][prev+c] = l.nextB[rr][c]
				l.t[prev+c][m0+rr] = l.nextB[rr][c]
			}
		}
	}
	w := make([][]float64, len(block))
	for c, q := range block {
		w[c] = make([]float64, len(q))
		if err := apply(l.op, w[c], q); err != nil {
			return err
		}
		for _, x := range w[c] {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return errors.New("landscape: the operator returned a non-finite value")
			}
		}
	}
	// Diagonal block Aⱼ = Qⱼᵀ A Qⱼ, symmetrised.
	for a := range block {
		for c := range block {
			v := 0.5 * (dot(block[a], w[c]) + dot(block[c], w[a]))
			l.t[m0+a][m0+c] = v
		}
	}
	// W − Qⱼ Aⱼ − Qⱼ₋₁ Bⱼ₋₁ᵀ happens inside the full re-orthogonalisation
	// (the basis holds Qⱼ and Qⱼ₋₁), which also removes the rounding the
	// three-term recurrence lets through.
	l.next, l.nextB = l.orthonormalise(w)
	return nil
}

// ritz diagonalises T: eigenvalues descending and the matching columns.
func (l *lanczos) ritz() ([]float64, *mat.Dense, error) {
	m := len(l.basis)
	sym := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			sym.SetSym(i, j, l.t[i][j])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(sym, true) {
		return nil, nil, errors.New("landscape: the tridiagonal eigensolver did not converge")
	}
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case vals[a] > vals[b]:
			return -1
		case vals[a] < vals[b]:
			return 1
		}
		return 0
	})
	sorted := make([]float64, m)
	out := mat.NewDense(m, m, nil)
	for k, i := range order {
		sorted[k] = vals[i]
		for r := range m {
			out.Set(r, k, vecs.At(r, i))
		}
	}
	return sorted, out, nil
}

// residual is ‖Bⱼ s_last‖ for Ritz column i (0 when the space is
// exhausted: the pairs are exact).
func (l *lanczos) residual(s *mat.Dense, i int) float64 {
	if l.exhausted || len(l.nextB) == 0 {
		return 0
	}
	last := l.blocks[len(l.blocks)-1]
	sum := 0.0
	for rr := range l.nextB {
		v := 0.0
		for c := range l.nextB[rr] {
			v += l.nextB[rr][c] * s.At(last+c, i)
		}
		sum += v * v
	}
	return math.Sqrt(sum)
}

// ritzVector is Q s_i, normalised.
func (l *lanczos) ritzVector(s *mat.Dense, i int) []float64 {
	y := make([]float64, l.op.Dim())
	for k, q := range l.basis {
		axpy(s.At(k, i), q, y)
	}
	scale(1/norm(y), y)
	return y
}

// RitzHistory runs single-vector Lanczos (full re-orthogonalisation) from a
// random start for the given number of steps and returns the Ritz values,
// descending, after each step: row k holds the k + 1 eigenvalues of the
// (k + 1) × (k + 1) tridiagonal T. It shows how Lanczos works: the extreme
// eigenvalues converge first, long before the space is complete.
func RitzHistory(op Operator, steps int, seed uint64) ([][]float64, error) {
	if steps < 1 || steps > op.Dim() {
		return nil, fmt.Errorf("landscape: %d Lanczos steps on dimension %d", steps, op.Dim())
	}
	l := newLanczos(op, seed)
	l.start(l.randomBlock(1))
	var out [][]float64
	for len(l.basis) < steps && !l.exhausted {
		if err := l.step(); err != nil {
			return nil, err
		}
		vals, _, err := l.ritz()
		if err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, nil
}
