// SPDX-License-Identifier: Apache-2.0

package model

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// crossAttention is one multi-head cross-attention block of the fusion
// (supplement Figure 4a), pre-LN:
//
//	x = q + Wo · MHA(LN_q(q), LN_k(k), LN_v(v))
//	y = x + FFN(LN_f(x)),  FFN = Linear(d→FFN), ReLU, dropout, Linear(FFN→d), dropout
//
// with q [B, Kq, d], k and v [B, Kk, d] and the key mask [B, Kk]. The
// attention is PyTorch's: per-head projections with bias, logits scaled by
// 1/√(d/h) (not GoMLX's MultiHeadAttention, whose effective scale is
// 1/(d/h)), masked softmax over the keys (a fully masked row gives zeros,
// never NaN), dropout on the attention weights.
func (m *Model) crossAttention(ctx *context.Context, q, k, v, keyMask *Node) *Node {
	dims := q.Shape().Dimensions
	b, nq, d := dims[0], dims[1], dims[2]
	nk := k.Shape().Dimensions[1]
	h, dh := m.Heads, m.Dim/m.Heads
	// step records one step of the block in the trace (Summary.Block, the
	// inside of supplement Figure 4a) and returns its output.
	step := func(c *context.Context, in, out *Node) *Node {
		m.trace(c, in, out)
		return out
	}
	project := func(name string, x *Node, n int) *Node {
		normed := step(ctx.In("norm_"+name), x, m.layerNorm(ctx.In("norm_"+name), x))
		return step(ctx.In(name), normed, Reshape(m.dense(ctx.In(name), normed, d), b, n, h, dh))
	}
	qh, kh, vh := project("query", q, nq), project("key", k, nk), project("value", v, nk)
	logits := MulScalar(Einsum("bqhd,bkhd->bhqk", qh, kh), 1/math.Sqrt(float64(dh)))
	mask := BroadcastToDims(Reshape(keyMask, b, 1, 1, nk), b, h, nq, nk)
	probs := MaskedSoftmax(logits, mask, -1)
	if m.Attention != nil {
		*m.Attention = append(*m.Attention, probs)
	}
	weights := step(ctx.In("attention"), qh, m.dropout(ctx, probs))
	att := step(ctx.In("heads"), weights, Reshape(Einsum("bhqk,bkhd->bqhd", weights, vh), b, nq, d))
	x := step(ctx.In("residual1"), q, Add(q, step(ctx.In("output"), att, m.dense(ctx.In("output"), att, d))))
	f := ctx.In("ffn")
	normed := step(f.In("norm"), x, m.layerNorm(f.In("norm"), x))
	hidden := step(f.In("linear1"), normed, m.dropout(f, relu(m.dense(f.In("linear1"), normed, m.FFN))))
	y := step(ctx.In("residual2"), x, Add(x, step(f.In("linear2"), hidden, m.dropout(f, m.dense(f.In("linear2"), hidden, d)))))
	m.trace(ctx, q, y)
	return y
}
