// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot

// gemmPlan is one DotGeneral as a list of row-major matrix products
//
//	C_g (M×N) = op(A_g) · op(B_g),  g < Count,
//
// read in place from the operands: A_g starts at element AOffsets[g] of the
// lhs and is stored M×K with leading dimension LdA (K×M when TransA), B_g at
// BOffsets[g] of the rhs, K×N with LdB (N×K when TransB), and C_g at
// COffsets[g] of DotGeneral's normalised output [batch, lhs free, rhs free]
// with leading dimension LdC. There is one product per batch element, times
// the outer free axes that a run of contracting axes separates from the
// inner free ones (each such outer free index is a block of C).
type gemmPlan struct {
	Count, M, N, K               int
	TransA, TransB               bool
	LdA, LdB, LdC                int
	AOffsets, BOffsets, COffsets []int
}

// operandView is one operand seen as strided matrices: a matrix per batch
// element and per index of the outer free axes ("loop" axes).
type operandView struct {
	freeOuter bool // within the matrix, the free axes come first
	// free and k are the matrix's free and contracting sizes; ld the
	// distance between its rows.
	free, k, ld           int
	batchStrides          []int
	loopDims, loopStrides []int
	loopSize              int
}

// viewOperand checks that an operand's non-batch axes form runs of free and
// contracting axes — [inner], [outer][inner], or [free][contracting][free] —
// where the inner run ends at the last axis (stride 1) and no batch axis
// sits inside the two matrix runs. The matrix runs give a strided matrix;
// in the three-run form the first free run is looped over. Batch axes may
// sit anywhere else; their strides give each matrix's offset.
func viewOperand(dims, contracting, batch []int) (operandView, bool) {
	var v operandView
	rank := len(dims)
	role := make([]int, rank) // 0 free, 1 contracting, 2 batch
	for _, a := range contracting {
		if a < 0 || a >= rank || role[a] != 0 {
			return v, false
		}
		role[a] = 1
	}
	for _, a := range batch {
		if a < 0 || a >= rank || role[a] != 0 {
			return v, false
		}
		role[a] = 2
	}
	stride := make([]int, rank)
	acc := 1
	for a := rank - 1; a >= 0; a-- {
		stride[a] = acc
		acc *= dims[a]
	}
	for _, a := range batch {
		v.batchStrides = append(v.batchStrides, stride[a])
	}
	var runs [][]int // runs of equal role among the non-batch axes, in order
	last := -1
	for a := range rank {
		if role[a] == 2 {
			continue
		}
		if len(runs) == 0 || role[a] != last {
			runs = append(runs, nil)
			last = role[a]
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], a)
	}
	v.loopSize = 1
	if len(runs) == 3 {
		if role[runs[0][0]] != 0 {
			return v, false // a split contracting run would need accumulation
		}
		for _, a := range runs[0] {
			v.loopDims, v.loopStrides = append(v.loopDims, dims[a]), append(v.loopStrides, stride[a])
			v.loopSize *= dims[a]
		}
		runs = runs[1:]
	}
	if len(runs) > 2 {
		return v, false
	}
	contiguous := func(run []int) bool {
		for i := 1; i < len(run); i++ {
			if run[i] != run[i-1]+1 {
				return false
			}
		}
		return true
	}
	size := func(run []int) int {
		n := 1
		for _, a := range run {
			n *= dims[a]
		}
		return n
	}
	v.free, v.k = 1, 1
	for _, run := range runs {
		if role[run[0]] == 0 {
			v.free = size(run)
		} else {
			v.k = size(run)
		}
	}
	switch len(runs) {
	case 0: // a scalar per batch element
		v.freeOuter, v.ld = true, 1
		return v, true
	case 1:
		inner := runs[0]
		if !contiguous(inner) || inner[len(inner)-1] != rank-1 {
			return v, false
		}
		// A single run is a 1×n (or n×1) matrix; freeOuter is chosen so
		// that no transpose is needed (see planGemm).
		v.freeOuter, v.ld = role[inner[0]] == 0, 1
		return v, true
	}
	outer, inner := runs[0], runs[1]
	if !contiguous(outer) || !contiguous(inner) || inner[len(inner)-1] != rank-1 {
		return v, false
	}
	v.freeOuter = role[outer[0]] == 0
	v.ld = stride[outer[len(outer)-1]]
	return v, true
}

// planGemm decides whether a DotGeneral is a list of GEMMs over the
// operands' memory as it is, without copies: each operand must pass
// viewOperand, the paired batch dimensions must match, and the contracting
// axes must pair up in memory order (sorted by lhs axis, the paired rhs axes
// increase too), so that both operands flatten K alike. It reports false for
// any other layout, which the stock executor then computes.
func planGemm(lhsDims, rhsDims, lhsContracting, lhsBatch, rhsContracting, rhsBatch []int) (gemmPlan, bool) {
	var p gemmPlan
	if len(lhsContracting) != len(rhsContracting) || len(lhsBatch) != len(rhsBatch) {
		return p, false
	}
	for i := range lhsContracting {
		if lhsContracting[i] < 0 || lhsContracting[i] >= len(lhsDims) || rhsContracting[i] < 0 || rhsContracting[i] >= len(rhsDims) ||
			lhsDims[lhsContracting[i]] != rhsDims[rhsContracting[i]] {
			return p, false
		}
		for j := range lhsContracting {
			if (lhsContracting[i] < lhsContracting[j]) != (rhsContracting[i] < rhsContracting[j]) {
				return p, false
			}
		}
	}
	l, ok := viewOperand(lhsDims, lhsContracting, lhsBatch)
	if !ok {
		return p, false
	}
	r, ok := viewOperand(rhsDims, rhsContracting, rhsBatch)
	if !ok || l.k != r.k {
		return p, false
	}
	p.M, p.N, p.K = l.free, r.free, l.k
	// lhs: free outer is M×K as stored; contracting outer is K×M.
	p.TransA, p.LdA = !l.freeOuter, fixLd(l.ld, !l.freeOuter, l.free, l.k)
	// rhs: contracting outer is K×N as stored; free outer is N×K.
	p.TransB, p.LdB = r.freeOuter, fixLd(r.ld, r.freeOuter, r.k, r.free)
	// The output of one batch element is [lhs free (loop, matrix), rhs free
	// (loop, matrix)]: rows of N·rhs loop size.
	rowLen := r.loopSize * p.N
	p.LdC = rowLen
	batchDims := make([]int, len(lhsBatch))
	batch := 1
	for i := range lhsBatch {
		if lhsBatch[i] < 0 || lhsBatch[i] >= len(lhsDims) || rhsBatch[i] < 0 || rhsBatch[i] >= len(rhsDims) ||
			lhsDims[lhsBatch[i]] != rhsDims[rhsBatch[i]] {
			return p, false
		}
		batchDims[i] = lhsDims[lhsBatch[i]]
		batch *= batchDims[i]
	}
	p.Count = batch * l.loopSize * r.loopSize
	p.AOffsets, p.BOffsets, p.COffsets = make([]int, 0, p.Count), make([]int, 0, p.Count), make([]int, 0, p.Count)
	lLoop, rLoop := elementOffsets(l.loopDims, l.loopStrides), elementOffsets(r.loopDims, r.loopStrides)
	aBatch, bBatch := elementOffsets(batchDims, l.batchStrides), elementOffsets(batchDims, r.batchStrides)
	outPerBatch := l.loopSize * p.M * rowLen
	for b := range batch {
		for i, li := range lLoop {
			for j, rj := range rLoop {
				p.AOffsets = append(p.AOffsets, aBatch[b]+li)
				p.BOffsets = append(p.BOffsets, bBatch[b]+rj)
				p.COffsets = append(p.COffsets, b*outPerBatch+i*p.M*rowLen+j*p.N)
			}
		}
	}
	return p, true
}

// elementOffsets lists, in row-major order over dims, the element offsets
// Σ_i idx_i·strides_i (one zero offset for no dims).
func elementOffsets(dims, strides []int) []int {
	out := []int{0}
	for i := range dims {
		next := make([]int, 0, len(out)*dims[i])
		for _, o := range out {
			for x := range dims[i] {
				next = append(next, o+x*strides[i])
			}
		}
		out = next
	}
	return out
}

// fixLd returns the leading dimension of a rows×cols row-major matrix (or
// its transpose when trans): the view's ld when the matrix has several rows
// as stored, else the smallest value BLAS accepts.
func fixLd(ld int, trans bool, rows, cols int) int {
	storedRows, storedCols := rows, cols
	if trans {
		storedRows, storedCols = cols, rows
	}
	if storedRows > 1 && ld >= storedCols {
		return ld
	}
	return max(storedCols, 1)
}
