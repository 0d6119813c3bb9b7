// SPDX-License-Identifier: Apache-2.0

// Package deep holds the deep multimodal baselines of the supplement —
// DRIM, AttentionMOI, MMD and ShaSpec — adapted to per-patient slide and
// CT-series embeddings and to a Cox head, so that they train under
// PARACHUTE's protocol: the same batches ([model.Inputs]), missing-modality
// masking, Cox loss, profiles and optimizers. No code of the original
// repositories is used; each network's doc comment states its adaptation and
// its parameter count.
//
// Every network encodes a batch into one fused vector per patient and maps
// it to a log-risk with a separate head (where Gradient Curvature Steering
// acts), and may add auxiliary training losses (DRIM's contrastive and
// adversarial terms, MMD's reconstruction, ShaSpec's alignment and domain
// terms). Their inputs are pooled per modality: the mean of the patient's
// slide embeddings, and the mean over its series of the mean over slices;
// AttentionMOI attends over the patient's slides and series themselves.
// Parameters live under model.Scope, the head's under
// model.Scope/model.HeadScope, initialised as PyTorch initialises the
// corresponding modules.
package deep

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// Names of the deep baselines.
const (
	DRIM         = "drim"
	AttentionMOI = "attentionmoi"
	MMD          = "mmd"
	ShaSpec      = "shaspec"
)

// Names lists the deep baselines.
var Names = []string{DRIM, AttentionMOI, MMD, ShaSpec}

// Config sets a deep baseline's sizes.
type Config struct {
	// PathologyWidth and RadiologyWidth are the input embeddings' widths.
	PathologyWidth, RadiologyWidth int
	// Dim is the hidden width h of every layer (the profile's token width:
	// 32 in quick, 256 in paper).
	Dim int
	// Dropout is the rate of the networks' dropout layers (their own
	// defaults where a network fixes one).
	Dropout float64
	DType   dtypes.DType
	// Seed seeds the initial values.
	Seed uint64
}

// Network is a deep baseline: Encode returns the fused features [B, d] and
// the auxiliary training loss (a scalar; nil when the network has none or
// ctx is not training), Head the log-risk [B] of fused features.
type Network interface {
	Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node)
	Head(ctx *context.Context, fused *Node) *Node
}

// New returns the named deep baseline.
func New(name string, cfg Config) (Network, error) {
	if cfg.Dim < 4 || cfg.PathologyWidth < 1 || cfg.RadiologyWidth < 1 {
		return nil, fmt.Errorf("deep: dim %d and widths %d, %d", cfg.Dim, cfg.PathologyWidth, cfg.RadiologyWidth)
	}
	switch name {
	case DRIM:
		return &drim{base: base{cfg: cfg}}, nil
	case AttentionMOI:
		return &attentionMOI{base: base{cfg: cfg}}, nil
	case MMD:
		return &mmd{base: base{cfg: cfg}}, nil
	case ShaSpec:
		return &shaSpec{base: base{cfg: cfg}}, nil
	}
	return nil, fmt.Errorf("deep: unknown baseline %q (want one of %v)", name, Names)
}

// base holds what every network shares: the configuration and the builder
// of the graph being built.
type base struct {
	cfg Config
	b   *model.Builder
}

// start sets up the builder for the graph of x.
func (n *base) start(x *Node) *model.Builder {
	n.b = &model.Builder{Seed: n.cfg.Seed, DType: n.cfg.DType, G: x.Graph()}
	return n.b
}

// pooled are a batch's per-modality vectors and availability.
type pooled struct {
	path, rad       *Node // [B, w]: mean of slides; mean over series of the mean over slices (0 when absent)
	hasPath, hasRad *Node // [B] bool
}

func pool(in model.Inputs) pooled {
	return pooled{
		path:    model.MaskedMean(in.Slides, in.SlideMask),
		rad:     model.MaskedMean(ReduceMean(in.Series, 2), in.SeriesMask),
		hasPath: ReduceLogicalOr(in.SlideMask, 1),
		hasRad:  ReduceLogicalOr(in.SeriesMask, 1),
	}
}

// mlp2 is Linear(→h), act, dropout, Linear(h→out) (two layers) under ctx.
func (n *base) mlp2(ctx *context.Context, x *Node, h, out int, act func(*Node) *Node, rate float64) *Node {
	y := act(n.b.Dense(ctx.In("linear1"), x, h))
	y = model.Dropout(ctx, y, rate)
	return n.b.Dense(ctx.In("linear2"), y, out)
}

// asFloat turns a bool [B] into dtype [B, 1].
func asFloat(x *Node, dtype dtypes.DType) *Node { return InsertAxes(ConvertDType(x, dtype), -1) }

// softplus is log(1 + eˣ), stable for large |x|.
func softplus(x *Node) *Node {
	return Add(Max(x, ZerosLike(x)), Log1P(Exp(Neg(Abs(x)))))
}

// bceLogits is the binary cross-entropy of logits x against a constant
// label y ∈ {0, 1}: softplus(x) − y·x.
func bceLogits(x *Node, y float64) *Node {
	return Sub(softplus(x), MulScalar(x, y))
}

// weightedMean is Σ w·x / max(Σ w, 1) over all entries (w broadcast to x).
func weightedMean(x, w *Node) *Node {
	return Div(ReduceAllSum(Mul(x, w)), Max(ReduceAllSum(BroadcastToShape(w, x.Shape())), ScalarOne(x.Graph(), x.DType())))
}
