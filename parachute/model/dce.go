// SPDX-License-Identifier: Apache-2.0

package model

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// dce is the Dynamic Contextual Embedding. With a, b [B, d] the projected
// radiology and pathology vectors and â = a/‖a‖, b̂ = b/‖b‖, the similarity is
// Sim_ij = â_i b̂_j; pos_i is the mean of row i's TopK largest entries and
// neg_i the mean of its TopK largest entries of −Sim; the output is
// Linear(2d→d)([pos; neg]), written as two Linear maps of pos and neg summed
// (no Concatenate, whose second-order gradient the pure-Go backend lacks).
//
// Because Sim = â b̂ᵀ has rank one, row i's top-k mean is â_i × (mean of the k
// largest b̂_j) when â_i ≥ 0 and â_i × (mean of the k smallest) otherwise, and
// neg_i is the same with the roles swapped and the sign flipped: an exact
// O(d·k) form instead of a [d, d] top-k (internal_test.go checks it against the
// full similarity sorted in Go).
func (m *Model) dce(ctx *context.Context, a, b *Node) *Node {
	pos, neg := contextFeatures(a, b, m.TopK)
	pe := Add(m.dense(ctx.In("pos"), pos, m.Dim), m.denseNoBias(ctx.In("neg"), neg, m.Dim, 2*m.Dim))
	m.trace(ctx, a, pe)
	return pe
}

// contextFeatures returns the DCE's pos and neg [B, d] of a and b [B, d]
// (see dce) by the exact rank-one form.
func contextFeatures(a, b *Node, k int) (pos, neg *Node) {
	an := l2Normalize(a)
	bn := l2Normalize(b)
	top := topKMean(bn, k)              // [B]
	bottom := Neg(topKMean(Neg(bn), k)) // [B] mean of the k smallest
	dims := an.Shape().Dimensions
	topB, bottomB := BroadcastToDims(InsertAxes(top, -1), dims...), BroadcastToDims(InsertAxes(bottom, -1), dims...)
	nonneg := GreaterOrEqual(an, ZerosLike(an))
	pos = Mul(an, Where(nonneg, topB, bottomB))
	neg = Neg(Mul(an, Where(nonneg, bottomB, topB)))
	return pos, neg
}

// ContextFeatures runs the Dynamic Contextual Embedding's similarity step
// on the backend, by the graph code the model uses, for vectors a and b
// (one row each per patient, d columns, as the projected radiology and
// pathology vectors): pos[i][j] is the mean of the k largest entries of row
// j of the similarity â b̂ᵀ, neg[i][j] the mean of the k largest of its
// negation. The tutorials compare it with sorting the full similarity.
func ContextFeatures(backend backends.Backend, a, b [][]float64, k int) (pos, neg [][]float64, err error) {
	if len(a) == 0 || len(a) != len(b) || len(a[0]) != len(b[0]) || k < 1 || k > len(a[0]) {
		return nil, nil, fmt.Errorf("model: context features of %d and %d rows with k = %d", len(a), len(b), k)
	}
	exec, err := NewExec(backend, func(a, b *Node) (*Node, *Node) { return contextFeatures(a, b, k) })
	if err != nil {
		return nil, nil, err
	}
	defer exec.Finalize()
	out, err := exec.Exec(a, b)
	if err != nil {
		return nil, nil, err
	}
	rows := func(t *tensors.Tensor) [][]float64 {
		flat, d := tensors.MustCopyFlatData[float64](t), len(a[0])
		r := make([][]float64, len(a))
		for i := range r {
			r[i] = flat[i*d : (i+1)*d]
		}
		return r
	}
	return rows(out[0]), rows(out[1]), nil
}

// denseNoBias is the second half of a Linear(fanIn→out) split in two: its
// weights use the full layer's fan-in for the initial bound, and the bias
// lives in the first half.
func (m *Model) denseNoBias(ctx *context.Context, x *Node, out, fanIn int) *Node {
	in := x.Shape().Dimensions[x.Rank()-1]
	w := m.param(ctx, WeightsName, initUniform, 1/math.Sqrt(float64(fanIn)), in, out)
	return m.builder().product(x, w)
}

// l2Normalize divides each row of x [B, d] by max(‖x‖, 1e-12) (PyTorch's
// F.normalize).
func l2Normalize(x *Node) *Node {
	norm := Sqrt(ReduceAndKeep(Square(x), ReduceSum, -1))
	return Div(x, MaxScalar(norm, 1e-12))
}

// topKMean returns, for each row of x [B, d], the mean of its k largest
// entries, without a sort op (GoMLX has none). With t the k-th largest entry
// (counting repeats) and n the number of entries above t,
//
//	mean of the k largest = (Σ_{x_j > t} x_j + (k − n)·t) / k,
//
// which needs no tie-break: entries tied at t contribute t each, whichever
// of them a sort would keep. t is the largest x_i with at least k entries
// x_j ≥ x_i (an entry above t has at most k − 1 such entries), found from
// the comparison tensor [B, d, d] of x_j ≥ x_i.
func topKMean(x *Node, k int) *Node {
	dims := x.Shape().Dimensions
	b, d := dims[0], dims[1]
	xi := BroadcastToDims(InsertAxes(x, -1), b, d, d)                         // [b, i, j] = x_i
	xj := BroadcastToDims(InsertAxes(x, 1), b, d, d)                          // [b, i, j] = x_j
	atLeast := ReduceSum(ConvertDType(GreaterOrEqual(xj, xi), x.DType()), -1) // [b, i]: #{j: x_j ≥ x_i}, exact in float
	candidate := GreaterOrEqual(atLeast, Scalar(x.Graph(), x.DType(), k))
	t := ReduceAndKeep(Where(candidate, x, Infinity(x.Graph(), x.DType(), -1)), ReduceMax, -1) // [b, 1]
	above := GreaterThan(x, t)
	sumAbove := ReduceSum(Where(above, x, ZerosLike(x)), -1)
	countAbove := ReduceSum(ConvertDType(above, x.DType()), -1)
	rest := Mul(AddScalar(Neg(countAbove), float64(k)), Squeeze(t, -1)) // (k − n)·t
	return DivScalar(Add(sumAbove, rest), float64(k))
}
