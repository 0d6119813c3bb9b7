// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

// binaryOp is an arithmetic op of the float kernels.
type binaryOp int

const (
	opAdd binaryOp = iota
	opSub
	opMul
	opDiv
)

// binaryRow computes out[i] = a[i·sa] op b[i·sb] for i < len(out), with
// strides sa and sb of 0 (one value broadcast along the row) or 1.
func binaryRow[T float32 | float64](op binaryOp, out, a, b []T, sa, sb int) {
	n := len(out)
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:n], b[:n]
		switch op {
		case opAdd:
			for i := range out {
				out[i] = a[i] + b[i]
			}
		case opSub:
			for i := range out {
				out[i] = a[i] - b[i]
			}
		case opMul:
			for i := range out {
				out[i] = a[i] * b[i]
			}
		case opDiv:
			for i := range out {
				out[i] = a[i] / b[i]
			}
		}
	case sa == 1:
		a, c := a[:n], b[0]
		switch op {
		case opAdd:
			for i := range out {
				out[i] = a[i] + c
			}
		case opSub:
			for i := range out {
				out[i] = a[i] - c
			}
		case opMul:
			for i := range out {
				out[i] = a[i] * c
			}
		case opDiv:
			for i := range out {
				out[i] = a[i] / c
			}
		}
	case sb == 1:
		c, b := a[0], b[:n]
		switch op {
		case opAdd:
			for i := range out {
				out[i] = c + b[i]
			}
		case opSub:
			for i := range out {
				out[i] = c - b[i]
			}
		case opMul:
			for i := range out {
				out[i] = c * b[i]
			}
		case opDiv:
			for i := range out {
				out[i] = c / b[i]
			}
		}
	default:
		var v T
		switch op {
		case opAdd:
			v = a[0] + b[0]
		case opSub:
			v = a[0] - b[0]
		case opMul:
			v = a[0] * b[0]
		case opDiv:
			v = a[0] / b[0]
		}
		for i := range out {
			out[i] = v
		}
	}
}

// binary computes out = a op b over a plan of two operands.
func binary[T float32 | float64](op binaryOp, p stridedPlan, out, a, b []T) {
	n := p.dims[len(p.dims)-1]
	last := len(p.dims) - 1
	sa, sb := p.strides[0][last], p.strides[1][last]
	p.rows(func(o int, off []int) {
		binaryRow(op, out[o:o+n], a[off[0]:], b[off[1]:], sa, sb)
	})
}

// copyStrided fills out from src over a plan of one operand (a broadcast
// or a transpose): each row is a copy, a fill or a gather.
func copyStrided[T any](p stridedPlan, out, src []T) {
	last := len(p.dims) - 1
	n, s := p.dims[last], p.strides[0][last]
	p.rows(func(o int, off []int) {
		row := out[o : o+n]
		switch s {
		case 1:
			copy(row, src[off[0]:off[0]+n])
		case 0:
			v := src[off[0]]
			for i := range row {
				row[i] = v
			}
		default:
			j := off[0]
			for i := range row {
				row[i] = src[j]
				j += s
			}
		}
	})
}

// reduceOp is a reduction of the float kernels.
type reduceOp int

const (
	reduceSum reduceOp = iota
	reduceMax
)

// reduce folds src into out over a plan that walks src (operand 0, itself)
// with out as operand 1 (stride 0 on the reduced axes). Each output element
// starts at init (0 for the sum) and folds the input in increasing flat
// order, one rounding per step: simplego's order.
func reduce[T float32 | float64](op reduceOp, p stridedPlan, out, src []T, init T) {
	for i := range out {
		out[i] = init
	}
	last := len(p.dims) - 1
	n, s := p.dims[last], p.strides[1][last]
	p.rows(func(i int, off []int) {
		in := src[i : i+n]
		if s == 0 { // the row folds into one output element
			acc := out[off[1]]
			if op == reduceSum {
				for _, v := range in {
					acc += v
				}
			} else {
				for _, v := range in {
					acc = max(acc, v)
				}
			}
			out[off[1]] = acc
			return
		}
		o := out[off[1] : off[1]+n]
		if op == reduceSum {
			for j, v := range in {
				o[j] += v
			}
		} else {
			for j, v := range in {
				o[j] = max(o[j], v)
			}
		}
	})
}
