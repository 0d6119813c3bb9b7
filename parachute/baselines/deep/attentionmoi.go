// SPDX-License-Identifier: Apache-2.0

package deep

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// attentionMOI is the two-branch network of Pang et al. (Brief. Bioinform.
// 2023), adapted: the radiology branch (their "DNA" branch) takes the
// patient's CT series (each the mean over its slices), the pathology branch
// (their "RNA" branch) its slides, each as a sequence of tokens: Linear(w→h),
// LayerNorm (their BatchNorm1d), one post-LN Transformer encoder layer
// (one head, feed-forward h → 128 → h with ReLU, dropout 0.1), and the mean
// over the patient's tokens (0 for an absent modality: the original has no
// missing-modality mechanism, zero-filling is the notes' adaptation). The
// fused vector is [rad; path]; the head is LayerNorm, Linear(2h→128), ReLU,
// dropout 0.2, LayerNorm, Linear(128→1) with the Cox loss (their BatchNorms
// and two-class output replaced).
//
// Their code feeds each patient's whole feature vector as one token of a
// sequence that is the batch, so attention mixes patients; here attention
// runs over each patient's own slides and series, and a prediction never
// depends on the batch. Their feature denoiser (FSD) selects omics features
// and has no counterpart for embeddings.
//
// Parameters: 91,777 at h = 32 with TITAN and MedImageInsight inputs,
// 1,187,585 at h = 256 (the input projections hold h(w_p + w_r)).
type attentionMOI struct{ base }

// moiFFN is the width of AttentionMOI's feed-forward layers and head.
const moiFFN = 128

// Encode implements Network.
func (n *attentionMOI) Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node) {
	b := n.start(in.Slides)
	h := n.cfg.Dim
	branch := func(name string, tokens, mask *Node) *Node {
		c := ctx.In(name)
		x := b.LayerNorm(c.In("norm_in"), b.Dense(c.In("input"), tokens, h))
		att := n.multiHead(c.In("attention"), x, x, mask, attentionSpec{heads: 1, bias: true, rate: 0.1})
		x = b.LayerNorm(c.In("norm1"), Add(x, model.Dropout(c, att, 0.1)))
		f := c.In("ffn")
		y := model.Dropout(f, model.Relu(b.Dense(f.In("linear1"), x, moiFFN)), 0.1)
		y = model.Dropout(f, b.Dense(f.In("linear2"), y, h), 0.1)
		x = b.LayerNorm(c.In("norm2"), Add(x, y))
		return model.MaskedMean(x, mask)
	}
	rad := branch("radiology", ReduceMean(in.Series, 2), in.SeriesMask)
	path := branch("pathology", in.Slides, in.SlideMask)
	return Concatenate([]*Node{rad, path}, -1), nil
}

// Head implements Network.
func (n *attentionMOI) Head(ctx *context.Context, fused *Node) *Node {
	b := n.start(fused)
	x := b.Dense(ctx.In("linear1"), b.LayerNorm(ctx.In("norm1"), fused), moiFFN)
	x = model.Dropout(ctx, model.Relu(x), 0.2)
	x = b.Dense(ctx.In("linear2"), b.LayerNorm(ctx.In("norm2"), x), 1)
	return Squeeze(x, -1)
}
