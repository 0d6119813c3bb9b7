// SPDX-License-Identifier: Apache-2.0

package deep

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// mmdKeep is MMD's modality-dropout keep probability (keep_ratio).
const mmdKeep = 0.5

// mmd is the fusion network of Cui et al. (MICCAI 2022), adapted: each
// available modality's pooled embedding is projected by
// Linear(w→h), ReLU, Linear(h→h), ReLU; the fused vector is the masked mean
// of the projections over the kept modalities; the head is Linear(h→h),
// ReLU, dropout 0.1, Linear(h→h), ReLU, dropout 0.1, Linear(h→1), rescaled
// as 6σ(·) − 3 (their hazard range).
//
// Training keeps each available modality of a patient with both with
// probability 0.5 (their modality dropout; one is restored when both are
// dropped), on top of the protocol's masking, and adds their reconstruction
// loss: one decoder per modality, Linear(h→h), ReLU, Linear(h→w), predicts
// every originally available modality's embedding from the fused vector,
// dropped ones too (a denoising objective), weighted 1. Adaptations: their
// inputs were 32-d unimodal embeddings, ours the 768- and 1024-d pooled
// foundation-model embeddings, so the reconstruction error is the mean
// squared error per dimension (not the sum) and the decoders have no final
// ReLU (the embeddings take negative values); their two-stage training of
// unimodal networks first is replaced by the pooled embeddings.
//
// Parameters: h(w_p + w_r) + 2h² + 4h (projectors), 2h² + 3h + 1 (head),
// h(w_p + w_r) + 2h² + 2h + w_p + w_r (decoders): 122,913 at h = 32 with
// TITAN and MedImageInsight inputs, 1,314,817 at h = 256.
type mmd struct{ base }

// Encode implements Network.
func (n *mmd) Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node) {
	b := n.start(in.Slides)
	g := in.Slides.Graph()
	p := pool(in)
	h := n.cfg.Dim
	proj := func(name string, x *Node) *Node {
		c := ctx.In("project_" + name)
		y := model.Relu(b.Dense(c.In("linear1"), x, h))
		return model.Relu(b.Dense(c.In("linear2"), y, h))
	}
	hp, hr := proj("pathology", p.path), proj("radiology", p.rad)
	keepP, keepR := p.hasPath, p.hasRad
	training := ctx.IsTraining(g)
	if training {
		keepP, keepR = modalityDropout(ctx, p.hasPath, p.hasRad)
	}
	kp, kr := asFloat(keepP, b.DType), asFloat(keepR, b.DType)
	count := Max(Add(kp, kr), ScalarOne(g, b.DType))
	fused = Div(Add(Mul(hp, kp), Mul(hr, kr)), count)
	if !training {
		return fused, nil
	}
	// Reconstruction of every originally available modality.
	recon := func(name string, target, has *Node) (*Node, *Node) {
		c := ctx.In("decode_" + name)
		x := n.mlp2(c, fused, h, target.Shape().Dimensions[1], model.Relu, 0)
		mse := ReduceMean(Square(Sub(x, StopGradient(target))), 1) // [B]
		return Mul(mse, ConvertDType(has, b.DType)), ConvertDType(has, b.DType)
	}
	ep, ap := recon("pathology", p.path, p.hasPath)
	er, ar := recon("radiology", p.rad, p.hasRad)
	perSample := Div(Add(ep, er), Max(Add(ap, ar), ScalarOne(g, b.DType)))
	valid := ConvertDType(in.Valid, b.DType)
	aux = Div(ReduceAllSum(Mul(perSample, valid)), Max(ReduceAllSum(valid), ScalarOne(g, b.DType)))
	return fused, aux
}

// Head implements Network.
func (n *mmd) Head(ctx *context.Context, fused *Node) *Node {
	b := n.start(fused)
	h := n.cfg.Dim
	x := model.Dropout(ctx, model.Relu(b.Dense(ctx.In("linear1"), fused, h)), 0.1)
	x = model.Dropout(ctx, model.Relu(b.Dense(ctx.In("linear2"), x, h)), 0.1)
	x = Squeeze(b.Dense(ctx.In("linear3"), x, 1), -1)
	return AddScalar(MulScalar(Sigmoid(x), 6), -3)
}

// modalityDropout keeps each modality of a patient with both with
// probability mmdKeep, restoring one (chosen uniformly) when both are
// dropped; a patient with one modality keeps it.
func modalityDropout(ctx *context.Context, hasP, hasR *Node) (keepP, keepR *Node) {
	g := hasP.Graph()
	coin := func(p float64) *Node {
		u := runscope.RandomUniform(ctx, g, shapes.Make(dtypes.Float32, hasP.Shape().Dimensions[0]))
		return LessThan(u, Scalar(g, dtypes.Float32, p))
	}
	both := LogicalAnd(hasP, hasR)
	kp, kr, pickP := coin(mmdKeep), coin(mmdKeep), coin(0.5)
	none := LogicalNot(LogicalOr(kp, kr))
	kp = LogicalOr(kp, LogicalAnd(none, pickP))
	kr = LogicalOr(kr, LogicalAnd(none, LogicalNot(pickP)))
	return Where(both, kp, hasP), Where(both, kr, hasR)
}
