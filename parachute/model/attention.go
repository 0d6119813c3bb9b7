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
	normed := func(name string, x *Node) *Node {
		return m.step(ctx.In("norm_"+name), x, m.layerNorm(ctx.In("norm_"+name), x))
	}
	att := m.multiHead(ctx, q, k, v, keyMask, m.Dropout, normed)
	x := m.step(ctx.In("residual1"), q, Add(q, att))
	f := ctx.In("ffn")
	n := m.step(f.In("norm"), x, m.layerNorm(f.In("norm"), x))
	hidden := m.step(f.In("linear1"), n, m.dropout(f, relu(m.dense(f.In("linear1"), n, m.FFN))))
	y := m.step(ctx.In("residual2"), x, Add(x, m.step(f.In("linear2"), hidden, m.dropout(f, m.dense(f.In("linear2"), hidden, m.Dim)))))
	m.trace(ctx, q, y)
	return y
}

// authorsAttentionDropout is the dropout on the attention weights of the
// authors' fusion layer (nn.MultiheadAttention(dropout=0.25)).
const authorsAttentionDropout = 0.25

// plainAttention is a block of the authors' fusion layer
// (CompatPlainFusion): a bare nn.MultiheadAttention, y = Wo · MHA(q, k, v),
// without LayerNorm, residual or feed-forward network, with dropout 0.25 on
// the attention weights.
func (m *Model) plainAttention(ctx *context.Context, q, k, v, keyMask *Node) *Node {
	y := m.multiHead(ctx, q, k, v, keyMask, authorsAttentionDropout, nil)
	m.trace(ctx, q, y)
	return y
}

// multiHead is PyTorch's multi-head attention: per-head projections of q
// [B, Kq, d], k and v [B, Kk, d] with bias, logits scaled by 1/√(d/h),
// softmax over the keys where keyMask [B, Kk] is true (a fully masked row
// gives zeros), dropout at rate on the weights, and the output projection.
// prepare, when not nil, maps each input ("query", "key", "value") before its
// projection (the pre-LN of crossAttention).
func (m *Model) multiHead(ctx *context.Context, q, k, v, keyMask *Node, rate float64, prepare func(name string, x *Node) *Node) *Node {
	dims := q.Shape().Dimensions
	b, nq, d := dims[0], dims[1], dims[2]
	nk := k.Shape().Dimensions[1]
	h, dh := m.Heads, m.Dim/m.Heads
	project := func(name string, x *Node, n int) *Node {
		if prepare != nil {
			x = prepare(name, x)
		}
		return m.step(ctx.In(name), x, Reshape(m.dense(ctx.In(name), x, d), b, n, h, dh))
	}
	qh, kh, vh := project("query", q, nq), project("key", k, nk), project("value", v, nk)
	logits := MulScalar(Einsum("bqhd,bkhd->bhqk", qh, kh), 1/math.Sqrt(float64(dh)))
	mask := BroadcastToDims(Reshape(keyMask, b, 1, 1, nk), b, h, nq, nk)
	probs := MaskedSoftmax(logits, mask, -1)
	if m.Attention != nil {
		*m.Attention = append(*m.Attention, probs)
	}
	weights := m.step(ctx.In("attention"), qh, m.dropoutAt(ctx, probs, rate))
	att := m.step(ctx.In("heads"), weights, Reshape(Einsum("bhqk,bkhd->bqhd", weights, vh), b, nq, d))
	return m.step(ctx.In("output"), att, m.dense(ctx.In("output"), att, d))
}

// step records one step of a block in the trace (Summary.Block, the inside
// of supplement Figure 4a) and returns its output.
func (m *Model) step(ctx *context.Context, in, out *Node) *Node {
	m.trace(ctx, in, out)
	return out
}
