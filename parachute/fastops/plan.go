// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

// stridedPlan walks an output of row-major dimensions dims while reading
// (or writing) each operand at its own strides: stride 0 on an axis the
// operand is broadcast (or reduced) along, permuted strides for a
// transpose. Axes of size 1 are dropped and neighbouring axes that every
// operand walks contiguously (stride of the outer = stride of the inner ×
// its size, which includes two broadcast axes) are merged, so that the last
// axis is as long as possible: the inner loops run over it.
type stridedPlan struct {
	dims    []int
	strides [][]int // per operand, per axis of dims
}

// planStrided plans the walk of an output of dimensions out over operands
// read at the given strides (one per axis of out, per operand).
func planStrided(out []int, strides ...[]int) stridedPlan {
	p := stridedPlan{strides: make([][]int, len(strides))}
	prev := -1 // last kept axis
	for a, d := range out {
		if d == 1 {
			continue
		}
		merge := prev >= 0
		for _, s := range strides {
			if merge && s[prev] != s[a]*d {
				merge = false
			}
		}
		last := len(p.dims) - 1
		if merge {
			p.dims[last] *= d
			for k, s := range strides {
				p.strides[k][last] = s[a]
			}
		} else {
			p.dims = append(p.dims, d)
			for k, s := range strides {
				p.strides[k] = append(p.strides[k], s[a])
			}
		}
		prev = a
	}
	if len(p.dims) == 0 { // every axis has size 1: one element
		p.dims = []int{1}
		for k := range strides {
			p.strides[k] = []int{0}
		}
	}
	return p
}

// rowMajorStrides are the strides of a row-major tensor of dimensions dims,
// with 0 on the axes where dims is 1 and out is not (broadcast, or reduced
// when out is the operand being reduced).
func rowMajorStrides(dims, out []int) []int {
	s := make([]int, len(dims))
	acc := 1
	for a := len(dims) - 1; a >= 0; a-- {
		if dims[a] != out[a] {
			s[a] = 0
		} else {
			s[a] = acc
		}
		acc *= dims[a]
	}
	return s
}

// planBroadcast plans the walk of an output of dimensions out over operands
// of the same rank whose dimensions equal out's or are 1 (broadcast).
func planBroadcast(out []int, operands ...[]int) stridedPlan {
	strides := make([][]int, len(operands))
	for k, dims := range operands {
		strides[k] = rowMajorStrides(dims, out)
	}
	return planStrided(out, strides...)
}

// rows calls row(outOffset, offsets) for every row of the output (a run of
// the last axis, of length p.dims[last]), in order, with each operand's
// offset at the start of the row.
func (p stridedPlan) rows(row func(out int, offsets []int)) {
	last := len(p.dims) - 1
	n := p.dims[last]
	idx := make([]int, last)
	offsets := make([]int, len(p.strides))
	for out := 0; ; out += n {
		row(out, offsets)
		// Advance the odometer over the outer axes.
		a := last - 1
		for ; a >= 0; a-- {
			idx[a]++
			for k, s := range p.strides {
				offsets[k] += s[a]
			}
			if idx[a] < p.dims[a] {
				break
			}
			for k, s := range p.strides {
				offsets[k] -= s[a] * p.dims[a]
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}
