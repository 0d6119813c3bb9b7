// SPDX-License-Identifier: Apache-2.0

package model

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// RunAxis builds the networks of K independent runs as one network with a
// leading run axis (a stack; see package experiment).
//
// The batch axis holds the runs' batches one after another: run k's B
// patients are rows [k·B, (k+1)·B) of every input, and stay there through
// every layer (axis 0 of each intermediate keeps the run as its outer
// factor). Each parameter is run k's own variable at Roots[k] followed by
// the path it has alone, initialised from Seeds[k] as it is alone; a layer
// reads the K variables stacked into one [K, …] node, so that each matrix
// product is one batched product over the runs (K products of one run's
// size, in one operation) and each element-wise use of a parameter one
// operation. Dropout draws each run's rows from its own generator state
// (runscope), in the order the run alone draws.
//
// Every operation of the network acts on one patient's row, or on a run's
// rows with that run's parameters, so run k's rows compute what its network
// alone computes. The compat modes that couple a batch's patients
// (CompatBatchNorm, CompatBatchAttention) are the exception, and a run axis
// refuses them.
type RunAxis struct {
	Roots []string
	Seeds []uint64
}

// Runs is the number of runs K.
func (a *RunAxis) Runs() int { return len(a.Roots) }

// runContext returns ctx's scope under run k's root, marked as run k's
// (runscope.In): where run k's variable of that scope lives.
func (a *RunAxis) runContext(ctx *context.Context, k int) *context.Context {
	root := a.Roots[k]
	c := runscope.In(ctx, root)
	if scope := ctx.Scope(); scope != context.RootScope {
		c = c.InAbsPath(root + scope)
	}
	return c
}

// byRun views x [K·n, …, d] as [K, rows, d]: each run's rows, its last axis
// kept.
func (a *RunAxis) byRun(x *Node) *Node {
	d := x.Shape().Dimensions[x.Rank()-1]
	return Reshape(x, a.Runs(), x.Shape().Size()/(a.Runs()*d), d)
}

// product contracts the last axis of x with the first per-run axis of a
// parameter w ([in, o…] alone, [K, in, o…] on a run axis): x [N, …, in] →
// [N, …, o…]. On a run axis it is one DotGeneral batched over the runs,
// each run's rows against its own weights.
func (b *Builder) product(x, w *Node) *Node {
	if b.Axis == nil {
		return DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{0}, nil)
	}
	k := b.Axis.Runs()
	wDims := w.Shape().Dimensions
	in := wDims[1]
	rest := w.Shape().Size() / (k * in)
	y := DotGeneral(b.Axis.byRun(x), []int{2}, []int{0}, Reshape(w, k, in, rest), []int{1}, []int{0}) // [K, rows, rest]
	out := append(append([]int{}, x.Shape().Dimensions[:x.Rank()-1]...), wDims[2:]...)
	return Reshape(y, out...)
}

// lastAxis applies op(x, p) with a parameter p of x's last axis ([d] alone,
// [K, d] on a run axis), each run's rows with its own p.
func (b *Builder) lastAxis(op func(x, p *Node) *Node, x, p *Node) *Node {
	if b.Axis == nil {
		return op(x, ExpandLeftToRank(p, x.Rank()))
	}
	return Reshape(op(b.Axis.byRun(x), InsertAxes(p, 1)), x.Shape().Dimensions...)
}

// Broadcast returns a parameter p of one row's trailing shape ([d…] alone,
// [K, d…] on a run axis) repeated over the rows of dims ([N, …, d…]; on a
// run axis N = K·n, run k's rows getting its p).
func (b *Builder) Broadcast(p *Node, dims ...int) *Node {
	if b.Axis == nil {
		return BroadcastToDims(ExpandLeftToRank(p, len(dims)), dims...)
	}
	k := b.Axis.Runs()
	perRun := p.Shape().Dimensions[1:]
	shape := []int{k}
	for range len(dims) - len(perRun) {
		shape = append(shape, 1)
	}
	shape = append(shape, perRun...)
	full := append([]int{k, dims[0] / k}, dims[1:]...)
	return Reshape(BroadcastToDims(Reshape(p, shape...), full...), dims...)
}

// Dropout applies dropout at rate when ctx is training, each run drawing
// from its own random generator (runscope.Dropout).
func (b *Builder) Dropout(ctx *context.Context, x *Node, rate float64) *Node {
	if b.Axis == nil {
		return runscope.Dropout(ctx, x, rate)
	}
	if rate <= 0 || !ctx.IsTraining(x.Graph()) {
		return x
	}
	// Each run's draws, joined; x itself is not cut (cutting it would make
	// its gradient K zero-padded copies).
	draws := runscope.RandomUniformRuns(ctx, x.Graph(), b.Axis.Roots, shapes.Make(dtypes.Float32, x.Shape().Dimensions...))
	return runscope.DropoutWith(x, draws, rate)
}
