// SPDX-License-Identifier: Apache-2.0

package deep

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// Weights of ShaSpec's auxiliary losses (their train_SS.py: alpha, beta).
const (
	shaSpecAlignWeight  = 0.1
	shaSpecDomainWeight = 0.02
)

// shaSpec is the shared-specific network of Wang et al. (CVPR 2023), in the
// vector form the notes describe: each modality's pooled embedding is
// projected to h (Linear), then one shared encoder (Linear(h→h), ReLU,
// Linear(h→h)) applied to both modalities gives r_m and one specific
// encoder per modality (same shape) gives s_m; the residual fusion
// f_m = r_m + W[r_m; s_m], W = Linear(2h→h) shared by the modalities; a
// missing modality's f_m is the shared feature of the available one (the
// mean of the available shared features, which with two modalities is
// that one); the fused vector is [f_rad; f_path] and the head Linear(2h→h),
// ReLU, dropout, Linear(h→1).
//
// Training adds 0.1 × the distribution alignment, the mean absolute
// difference of r_rad and r_path over the patients with both, and 0.02 ×
// the domain classification, the cross-entropy of Linear(h→2) on s_m
// against the modality, over the available modalities only (the original
// computes both on zero-filled inputs too). Their two-phase schedule (full
// modalities, then random dropping for the whole batch) is replaced by the
// protocol's per-patient masking.
//
// Parameters: h(w_p + w_r) + 2h (projections), 2h² + 2h (shared encoder),
// 2(2h² + 2h) (specific encoders), 2h² + h (fusion), 2h + 2 (domain
// classifier), 2h² + 2h + 1 (head): 68,003 at h = 32 with TITAN and
// MedImageInsight inputs, 1,117,443 at h = 256.
type shaSpec struct{ base }

// Encode implements Network.
func (n *shaSpec) Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node) {
	b := n.start(in.Slides)
	g := in.Slides.Graph()
	p := pool(in)
	h := n.cfg.Dim
	shared := func(x *Node) *Node { return n.mlp2(ctx.In("shared"), x, h, h, model.Relu, 0) }
	xp := b.Dense(ctx.In("project_pathology"), p.path, h)
	xr := b.Dense(ctx.In("project_radiology"), p.rad, h)
	rp, rr := shared(xp), shared(xr)
	sp := n.mlp2(ctx.In("specific_pathology"), xp, h, h, model.Relu, 0)
	sr := n.mlp2(ctx.In("specific_radiology"), xr, h, h, model.Relu, 0)
	fuse := func(r, s *Node) *Node {
		return Add(r, b.Dense(ctx.In("fusion"), Concatenate([]*Node{r, s}, -1), h))
	}
	fp, fr := fuse(rp, sp), fuse(rr, sr)
	hp, hr := asFloat(p.hasPath, b.DType), asFloat(p.hasRad, b.DType)
	// A missing modality takes the shared feature of the available one.
	fp = Add(Mul(fp, hp), Mul(rr, OneMinus(hp)))
	fr = Add(Mul(fr, hr), Mul(rp, OneMinus(hr)))
	fused = Concatenate([]*Node{fr, fp}, -1)
	if !ctx.IsTraining(g) {
		return fused, nil
	}
	valid := asFloat(in.Valid, b.DType)
	both := Mul(Mul(hp, hr), valid)
	align := weightedMean(Abs(Sub(rr, rp)), both)
	// Domain classification: logits [B, 2], class 0 radiology, 1 pathology.
	ce := func(s *Node, class int) *Node {
		logits := b.Dense(ctx.In("domain"), s, 2)
		oneHot := []float64{1, 0}
		if class == 1 {
			oneHot = []float64{0, 1}
		}
		target := ExpandLeftToRank(ConvertDType(Const(g, oneHot), b.DType), 2)
		return Neg(ReduceSum(Mul(LogSoftmax(logits, -1), target), -1)) // [B]
	}
	domain := Div(Add(ReduceAllSum(Mul(ce(sr, 0), Squeeze(Mul(hr, valid), -1))), ReduceAllSum(Mul(ce(sp, 1), Squeeze(Mul(hp, valid), -1)))),
		Max(ReduceAllSum(Add(Mul(hr, valid), Mul(hp, valid))), ScalarOne(g, b.DType)))
	aux = Add(MulScalar(align, shaSpecAlignWeight), MulScalar(domain, shaSpecDomainWeight))
	return fused, aux
}

// Head implements Network.
func (n *shaSpec) Head(ctx *context.Context, fused *Node) *Node {
	n.start(fused)
	return Squeeze(n.mlp2(ctx, fused, n.cfg.Dim, 1, model.Relu, n.cfg.Dropout), -1)
}
