// SPDX-License-Identifier: Apache-2.0

package optim_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/optim"
)

// TestAdamWOnHostIsBitwiseApply runs four AdamW steps with random gradients
// and learning rates, once in the graph (Apply, on the pure-Go backend) and
// once on the host (ApplyOnHost), in float32 and float64, with decayed and
// undecayed parameters, and requires bitwise equal parameters, moments and
// step counts.
func TestAdamWOnHostIsBitwiseApply(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		rng := rand.New(rand.NewPCG(1, 2))
		values := func(n int) *tensors.Tensor {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			if dtype == dtypes.Float32 {
				f := make([]float32, n)
				for i, v := range x {
					f[i] = float32(v)
				}
				return tensors.FromFlatDataAndDimensions(f, n)
			}
			return tensors.FromFlatDataAndDimensions(x, n)
		}
		clone := func(x *tensors.Tensor) *tensors.Tensor {
			c, err := x.LocalClone()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		newContext := func(w, bias *tensors.Tensor) (*context.Context, []*context.Variable) {
			ctx := context.New().Checked(false)
			layer := ctx.In("model").In("layer")
			return ctx, []*context.Variable{
				layer.VariableWithValue("weights", clone(w)), layer.VariableWithValue("biases", clone(bias))}
		}
		w0, b0 := values(50), values(7)
		graphCtx, graphVars := newContext(w0, b0)
		hostCtx, hostVars := newContext(w0, b0)
		opt := &optim.AdamW{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0.05}
		exec, err := context.NewExec(b, graphCtx, func(ctx *context.Context, gw, gb, lr *Node) *Node {
			opt.Apply(ctx, graphVars, []*Node{gw, gb}, lr)
			return lr
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			gw, gb := values(50), values(7)
			lr := 1e-3 + 1e-2*rng.Float64()
			if _, err := exec.Exec(gw, gb, tensors.FromScalar(lr)); err != nil {
				t.Fatal(err)
			}
			if err := opt.ApplyOnHost(hostCtx, hostVars, []*tensors.Tensor{gw, gb}, lr); err != nil {
				t.Fatal(err)
			}
		}
		var graphState, hostState []any
		graphCtx.EnumerateVariables(func(v *context.Variable) { graphState = append(graphState, v.ScopeAndName(), v.MustValue().Value()) })
		hostCtx.EnumerateVariables(func(v *context.Variable) { hostState = append(hostState, v.ScopeAndName(), v.MustValue().Value()) })
		if len(hostState) != 2*7 { // 2 parameters, 2×2 moments, the step count
			t.Errorf("host state has %d variables, want 7", len(hostState)/2)
		}
		if !reflect.DeepEqual(graphState, hostState) {
			t.Errorf("%s: host AdamW differs from the graph's:\n graph %v\n host  %v", dtype, graphState, hostState)
		}
	}
}
