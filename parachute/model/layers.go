// SPDX-License-Identifier: Apache-2.0

package model

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// Variable names. Weight decay applies to WeightsName variables only.
const (
	WeightsName = "weights"
	BiasesName  = "biases"
	GainName    = "gain"
	OffsetName  = "offset"
	TokenName   = "token"
)

// Init is how a parameter is initialised, following PyTorch's defaults for
// the corresponding module of the authors' code.
type Init int

const (
	InitUniform Init = iota // U(−bound, bound)
	InitNormal              // N(0, 1) (missing-modality tokens: torch.randn)
	InitConst               // a constant
)

// The network's own short names for the kinds.
const (
	initUniform = InitUniform
	initNormal  = InitNormal
	initConst   = InitConst
)

// Builder creates parameters and PyTorch-style layers in a graph, for the
// PARACHUTE network and the deep baselines alike. Initial values are drawn
// on the host from a PCG seeded by Seed and the variable's full name, so
// they do not depend on the order of creation or on GoMLX's random
// generator; they are stored in DType. G is the graph being built. With
// Axis, the Builder builds K runs' layers at once (see RunAxis; Seed is then
// unused).
type Builder struct {
	Seed  uint64
	DType dtypes.DType
	G     *Graph
	Axis  *RunAxis
}

// Param returns the variable ctx.Scope()/name of shape dims, creating it on
// first use (see Builder). On a run axis it returns the K runs' variables
// stacked, [K, dims…].
func (b *Builder) Param(ctx *context.Context, name string, kind Init, value float64, dims ...int) *Node {
	if b.Axis == nil {
		return b.variable(ctx, b.Seed, name, kind, value, dims)
	}
	per := make([]*Node, b.Axis.Runs())
	for k := range per {
		per[k] = b.variable(b.Axis.runContext(ctx, k), b.Axis.Seeds[k], name, kind, value, dims)
	}
	return Stack(per, 0)
}

// variable is Param of one run: its variable ctx.Scope()/name, initialised
// from seed.
func (b *Builder) variable(ctx *context.Context, seed uint64, name string, kind Init, value float64, dims []int) *Node {
	if v := ctx.InspectVariableInScope(name); v != nil {
		return v.ValueGraph(b.G)
	}
	n := 1
	for _, d := range dims {
		n *= d
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", runscope.Relative(ctx.Scope(), runscope.Root(ctx)), name)
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	vals := make([]float64, n)
	for i := range vals {
		switch kind {
		case InitUniform:
			vals[i] = (2*rng.Float64() - 1) * value
		case InitNormal:
			vals[i] = rng.NormFloat64()
		case InitConst:
			vals[i] = value
		}
	}
	var t *tensors.Tensor
	if b.DType == dtypes.Float64 {
		t = tensors.FromFlatDataAndDimensions(vals, dims...)
	} else {
		f := make([]float32, n)
		for i, v := range vals {
			f[i] = float32(v)
		}
		t = tensors.FromFlatDataAndDimensions(f, dims...)
	}
	return ctx.VariableWithValue(name, t).ValueGraph(b.G)
}

// Dense applies y = x W + b over the last axis of x, W [in, out], with
// PyTorch's nn.Linear initialisation U(±1/√in) for W and b.
func (b *Builder) Dense(ctx *context.Context, x *Node, out int) *Node {
	in := x.Shape().Dimensions[x.Rank()-1]
	bound := 1 / math.Sqrt(float64(in))
	w := b.Param(ctx, WeightsName, InitUniform, bound, in, out)
	bias := b.Param(ctx, BiasesName, InitUniform, bound, out)
	return b.lastAxis(Add, b.product(x, w), bias)
}

// LayerNorm normalises the last axis: (x − mean)/√(var + 1e-5)·gain + offset
// (PyTorch's nn.LayerNorm defaults).
func (b *Builder) LayerNorm(ctx *context.Context, x *Node) *Node {
	d := x.Shape().Dimensions[x.Rank()-1]
	mean := ReduceAndKeep(x, ReduceMean, -1)
	centred := Sub(x, mean)
	variance := ReduceAndKeep(Square(centred), ReduceMean, -1)
	y := Div(centred, Sqrt(AddScalar(variance, 1e-5)))
	gain := b.Param(ctx, GainName, InitConst, 1, d)
	offset := b.Param(ctx, OffsetName, InitConst, 0, d)
	return b.lastAxis(Add, b.lastAxis(Mul, y, gain), offset)
}

// Token returns a learned [d] vector (a missing-modality or class token;
// [K, d] on a run axis: spread it over rows with Broadcast).
func (b *Builder) Token(ctx *context.Context, kind Init, d int) *Node {
	return b.Param(ctx, TokenName, kind, 0, d)
}

// Dropout applies dropout at rate when ctx is training, drawing from the
// run's random generator (runscope.Dropout).
func Dropout(ctx *context.Context, x *Node, rate float64) *Node {
	return runscope.Dropout(ctx, x, rate)
}

// builder returns the Builder of the network's settings.
func (m *Model) builder() *Builder {
	return &Builder{Seed: m.Seed, DType: m.DType, G: m.g, Axis: m.Axis}
}

func (m *Model) param(ctx *context.Context, name string, kind Init, value float64, dims ...int) *Node {
	return m.builder().Param(ctx, name, kind, value, dims...)
}

func (m *Model) dense(ctx *context.Context, x *Node, out int) *Node {
	return m.builder().Dense(ctx, x, out)
}

func (m *Model) layerNorm(ctx *context.Context, x *Node) *Node { return m.builder().LayerNorm(ctx, x) }

// Names of BatchNorm's running statistics (not trainable).
const (
	RunningMeanName = "running_mean"
	RunningVarName  = "running_var"
)

// batchNormMomentum and batchNormEpsilon are nn.BatchNorm1d's defaults.
const (
	batchNormMomentum = 0.1
	batchNormEpsilon  = 1e-5
)

// channelNorm normalises the channels (last axis) of x [N, S, C]: LayerNorm,
// or with CompatBatchNorm BatchNorm1d over the rows where rows [N] is true.
func (m *Model) channelNorm(ctx *context.Context, x, rows *Node) *Node {
	if !m.CompatBatchNorm {
		return m.layerNorm(ctx, x)
	}
	return m.batchNorm(ctx, x, rows)
}

// batchNorm is nn.BatchNorm1d over the channels (last axis) of x [N, S, C]:
// y = (x − μ)/√(σ² + 1e-5)·gain + offset. In training μ and σ² are the mean
// and biased variance over the S positions of the rows where rows [N] is
// true (the real series of the batch), and the running statistics move
// towards them with momentum 0.1, the variance unbiased (n/(n−1)), as
// PyTorch updates them; with fewer than two values they stay. In evaluation
// μ and σ² are the running statistics (initially 0 and 1).
func (m *Model) batchNorm(ctx *context.Context, x, rows *Node) *Node {
	dims := x.Shape().Dimensions
	s, c := dims[1], dims[2]
	gain := m.param(ctx, GainName, initConst, 1, c)
	offset := m.param(ctx, OffsetName, initConst, 0, c)
	runMean := m.statistic(ctx, RunningMeanName, 0, c)
	runVar := m.statistic(ctx, RunningVarName, 1, c)
	var mean, variance *Node
	if ctx.IsTraining(m.g) {
		w := Reshape(ConvertDType(rows, m.DType), dims[0], 1, 1)
		n := MulScalar(ReduceAllSum(w), float64(s))
		denom := Max(n, ScalarOne(m.g, m.DType))
		mean = Div(ReduceSum(Mul(x, w), 0, 1), denom)
		variance = Div(ReduceSum(Mul(Square(Sub(x, ExpandLeftToRank(mean, 3))), w), 0, 1), denom)
		enough := GreaterThan(n, ScalarOne(m.g, m.DType))
		unbiased := Div(Mul(variance, n), Max(SubScalar(n, 1), ScalarOne(m.g, m.DType)))
		update := func(name string, old, batch *Node) {
			next := Add(MulScalar(old, 1-batchNormMomentum), MulScalar(StopGradient(batch), batchNormMomentum))
			ctx.InspectVariableInScope(name).SetValueGraph(Where(BroadcastToDims(enough, c), next, old))
		}
		update(RunningMeanName, runMean, mean)
		update(RunningVarName, runVar, unbiased)
	} else {
		mean, variance = runMean, runVar
	}
	y := Div(Sub(x, ExpandLeftToRank(mean, 3)), ExpandLeftToRank(Sqrt(AddScalar(variance, batchNormEpsilon)), 3))
	return Add(Mul(y, ExpandLeftToRank(gain, 3)), ExpandLeftToRank(offset, 3))
}

// statistic returns the non-trainable variable ctx.Scope()/name of width c,
// created with the constant value on first use.
func (m *Model) statistic(ctx *context.Context, name string, value float64, c int) *Node {
	node := m.param(ctx, name, initConst, value, c)
	ctx.InspectVariableInScope(name).Trainable = false
	return node
}

func (m *Model) dropout(ctx *context.Context, x *Node) *Node { return m.dropoutAt(ctx, x, m.Dropout) }

func (m *Model) dropoutAt(ctx *context.Context, x *Node, rate float64) *Node {
	return m.builder().Dropout(ctx, x, rate)
}

// broadcast is Builder.Broadcast.
func (m *Model) broadcast(p *Node, dims ...int) *Node { return m.builder().Broadcast(p, dims...) }

// Gelu is PyTorch's exact GELU, x·Φ(x).
func Gelu(x *Node) *Node { return activations.Gelu(x) }

func gelu(x *Node) *Node { return Gelu(x) }

// relu is max(x, 0) with PyTorch's gradient: 1 where x > 0, else 0 (also at
// x = 0). It is written as Where(x > 0, x, 0): GoMLX's activations.Relu is
// Max(x, 0), whose gradient is 1 at x = 0 and costs seven element-wise ops
// (two of them Sign) per ReLU in the backward pass instead of one.
func relu(x *Node) *Node { return Where(GreaterThan(x, ZerosLike(x)), x, ZerosLike(x)) }

// Relu is max(x, 0) with PyTorch's gradient (see relu).
func Relu(x *Node) *Node { return relu(x) }

// token returns a learned [d] vector (a missing-modality token).
func (m *Model) token(ctx *context.Context, kind Init, d int) *Node {
	return m.builder().Token(ctx, kind, d)
}

// MaskedMean averages x [B, K, d] over K where mask [B, K] is true; rows
// with no true entry give 0.
func MaskedMean(x, mask *Node) *Node { return maskedMean(x, mask) }

func maskedMean(x, mask *Node) *Node {
	dtype := x.DType()
	w := ConvertDType(mask, dtype)
	sum := ReduceSum(Mul(x, InsertAxes(w, -1)), 1)
	count := Max(ReduceSum(w, 1), ScalarOne(x.Graph(), dtype))
	return Div(sum, InsertAxes(count, -1))
}
