// SPDX-License-Identifier: Apache-2.0

package deep

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// DRIM's loss weights and contrastive temperature (their configs:
// α = 1.0, γ = 0.8, temperature = base temperature = 0.07).
const (
	drimSharedWeight  = 1.0
	drimUniqueWeight  = 0.8
	drimTemperature   = 0.07
	drimDropout       = 0.2
	drimHeads         = 4
	drimDiscriminator = 8 // hidden width of the discriminators, in units of h
)

// drim is DRIMSurv of Robinet et al. (MICCAI 2024), adapted as the notes
// describe. Each modality has a shared and a unique encoder (no weight
// sharing), Linear(w→2h), dropout 0.2, GELU, Linear(2h→h), their outputs
// L2-normalised (their MRIEmbeddingEncoder for pre-extracted vectors). Two
// masked attention fusions (one pre-LN layer each, a learned class token
// prepended, softmax-one attention whose projections have no bias, 4 heads
// of h/4 — theirs 16 of 64 at h = 128 —, feed-forward h → h → h with GELU,
// dropout 0.2, output LayerNorm of the class token) combine the shared
// embeddings into h_s and then the unique embeddings with h_s into h, the
// fused vector; an absent modality is masked out of both. The head is
// Linear(h→1) with the Cox loss (their discrete-time head replaced).
//
// Training adds their two objectives. The shared embeddings of a patient's
// modalities are pulled together by a supervised contrastive loss
// (temperature 0.07; anchors are the present (patient, modality) pairs, a
// patient's other modality its positive), weight 1. A discriminator per
// modality, Linear(2h→8h), dropout, GELU, Linear(8h→2h), dropout, GELU,
// Linear(2h→1), tells joint pairs [s_m; u_m] from pairs whose shared part
// comes from the previous patient of the batch; it learns from
// BCE(D(marginal), 1) + BCE(D(joint), 0) on detached embeddings, and the
// encoders from BCE(D(joint), 1) through a frozen discriminator, weight 0.8
// (pairs where either patient lacks the modality are left out). DRIM trains
// the discriminators with their own AdamW; here one optimizer takes every
// gradient.
//
// Parameters: 317,219 at h = 32 with TITAN and MedImageInsight inputs,
// 7,354,627 at h = 256 (the two discriminators, 2h → 8h → 2h → 1, hold
// 4.2 M of them; DRIM's own width is h = 128).
type drim struct{ base }

// Encode implements Network.
func (n *drim) Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node) {
	n.start(in.Slides)
	g := in.Slides.Graph()
	p := pool(in)
	h := n.cfg.Dim
	encode := func(name string, x *Node) *Node {
		y := n.mlp2(ctx.In(name), x, 2*h, h, model.Gelu, drimDropout)
		return L2NormalizeWithEpsilon(y, 1e-12, -1)
	}
	sr, sp := encode("shared_radiology", p.rad), encode("shared_pathology", p.path)
	ur, up := encode("unique_radiology", p.rad), encode("unique_pathology", p.path)
	mask := Stack([]*Node{p.hasRad, p.hasPath}, 1) // [B, 2]
	hs := n.fusion(ctx.In("fusion_shared"), Stack([]*Node{sr, sp}, 1), mask)
	all := Stack([]*Node{ur, up, hs}, 1)
	allMask := Concatenate([]*Node{mask, InsertAxes(OnesLike(p.hasRad), -1)}, 1)
	fused = n.fusion(ctx.In("fusion_unique"), all, allMask)
	if !ctx.IsTraining(g) {
		return fused, nil
	}
	valid := in.Valid
	con := supCon(sr, sp, LogicalAnd(p.hasRad, valid), LogicalAnd(p.hasPath, valid))
	adv := Add(n.adversarial(ctx.In("discriminator_radiology"), sr, ur, LogicalAnd(p.hasRad, valid)),
		n.adversarial(ctx.In("discriminator_pathology"), sp, up, LogicalAnd(p.hasPath, valid)))
	return fused, Add(MulScalar(con, drimSharedWeight), adv)
}

// Head implements Network.
func (n *drim) Head(ctx *context.Context, fused *Node) *Node {
	return Squeeze(n.start(fused).Dense(ctx.In("linear"), fused, 1), -1)
}

// fusion is DRIM's masked attention fusion reduced to what its output
// uses: one pre-LN layer, whose class-token row is
// x = cls + Drop(Attn(LN(cls), LN(tokens ∪ cls))), then x + FFN(LN(x)), and
// the output LN(x). tokens [B, M, h], mask [B, M].
func (n *drim) fusion(ctx *context.Context, tokens, mask *Node) *Node {
	b := n.b
	dims := tokens.Shape().Dimensions
	bsz, h := dims[0], dims[2]
	cls := BroadcastToDims(Reshape(b.Token(ctx.In("cls"), model.InitNormal, h), 1, 1, h), bsz, 1, h)
	seq := Concatenate([]*Node{cls, tokens}, 1)
	seqMask := Concatenate([]*Node{BroadcastToDims(ConstAs(mask, true), bsz, 1), mask}, 1)
	normed := b.LayerNorm(ctx.In("norm_attention"), seq)
	q := b.LayerNorm(ctx.In("norm_attention"), cls)
	att := n.multiHead(ctx.In("attention"), q, normed, seqMask, attentionSpec{heads: drimHeads, softmaxOne: true, rate: 0})
	x := Add(cls, model.Dropout(ctx, att, drimDropout))
	f := ctx.In("ffn")
	y := model.Gelu(b.Dense(f.In("linear1"), b.LayerNorm(f.In("norm"), x), h))
	y = model.Dropout(f, b.Dense(f.In("linear2"), model.Dropout(f, y, drimDropout), h), drimDropout)
	x = Add(x, y)
	return Squeeze(b.LayerNorm(ctx.In("norm_out"), x), 1)
}

// adversarial is one modality's discriminator loss plus the encoders'
// weighted adversarial loss (see drim), over the rows where has is true and
// whose previous row (the marginal's shared partner) has it too.
func (n *drim) adversarial(ctx *context.Context, s, u, has *Node) *Node {
	g := s.Graph()
	bsz := s.Shape().Dimensions[0]
	dtype := s.DType()
	// roll = P·x with P the cyclic shift by one row (constant).
	perm := make([]float64, bsz*bsz)
	for i := range bsz {
		perm[i*bsz+(i+bsz-1)%bsz] = 1
	}
	P := ConvertDType(Reshape(Const(g, perm), bsz, bsz), dtype)
	roll := func(x *Node) *Node { return Dot(P, x) }
	hasF := ConvertDType(has, dtype)
	w := Mul(hasF, Squeeze(roll(InsertAxes(hasF, -1)), -1)) // both rows have the modality
	joint := Concatenate([]*Node{s, u}, -1)
	marginal := Concatenate([]*Node{roll(StopGradient(s)), u}, -1)
	dFrozen := n.discriminator(ctx, joint, true)
	dJoint := n.discriminator(ctx, StopGradient(joint), false)
	dMarginal := n.discriminator(ctx, StopGradient(marginal), false)
	encoders := weightedMean(bceLogits(dFrozen, 1), w)
	disc := Add(weightedMean(bceLogits(dMarginal, 1), w), weightedMean(bceLogits(dJoint, 0), w))
	return Add(MulScalar(encoders, drimUniqueWeight), disc)
}

// discriminator is Linear(2h→8h), dropout, GELU, Linear(8h→2h), dropout,
// GELU, Linear(2h→1) on x [B, 2h]; frozen reads its parameters through
// StopGradient, so that no gradient reaches them.
func (n *drim) discriminator(ctx *context.Context, x *Node, frozen bool) *Node {
	dense := func(name string, x *Node, out int) *Node {
		c := ctx.In(name)
		in := x.Shape().Dimensions[1]
		bound := 1 / math.Sqrt(float64(in))
		w := n.b.Param(c, model.WeightsName, model.InitUniform, bound, in, out)
		bias := n.b.Param(c, model.BiasesName, model.InitUniform, bound, out)
		if frozen {
			w, bias = StopGradient(w), StopGradient(bias)
		}
		return Add(Dot(x, w), InsertAxes(bias, 0))
	}
	h := x.Shape().Dimensions[1] / 2
	y := model.Gelu(model.Dropout(ctx, dense("linear1", x, drimDiscriminator*h), drimDropout))
	y = model.Gelu(model.Dropout(ctx, dense("linear2", y, 2*h), drimDropout))
	return Squeeze(dense("linear3", y, 1), -1)
}

// supCon is the supervised contrastive loss of the shared embeddings (unit
// vectors) a and b [B, h] of two modalities, present where hasA and hasB:
// the anchors are the present rows of both, a row's positive is the same
// patient's other modality, and with sim = zᵢ·zⱼ/T over present j ≠ i,
//
//	L = −mean over anchors with a positive of (sim_i,pos − log Σ_{j≠i} exp sim_ij).
func supCon(a, b, hasA, hasB *Node) *Node {
	g := a.Graph()
	dtype := a.DType()
	bsz := a.Shape().Dimensions[0]
	z := Concatenate([]*Node{a, b}, 0)                            // [2B, h]
	present := Concatenate([]*Node{hasA, hasB}, 0)                // [2B]
	sim := DivScalar(Dot(z, Transpose(z, 0, 1)), drimTemperature) // [2B, 2B]
	n2 := 2 * bsz
	self := make([]bool, n2*n2)
	pos := make([]bool, n2*n2)
	for i := range n2 {
		self[i*n2+i] = true
		pos[i*n2+(i+bsz)%n2] = true
	}
	pair := LogicalAnd(InsertAxes(present, -1), InsertAxes(present, 0))
	others := LogicalAnd(pair, LogicalNot(Reshape(Const(g, self), n2, n2)))
	positive := LogicalAnd(pair, Reshape(Const(g, pos), n2, n2))
	neg := BroadcastToShape(Infinity(g, dtype, -1), sim.Shape())
	rowMax := StopGradient(ReduceAndKeep(Where(others, sim, neg), ReduceMax, -1))
	rowMax = Where(IsFinite(rowMax), rowMax, ZerosLike(rowMax))
	logDen := Add(Log(Max(ReduceAndKeep(Where(others, Exp(Sub(sim, rowMax)), ZerosLike(sim)), ReduceSum, -1),
		Scalar(g, dtype, 1e-30))), rowMax)
	logProb := Sub(sim, logDen)
	posF := ConvertDType(positive, dtype)
	perAnchor := ReduceSum(Mul(logProb, posF), -1) // one positive at most
	hasPos := ReduceSum(posF, -1)
	return Neg(Div(ReduceAllSum(Mul(perAnchor, hasPos)), Max(ReduceAllSum(hasPos), ScalarOne(g, dtype))))
}
