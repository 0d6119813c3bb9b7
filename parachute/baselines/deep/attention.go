// SPDX-License-Identifier: Apache-2.0

package deep

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// attentionSpec configures multiHead.
type attentionSpec struct {
	heads int
	// bias puts biases on the query, key and value projections.
	bias bool
	// softmaxOne normalises by 1 + Σ exp instead of Σ exp (DRIM's
	// "softmax-one": a query may attend to nothing).
	softmaxOne bool
	rate       float64 // dropout on the attention weights
}

// multiHead attends queries q [B, Kq, d] to keys and values kv [B, Kk, d]
// where keyMask [B, Kk] is true: per-head projections (inner width d),
// logits scaled by 1/√(d/h), a masked softmax (a fully masked row gives
// zeros), dropout, and the output projection Linear(d→d). Scopes under ctx:
// query, key, value, output.
func (n *base) multiHead(ctx *context.Context, q, kv, keyMask *Node, s attentionSpec) *Node {
	dims := q.Shape().Dimensions
	bsz, nq, d := dims[0], dims[1], dims[2]
	nk := kv.Shape().Dimensions[1]
	dh := d / s.heads
	project := func(name string, x *Node, k int) *Node {
		var y *Node
		if s.bias {
			y = n.b.Dense(ctx.In(name), x, d)
		} else {
			w := n.b.Param(ctx.In(name), model.WeightsName, model.InitUniform, 1/math.Sqrt(float64(d)), d, d)
			y = DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{0}, nil)
		}
		return Reshape(y, bsz, k, s.heads, dh)
	}
	qh, kh, vh := project("query", q, nq), project("key", kv, nk), project("value", kv, nk)
	logits := MulScalar(Einsum("bqhd,bkhd->bhqk", qh, kh), 1/math.Sqrt(float64(dh)))
	mask := BroadcastToDims(Reshape(keyMask, bsz, 1, 1, nk), bsz, s.heads, nq, nk)
	var probs *Node
	if s.softmaxOne {
		probs = maskedSoftmaxOne(logits, mask)
	} else {
		probs = MaskedSoftmax(logits, mask, -1)
	}
	probs = model.Dropout(ctx, probs, s.rate)
	att := Reshape(Einsum("bhqk,bkhd->bqhd", probs, vh), bsz, nq, d)
	return n.b.Dense(ctx.In("output"), att, d)
}

// maskedSoftmaxOne is exp(x_i) / (1 + Σ_j exp(x_j)) over the last axis
// where mask is true (0 elsewhere), computed with the row maximum m (at
// least 0) subtracted: exp(x_i − m) / (exp(−m) + Σ_j exp(x_j − m)).
func maskedSoftmaxOne(x, mask *Node) *Node {
	neg := Infinity(x.Graph(), x.DType(), -1)
	masked := Where(mask, x, BroadcastToShape(neg, x.Shape()))
	m := Max(ReduceAndKeep(masked, ReduceMax, -1), ZerosLike(ReduceAndKeep(x, ReduceMax, -1)))
	e := Where(mask, Exp(Sub(x, m)), ZerosLike(x))
	return Div(e, Add(Exp(Neg(m)), ReduceAndKeep(e, ReduceSum, -1)))
}
