// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// WithSpectrum returns the symmetric matrix Q diag(λ) Qᵀ, Q the orthogonal
// factor of a Gaussian matrix drawn from rng, and Q's columns (the unit
// eigenvectors, in the order of lambda): a matrix whose spectrum is known,
// for tests and tutorials.
func WithSpectrum(lambda []float64, rng *rand.Rand) (*Dense, [][]float64) {
	n := len(lambda)
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	data := make([]float64, n*n)
	for i := range n {
		for j := range i + 1 {
			s := 0.0
			for k := range n {
				s += q.At(i, k) * lambda[k] * q.At(j, k)
			}
			data[i*n+j], data[j*n+i] = s, s
		}
	}
	cols := make([][]float64, n)
	for k := range n {
		cols[k] = make([]float64, n)
		for i := range n {
			cols[k][i] = q.At(i, k)
		}
	}
	return &Dense{N: n, Data: data}, cols
}
