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
	"fmt"
	"slices"
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
	if root == "" || !InRun(scope, root) {
		return scope
	}
	if rest := scope[len(root):]; rest != "" {
		return rest
	}
	return context.RootScope
}

// InRun reports whether scope lies in the run of root ("/run3"): the root
// itself or below it ("/run30" is another run's).
func InRun(scope, root string) bool {
	rest, ok := strings.CutPrefix(scope, root)
	return ok && (rest == "" || strings.HasPrefix(rest, "/"))
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

// RandomUniformRuns is RandomUniform for the runs of a stack's run axis
// (their roots): each run draws its rows of shape (the r-th of len(roots)
// equal parts of axis 0) from its own generator state, as it draws them
// alone. No roots: RandomUniform of ctx's run.
func RandomUniformRuns(ctx *context.Context, g *graph.Graph, roots []string, shape shapes.Shape) *graph.Node {
	if len(roots) == 0 {
		return RandomUniform(ctx, g, shape)
	}
	dims := slices.Clone(shape.Dimensions)
	dims[0] /= len(roots)
	parts := make([]*graph.Node, len(roots))
	for k, root := range roots {
		parts[k] = RandomUniform(In(ctx, root), g, shapes.Make(shape.DType, dims...))
	}
	return graph.Concatenate(parts, 0)
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

// Split cuts x into k runs' rows. On a stack's run axis every batch holds
// its runs' rows one run after another along axis 0: run r's are the r-th
// of k equal parts. For k ≤ 1 it is x whole. An x whose axis 0 does not
// divide into k parts (a scalar, 10 rows for 3 runs) is a fault of the
// graph's builder: Split panics naming the shape, as GoMLX's graph building
// does (context.Exec returns it as the execution's error).
func Split(k int, x *graph.Node) []*graph.Node {
	if k <= 1 {
		return []*graph.Node{x}
	}
	dims := x.Shape().Dimensions
	if len(dims) == 0 || dims[0]%k != 0 {
		panic(fmt.Errorf("runscope: cannot split %s into %d runs' rows: axis 0 must divide by %d", x.Shape(), k, k))
	}
	n := dims[0] / k
	parts := make([]*graph.Node, k)
	for r := range parts {
		parts[r] = graph.Slice(x, graph.AxisRange(r*n, (r+1)*n))
	}
	return parts
}

// EachRun applies f to each of k runs' rows of xs (Split) and returns the k
// results; for k ≤ 1 f gets xs whole.
func EachRun(k int, f func(xs ...*graph.Node) *graph.Node, xs ...*graph.Node) []*graph.Node {
	parts := make([][]*graph.Node, len(xs))
	for i, x := range xs {
		parts[i] = Split(k, x)
	}
	out := make([]*graph.Node, max(k, 1))
	for r := range out {
		rows := make([]*graph.Node, len(xs))
		for i := range xs {
			rows[i] = parts[i][r]
		}
		out[r] = f(rows...)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
