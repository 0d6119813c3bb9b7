// SPDX-License-Identifier: Apache-2.0

package runscope_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/runscope"
)

func TestRelative(t *testing.T) {
	for _, c := range []struct{ scope, root, want string }{
		{"/run3/parachute/hazard", "/run3", "/parachute/hazard"},
		{"/run3", "/run3", "/"},
		{"/run30/parachute", "/run3", "/run30/parachute"}, // another run's root, not below this one
		{"/parachute", "", "/parachute"},
		{"/optimizer_state/adamw", "/run1", "/optimizer_state/adamw"},
	} {
		if got := runscope.Relative(c.scope, c.root); got != c.want {
			t.Errorf("Relative(%q, %q) = %q, want %q", c.scope, c.root, got, c.want)
		}
	}
}

// TestRunsDrawTheirOwnNumbers: two runs sharing a context under roots draw
// the numbers each draws alone in a context of its own seeded alike, and
// Root and Abs see the root.
func TestRunsDrawTheirOwnNumbers(t *testing.T) {
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	shape := shapes.Make(dtypes.Float32, 5)
	draw := func(ctx *context.Context, roots []string) [][]float32 {
		t.Helper()
		exec, err := context.NewExec(b, ctx, func(ctx *context.Context, g *Graph) []*Node {
			var out []*Node
			for _, root := range roots {
				c := ctx
				if root != "" {
					c = runscope.In(ctx, root)
					if got := runscope.Root(c.In("model")); got != root {
						t.Errorf("Root = %q, want %q", got, root)
					}
					if got := runscope.Abs(c.In("model"), "/state").Scope(); got != root+"/state" {
						t.Errorf("Abs = %q", got)
					}
				}
				ctx.SetTraining(g, true)
				out = append(out, runscope.RandomUniform(c.In("model"), g, shape), runscope.Dropout(c.In("model"), OnesLike(Iota(g, shape, 0)), 0.5))
			}
			return out
		})
		if err != nil {
			t.Fatal(err)
		}
		var got [][]float32
		for range 2 { // the state advances between calls
			res, err := exec.Exec()
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				got = append(got, r.Value().([]float32))
			}
		}
		return got
	}
	shared := context.New()
	for i, root := range []string{"/run0", "/run1"} {
		state, err := RNGStateFromSeed(int64(10 + i))
		if err != nil {
			t.Fatal(err)
		}
		shared.InAbsPath(root).VariableWithValue(context.RNGStateVariableName, state).SetTrainable(false)
	}
	stacked := draw(shared, []string{"/run0", "/run1"})
	for i := range 2 {
		alone := context.New()
		if err := alone.SetRNGStateFromSeed(int64(10 + i)); err != nil {
			t.Fatal(err)
		}
		want := draw(alone, []string{""})
		// stacked holds, per call, run0's two outputs then run1's.
		for call := range 2 {
			for o := range 2 {
				if !slices.Equal(stacked[call*4+i*2+o], want[call*2+o]) {
					t.Fatalf("run %d call %d output %d: stacked %v, alone %v", i, call, o, stacked[call*4+i*2+o], want[call*2+o])
				}
			}
		}
	}
}

// TestEachRun: three runs' rows of a [6, 2] batch and its [6] companion are
// rows 0–1, 2–3 and 4–5 of each, in run order; one run gets them whole.
func TestEachRun(t *testing.T) {
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	sums := func(k int) []float32 {
		exec, err := NewExec(b, func(x, y *Node) *Node {
			// Per run: Σ x + 100 · Σ y over its rows.
			return Concatenate(runscope.EachRun(k, func(xs ...*Node) *Node {
				return InsertAxes(Add(ReduceAllSum(xs[0]), MulScalar(ReduceAllSum(xs[1]), 100)), 0)
			}, x, y), 0)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		x := [][]float32{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}}
		y := []float32{1, 0, 0, 2, 0, 3}
		out, err := exec.Exec(x, y)
		if err != nil {
			t.Fatal(err)
		}
		return out[0].Value().([]float32)
	}
	if got, want := sums(3), []float32{110, 226, 342}; !slices.Equal(got, want) {
		t.Errorf("three runs: %v, want %v", got, want)
	}
	if got, want := sums(1), []float32{678}; !slices.Equal(got, want) {
		t.Errorf("one run: %v, want %v", got, want)
	}
}

// TestSplitRefusesUnevenRows: 6 rows do not make 4 runs' rows (the integer
// division would drop two rows silently), nor does a scalar.
func TestSplitRefusesUnevenRows(t *testing.T) {
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		k     int
		input any
	}{{4, make([]float32, 6)}, {2, float32(1)}} {
		exec, err := NewExec(b, func(x *Node) *Node { return Concatenate(runscope.Split(c.k, x), 0) })
		if err != nil {
			t.Fatal(err)
		}
		_, err = exec.Exec(c.input)
		exec.Finalize()
		if err == nil || !strings.Contains(err.Error(), "axis 0 must divide by") {
			t.Errorf("k = %d, input %T: error %v, want one saying axis 0 must divide", c.k, c.input, err)
		}
	}
	exec, err := NewExec(b, func(x *Node) *Node { return Concatenate(runscope.Split(3, x), 0) })
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	if _, err := exec.Exec(make([]float32, 6)); err != nil {
		t.Errorf("6 rows for 3 runs: %v", err)
	}
}
