// SPDX-License-Identifier: Apache-2.0

package model

import (
	"math"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Model builds the PARACHUTE network into GoMLX graphs. Its parameters live
// in the GoMLX context passed to its methods, under the scope names of
// [Model.Forward]'s documentation.
type Model struct {
	Config
	// Seed seeds the initial values of the parameters.
	Seed uint64
	// Trace, when non-nil, receives one entry per module each time a graph is
	// built (see [Model.Summary]).
	Trace *[]ModuleTrace
	// Axis, when non-nil, builds K runs' networks as one (see RunAxis).
	Axis *RunAxis
	// Attention, when non-nil, receives the attention weights [B, h, Kq, Kk]
	// of each cross-attention block (after the masked softmax, before
	// dropout), in block order, each time a graph is built.
	Attention *[]*Node

	g *Graph
}

// ModuleTrace records a module's input and output shapes.
type ModuleTrace struct {
	Scope  string       `json:"scope"`
	Input  shapes.Shape `json:"-"`
	Output shapes.Shape `json:"-"`
	In     []int        `json:"input_shape"`
	Out    []int        `json:"output_shape"`
}

func (m *Model) trace(ctx *context.Context, in, out *Node) {
	if m.Trace != nil {
		*m.Trace = append(*m.Trace, ModuleTrace{Scope: ctx.Scope(), Input: in.Shape(), Output: out.Shape(),
			In: in.Shape().Dimensions, Out: out.Shape().Dimensions})
	}
}

// Inputs are the graph inputs of one batch of B patients; see [Batch] for the
// host side.
type Inputs struct {
	Slides     *Node // [B, MaxSlides, PathologyWidth] slide embeddings, zero-padded
	SlideMask  *Node // [B, MaxSlides] bool: true for a real slide
	Series     *Node // [B, MaxSeries, Slices, RadiologyWidth] CT series, zero-padded
	SeriesMask *Node // [B, MaxSeries] bool: true for a real series
	Valid      *Node // [B] bool: false for padding patients
}

// Forward returns the fused features f [B, Dim] (the input of the hazard
// net, where Gradient Curvature Steering acts) and the log-risk [B] (higher =
// earlier death). Dropout is active when ctx.IsTraining(g).
//
// Scopes of the parameters under ctx: rad_ctx and rad_tok (radiology
// adapters of the contextual path and of the fusion tokens), histo_ctx and
// histo_tok (pathology adapters), pe_rad and pe_histo (projections into the
// Dynamic Contextual Embedding), dce, missing/* (missing-modality tokens),
// fusion/block1…block4, fusion/norm_pooled, fusion/norm_context, hazard.
func (m *Model) Forward(ctx *context.Context, in Inputs) (fused, risk *Node) {
	fused = m.FusionEncoder(ctx, in)
	return fused, m.HazardNet(ctx.In(HeadScope), fused)
}

// FusionEncoder maps a batch to fused features [B, Dim]: adapters, missing
// tokens, the Dynamic Contextual Embedding, four cross-attention blocks,
// pooling and the contextual skip LN(pooled) + LN(context).
func (m *Model) FusionEncoder(ctx *context.Context, in Inputs) *Node {
	m.g = in.Slides.Graph()
	if m.Axis != nil && (m.CompatBatchNorm || m.CompatBatchAttention) {
		panic("model: the compat BatchNorm and batch attention couple a batch's patients and cannot be built on a run axis")
	}
	hasHisto := ReduceLogicalOr(in.SlideMask, 1) // [B]
	hasRad := ReduceLogicalOr(in.SeriesMask, 1)  // [B]
	anyMissing := LogicalNot(LogicalAnd(hasHisto, hasRad))
	// realSeries [B, K] marks the series of real patients (BatchNorm's batch).
	realSeries := LogicalAnd(in.SeriesMask, InsertAxes(in.Valid, -1))

	// Contextual path: pooled adapter outputs, or the missing tokens.
	radCtx := maskedMean(m.radiologyAdapter(ctx.In("rad_ctx"), in.Series, realSeries, false), in.SeriesMask)
	radCtx = m.orToken(hasRad, radCtx, m.token(ctx.In("missing").In("rad_ctx"), initNormal, m.Inter))
	histoCtx := maskedMean(m.pathologyAdapter(ctx.In("histo_ctx"), in.Slides, m.Inter), in.SlideMask)
	histoCtx = m.orToken(hasHisto, histoCtx, m.token(ctx.In("missing").In("histo_ctx"), initNormal, m.Inter))
	a := m.projection(ctx.In("pe_rad"), radCtx)
	b := m.projection(ctx.In("pe_histo"), histoCtx)
	pe := m.dce(ctx.In("dce"), a, b)
	missingCtx := m.token(ctx.In("missing").In("context"), initConst, m.Dim)
	pe = Add(pe, Mul(InsertAxes(ConvertDType(anyMissing, m.DType), -1), m.broadcast(missingCtx, pe.Shape().Dimensions...)))

	// Fusion tokens, one per series and per slide; an absent modality is one
	// learned token.
	radTok := m.radiologyAdapter(ctx.In("rad_tok"), in.Series, realSeries, true)
	radTok, radMask := m.tokensOrMissing(hasRad, radTok, in.SeriesMask, m.token(ctx.In("missing").In("rad_tok"), initNormal, m.Dim))
	histoTok := m.pathologyAdapter(ctx.In("histo_tok"), in.Slides, m.Dim)
	histoTok, histoMask := m.tokensOrMissing(hasHisto, histoTok, in.SlideMask, m.token(ctx.In("missing").In("histo_tok"), initNormal, m.Dim))

	fctx := ctx.In("fusion")
	if m.CompatBatchAttention {
		return m.fuseAcrossBatch(fctx, radTok, radMask, histoTok, histoMask, pe, in.Valid)
	}
	attend, block2 := m.fusionBlocks(fctx)
	enriched := Add(histoTok, InsertAxes(Sigmoid(pe), 1))
	f1 := attend(fctx.In("block1"), radTok, histoTok, enriched, histoMask)
	f2 := attend(block2, radTok, histoTok, histoTok, histoMask)
	f3 := attend(fctx.In("block3"), histoTok, radTok, radTok, radMask)
	f4 := attend(fctx.In("block4"), f3, f2, f1, radMask)
	pooled := maskedMean(f4, histoMask)
	fused := Add(m.layerNorm(fctx.In("norm_pooled"), pooled), m.layerNorm(fctx.In("norm_context"), pe))
	m.trace(fctx, f4, fused)
	return fused
}

// fuseAcrossBatch is the compat wiring: each patient's tokens are pooled to
// one vector and the four blocks attend across the valid patients of the
// batch, as the authors' code does.
func (m *Model) fuseAcrossBatch(fctx *context.Context, radTok, radMask, histoTok, histoMask, pe, valid *Node) *Node {
	rad := InsertAxes(maskedMean(radTok, radMask), 0)       // [1, B, d]
	histo := InsertAxes(maskedMean(histoTok, histoMask), 0) // [1, B, d]
	keys := InsertAxes(valid, 0)                            // [1, B]
	attend, block2 := m.fusionBlocks(fctx)
	enriched := Add(histo, InsertAxes(Sigmoid(pe), 0))
	f1 := attend(fctx.In("block1"), rad, histo, enriched, keys)
	f2 := attend(block2, rad, histo, histo, keys)
	f3 := attend(fctx.In("block3"), histo, rad, rad, keys)
	f4 := attend(fctx.In("block4"), f3, f2, f1, keys)
	pooled := Squeeze(f4, 0)
	return Add(m.layerNorm(fctx.In("norm_pooled"), pooled), m.layerNorm(fctx.In("norm_context"), pe))
}

// fusionBlocks returns the block function of the fusion and the scope of
// block 2: full cross-attention blocks with their own weights, or with
// CompatPlainFusion the authors' bare attention, block 2 reusing block 1's
// weights.
func (m *Model) fusionBlocks(fctx *context.Context) (func(ctx *context.Context, q, k, v, keyMask *Node) *Node, *context.Context) {
	if m.CompatPlainFusion {
		return m.plainAttention, fctx.In("block1")
	}
	return m.crossAttention, fctx.In("block2")
}

// orToken returns x [B, w] where present [B] is true and the token [w]
// elsewhere.
func (m *Model) orToken(present, x, token *Node) *Node {
	b, w := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	return Where(BroadcastToDims(InsertAxes(present, -1), b, w), x, m.broadcast(token, b, w))
}

// tokensOrMissing replaces the tokens [B, K, d] of patients without the
// modality by the missing token at position 0, and returns the new key mask.
func (m *Model) tokensOrMissing(present, tokens, mask, token *Node) (*Node, *Node) {
	dims := tokens.Shape().Dimensions
	b, k, d := dims[0], dims[1], dims[2]
	g := tokens.Graph()
	first := Equal(Iota(g, shapes.Make(dtypes.Int32, k), 0), ScalarZero(g, dtypes.Int32))
	p3 := BroadcastToDims(Reshape(present, b, 1, 1), b, k, d)
	out := Where(p3, tokens, m.broadcast(token, b, k, d))
	newMask := Where(BroadcastToDims(InsertAxes(present, -1), b, k), mask, BroadcastToDims(InsertAxes(first, 0), b, k))
	return out, newMask
}

// radiologyAdapter reduces each CT series [B, K, S, w] to one vector: two
// 1-D convolutions over the slices (kernel 3, padding 1, each followed by
// ReLU, dropout and LayerNorm over channels), then the mean over slices. For
// the fusion tokens (toTokens) it then applies Linear(d_int→d_int), GELU,
// dropout, Linear(d_int→d) and LayerNorm. real [B, K] marks the series of
// real patients.
//
// The authors normalise with BatchNorm1d (CompatBatchNorm); LayerNorm keeps
// every patient independent of its batch, in training too, with the same
// parameter count.
func (m *Model) radiologyAdapter(ctx *context.Context, series, real *Node, toTokens bool) *Node {
	dims := series.Shape().Dimensions
	b, k := dims[0], dims[1]
	rows := Reshape(real, b*k)
	// The first convolution takes the series as they are (a reshape of the
	// graph's input would copy it, once per adapter).
	x := m.conv1d(ctx.In("conv1"), series, m.Inter)
	x = m.channelNorm(ctx.In("norm1"), m.dropout(ctx, relu(x)), rows)
	x = m.conv1d(ctx.In("conv2"), x, m.Inter)
	x = m.channelNorm(ctx.In("norm2"), m.dropout(ctx, relu(x)), rows)
	x = ReduceMean(x, 1)
	if toTokens {
		x = m.dense(ctx.In("linear1"), x, m.Inter)
		x = m.dense(ctx.In("linear2"), m.dropout(ctx, gelu(x)), m.Dim)
		x = m.layerNorm(ctx.In("norm_out"), x)
	}
	out := Reshape(x, b, k, x.Shape().Dimensions[1])
	m.trace(ctx, series, out)
	return out
}

// conv1d is a 1-D convolution over axis 1 of x [N, S, in] with kernel 3 and
// padding 1 (x may also be [B, K, S, in], taken as N = B·K rows of [S, in],
// the result [N, S, out]): one matrix product to the three taps [N, S, 3, out], then a
// shift-and-sum with a constant [S, S, 3] tensor (y[s] = Σ_k Z[s+k−1, k]),
// which needs neither Pad nor Slice (GoMLX's pure-Go backend lacks Pad, and
// its Convolve is about 6× slower). Initialised as PyTorch's nn.Conv1d,
// U(±1/√(3·in)).
func (m *Model) conv1d(ctx *context.Context, x *Node, out int) *Node {
	dims := x.Shape().Dimensions
	s, in := dims[len(dims)-2], dims[len(dims)-1]
	n := x.Shape().Size() / (s * in)
	bound := 1 / math.Sqrt(float64(3*in))
	w := m.param(ctx, WeightsName, initUniform, bound, in, 3, out)
	bias := m.param(ctx, BiasesName, initUniform, bound, out)
	taps := Reshape(m.builder().product(x, w), n, s, 3, out) // [N, S, 3, out]
	shift := make([]float64, s*s*3)
	for t := range s {
		for tap := range 3 {
			if src := t + tap - 1; src >= 0 && src < s {
				shift[(t*s+src)*3+tap] = 1
			}
		}
	}
	sh := ConvertDType(Const(m.g, shift), m.DType)
	sh = Reshape(sh, s, s, 3)
	y := Einsum("stk,ntko->nso", sh, taps)
	return m.builder().lastAxis(Add, y, bias)
}

// pathologyAdapter maps slide embeddings [B, K, w] to [B, K, out]:
// Linear(w→d_int), two pre-LN residual blocks x + Linear(dropout(GELU(LN x))),
// a block Linear(dropout(GELU(LN x))) to out without residual, one residual
// block at out, and a final LayerNorm (the authors' HistoAdapter).
func (m *Model) pathologyAdapter(ctx *context.Context, slides *Node, out int) *Node {
	x := m.dense(ctx.In("input"), slides, m.Inter)
	for i := range 2 {
		c := ctx.Inf("res%d", i+1)
		x = Add(x, m.dense(c, m.dropout(c, gelu(m.layerNorm(c.In("norm"), x))), m.Inter))
	}
	c := ctx.In("out")
	x = m.dense(c, m.dropout(c, gelu(m.layerNorm(c.In("norm"), x))), out)
	c = ctx.In("res3")
	x = Add(x, m.dense(c, m.dropout(c, gelu(m.layerNorm(c.In("norm"), x))), out))
	x = m.layerNorm(ctx.In("norm_out"), x)
	m.trace(ctx, slides, x)
	return x
}

// projection maps a pooled adapter output [B, d_int] into the contextual
// space [B, d]: Linear, GELU, dropout, Linear, LayerNorm.
func (m *Model) projection(ctx *context.Context, x *Node) *Node {
	y := m.dense(ctx.In("linear1"), x, m.Dim)
	y = m.dense(ctx.In("linear2"), m.dropout(ctx, gelu(y)), m.Dim)
	y = m.layerNorm(ctx.In("norm"), y)
	m.trace(ctx, x, y)
	return y
}

// HazardNet maps fused features [B, d] to the log-risk [B]: Linear(d→h),
// ReLU, dropout, Linear(h→d), ReLU, dropout, Linear(d→1).
func (m *Model) HazardNet(ctx *context.Context, fused *Node) *Node {
	m.g = fused.Graph()
	x := m.dropout(ctx, relu(m.dense(ctx.In("linear1"), fused, m.Hazard)))
	x = m.dropout(ctx, relu(m.dense(ctx.In("linear2"), x, m.Dim)))
	risk := Squeeze(m.dense(ctx.In("linear3"), x, 1), -1)
	m.trace(ctx, fused, risk)
	return risk
}
