// SPDX-License-Identifier: Apache-2.0

// Package runscope lets several training runs share one GoMLX context, and
// so one graph (a stack, see package experiment): every variable of a run,
// its parameters, its optimizer state and its random generator state, lives
// under the run's root scope ("/run3"), at the path it would have in a
// context of its own with the root put in front. A run alone has the root ""
// and uses the context as before.
//
// Code that builds a run's graph asks for paths through this package rather
// than writing absolute ones: [Abs] for state kept at a fixed place (the
// optimizers'), [Relative] for names that must not depend on the root
// (initial values are drawn from a hash of the variable's path), and
// [RandomUniform] and [Dropout] for randomness, which comes from the run's own
// generator state so that a run draws the same numbers stacked and alone.
package runscope

import (
	"strings"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
)

// param is the context parameter holding the run's root scope.
const param = "goparachute_run_root"

// In returns ctx at the root scope of a run (root: "/name"), marked so that
// everything built under it finds its run's root with [Root].
func In(ctx *context.Context, root string) *context.Context {
	c := ctx.InAbsPath(root)
	c.SetParam(param, root)
	return c
}

// Root returns the root scope of the run ctx builds ("" for a run alone).
func Root(ctx *context.Context) string {
	return context.GetParamOr(ctx, param, "")
}

// Abs returns ctx at the absolute path a run alone would use ("/a/b"), under
// the run's root.
func Abs(ctx *context.Context, path string) *context.Context {
	return ctx.InAbsPath(Root(ctx) + path)
}

// Relative returns a scope of a run's variable as it would be in a context of
// the run's own: scope without the leading root ("/" when nothing is left).
func Relative(scope, root string) string {
	if root == "" {
		return scope
	}
	rest, ok := strings.CutPrefix(scope, root)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return scope
	}
	if rest == "" {
		return context.RootScope
	}
	return rest
}

// RandomUniform draws values uniform in [0, 1) of the given shape from the
// run's generator state, advancing it: GoMLX's Context.RandomUniform for a
// run alone, and the same draw from the variable root/#rngState for a
// stacked run (created, like GoMLX's, on first use; a stack sets it from the
// run's seed before the first step).
func RandomUniform(ctx *context.Context, g *graph.Graph, shape shapes.Shape) *graph.Node {
	root := Root(ctx)
	if root == "" {
		return ctx.RandomUniform(g, shape)
	}
	v := ctx.GetVariableByScopeAndName(root, context.RNGStateVariableName)
	if v == nil {
		v = ctx.InAbsPath(root).Checked(false).VariableWithValue(context.RNGStateVariableName, must(graph.RNGStateFromSeed(0)))
		v.SetTrainable(false)
	}
	state, values := graph.RandomUniform(v.ValueGraph(g), shape)
	v.SetValueGraph(state)
	return values
}

// Dropout zeroes each element of x with probability rate and scales the rest
// by 1/(1 − rate) when ctx is training (GoMLX's layers.DropoutStatic, drawing
// from the run's generator: the same numbers, stacked or alone).
func Dropout(ctx *context.Context, x *graph.Node, rate float64) *graph.Node {
	if Root(ctx) == "" {
		return layers.DropoutStatic(ctx, x, rate)
	}
	g := x.Graph()
	if rate <= 0 || !ctx.IsTraining(g) {
		return x
	}
	return DropoutWith(x, RandomUniform(ctx, g, shapes.Make(dtypes.Float32, x.Shape().Dimensions...)), rate)
}

// DropoutWith is Dropout with its uniform draws given: rnd (float32, x's
// shape) zeroes x where rnd ≤ rate, and the rest is scaled by 1/(1 − rate).
// A stack's run axis gives each run's rows its own run's draws.
func DropoutWith(x, rnd *graph.Node, rate float64) *graph.Node {
	r := graph.Scalar(x.Graph(), dtypes.Float32, rate)
	y := graph.Where(graph.LessOrEqual(rnd, graph.BroadcastToDims(r, x.Shape().Dimensions...)), graph.ZerosLike(x), x)
	return graph.Div(y, graph.ConvertDType(graph.OneMinus(r), x.DType()))
}

// EachRun applies f to each of k runs' rows of xs and returns the k
// results. On a stack's run axis every batch holds its runs' rows one run
// after another along axis 0 (run r's are the r-th of k equal parts); for
// k ≤ 1 f gets xs whole.
func EachRun(k int, f func(xs ...*graph.Node) *graph.Node, xs ...*graph.Node) []*graph.Node {
	if k <= 1 {
		return []*graph.Node{f(xs...)}
	}
	out := make([]*graph.Node, k)
	for run := range out {
		rows := make([]*graph.Node, len(xs))
		for i, x := range xs {
			n := x.Shape().Dimensions[0] / k
			rows[i] = graph.Slice(x, graph.AxisRange(run*n, (run+1)*n))
		}
		out[run] = f(rows...)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
