// SPDX-License-Identifier: Apache-2.0

package linear

import "math"

// cholTolerance is survival's toler.chol, ε^0.75: a pivot below it times the
// largest diagonal entry marks its column as collinear with the ones before.
var cholTolerance = math.Pow(2.220446049250313e-16, 0.75)

// ldl is the decomposition A = L D Lᵀ of a symmetric positive semi-definite
// matrix, L unit lower triangular, with the columns whose pivot falls below
// the tolerance dropped (their D entry 0): survival's generalised Cholesky,
// which solves and inverts on the remaining columns.
type ldl struct {
	l       [][]float64
	d       []float64
	dropped []bool
}

// cholesky decomposes a (not modified) and returns the decomposition and the
// indices of the dropped columns.
func cholesky(a [][]float64) (*ldl, []int) {
	n := len(a)
	c := &ldl{l: make([][]float64, n), d: make([]float64, n), dropped: make([]bool, n)}
	largest := 0.0
	for i := range n {
		c.l[i] = append([]float64(nil), a[i]...)
		largest = math.Max(largest, a[i][i])
	}
	eps := cholTolerance
	if largest > 0 {
		eps *= largest
	}
	var dropped []int
	for i := range n {
		pivot := c.l[i][i]
		if math.IsNaN(pivot) || math.IsInf(pivot, 0) || pivot < eps {
			c.dropped[i] = true
			dropped = append(dropped, i)
			for j := i + 1; j < n; j++ {
				c.l[j][i] = 0
			}
			continue
		}
		c.d[i] = pivot
		for j := i + 1; j < n; j++ {
			f := c.l[j][i] / pivot
			c.l[j][i] = f
			c.l[j][j] -= f * f * pivot
			for k := j + 1; k < n; k++ {
				c.l[k][j] -= f * c.l[k][i]
			}
		}
	}
	return c, dropped
}

// solve returns x with A x = b on the kept columns (x = 0 on the dropped).
func (c *ldl) solve(b []float64) []float64 {
	n := len(b)
	y := append([]float64(nil), b...)
	for i := range n {
		for j := range i {
			y[i] -= y[j] * c.l[i][j]
		}
	}
	for i := n - 1; i >= 0; i-- {
		if c.dropped[i] {
			y[i] = 0
			continue
		}
		y[i] /= c.d[i]
		for j := i + 1; j < n; j++ {
			y[i] -= y[j] * c.l[j][i]
		}
	}
	return y
}

// inverse returns A⁻¹ on the kept columns, zero rows and columns for the
// dropped ones.
func (c *ldl) inverse() [][]float64 {
	n := len(c.d)
	inv := make([][]float64, n)
	for j := range n {
		e := make([]float64, n)
		e[j] = 1
		col := c.solve(e)
		for i := range n {
			if inv[i] == nil {
				inv[i] = make([]float64, n)
			}
			if !c.dropped[i] && !c.dropped[j] {
				inv[i][j] = col[i]
			}
		}
	}
	return inv
}
