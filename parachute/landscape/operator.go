// SPDX-License-Identifier: Apache-2.0

// Package landscape measures the curvature and shape of a loss around a
// trained model (supplement Figure 6): the top eigenpairs of the Hessian by
// Lanczos with full re-orthogonalisation, its trace by Hutchinson's
// estimator, its spectral density by stochastic Lanczos quadrature, and the
// loss surface L(θ + α v₁ + β v₂) over a grid.
//
// The Hessian is never formed: every routine sees it through an [Operator],
// v ↦ Hv. [ModelLoss] is the operator of a trained network's Cox loss (its
// Hessian-vector products by double backpropagation in GoMLX, and by a
// central difference of gradients as a cross-check); [Dense] is an explicit
// symmetric matrix, for tests and for learning the algorithms. Everything on
// the host is float64.
//
// The algorithms follow PyHessian (Yao et al., 2020: power iteration,
// Hutchinson, SLQ density) and, for the random directions of a surface,
// Li et al. (2018, "Visualizing the loss landscape of neural nets": filter
// normalisation).
package landscape

import (
	"fmt"
	"math"
)

// Operator is a symmetric linear map on R^Dim, given by its action.
type Operator interface {
	// Dim is the dimension n.
	Dim() int
	// Apply writes A v into dst (both of length n; dst and v never alias).
	Apply(dst, v []float64) error
}

// Dense is an explicit symmetric n×n matrix, row-major.
type Dense struct {
	N    int
	Data []float64
}

// NewDense returns a Dense over data (row-major, n×n), checking that it is
// symmetric to 1e-12 relative.
func NewDense(n int, data []float64) (*Dense, error) {
	if len(data) != n*n {
		return nil, fmt.Errorf("landscape: %d values for a %d×%d matrix", len(data), n, n)
	}
	scale := 0.0
	for _, x := range data {
		scale = math.Max(scale, math.Abs(x))
	}
	for i := range n {
		for j := range i {
			if math.Abs(data[i*n+j]-data[j*n+i]) > 1e-12*scale {
				return nil, fmt.Errorf("landscape: matrix not symmetric at (%d, %d): %v vs %v", i, j, data[i*n+j], data[j*n+i])
			}
		}
	}
	return &Dense{N: n, Data: data}, nil
}

// Dim implements Operator.
func (d *Dense) Dim() int { return d.N }

// Apply implements Operator.
func (d *Dense) Apply(dst, v []float64) error {
	for i := range d.N {
		row := d.Data[i*d.N : (i+1)*d.N]
		s := 0.0
		for j, x := range row {
			s += x * v[j]
		}
		dst[i] = s
	}
	return nil
}

// countingOperator counts the products an algorithm asks for.
type countingOperator struct {
	Operator
	n int
}

func (c *countingOperator) Apply(dst, v []float64) error {
	c.n++
	return c.Operator.Apply(dst, v)
}

// apply checks lengths and calls op.
func apply(op Operator, dst, v []float64) error {
	if len(v) != op.Dim() || len(dst) != op.Dim() {
		return fmt.Errorf("landscape: vectors of length %d and %d for an operator of dimension %d", len(dst), len(v), op.Dim())
	}
	return op.Apply(dst, v)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// axpy sets y += a x.
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func scale(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}
