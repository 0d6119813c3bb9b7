// SPDX-License-Identifier: Apache-2.0

package optim_test

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

func TestCosineIsEq11(t *testing.T) {
	c := optim.Cosine{Max: 5e-3, Min: 9e-5, TMax: 15}
	testutil.CheckClose(t, "η_0", c.At(0), 5e-3, testutil.HandDerived)
	testutil.CheckClose(t, "η_15", c.At(15), 9e-5, testutil.HandDerived)
	testutil.CheckClose(t, "η_7.5 midpoint", (c.At(7)+c.At(8))/2, (5e-3+9e-5)/2, 1e-4)
	// PyTorch's CosineAnnealingLR keeps going: period 2·T_max.
	for _, e := range []int{3, 17, 29} {
		testutil.CheckClose(t, "periodic", c.At(e+30), c.At(e), testutil.HandDerived)
	}
	testutil.CheckClose(t, "η_30 back at max", c.At(30), 5e-3, testutil.HandDerived)
}

// TestAdamWMatchesHandComputation runs two AdamW steps on a weight matrix and
// a bias with fixed gradients and compares with the update rule computed in
// Go: decay on "weights" only.
func TestAdamWMatchesHandComputation(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.New().Checked(false)
	mctx := ctx.In("model").In("layer")
	w := mctx.VariableWithValue("weights", []float64{1, -2})
	bias := mctx.VariableWithValue("biases", []float64{0.5})
	opt := &optim.AdamW{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0.1}
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, lr *Node) *Node {
		g := lr.Graph()
		// Gradients of L = 3·w0 − w1 + 2·b: constant.
		gw := Const(g, []float64{3, -1})
		gb := Const(g, []float64{2})
		opt.Apply(ctx, []*context.Variable{w, bias}, []*Node{gw, gb}, lr)
		return lr
	})
	if err != nil {
		t.Fatal(err)
	}
	lr := 0.01
	// Hand computation.
	p := []float64{1, -2, 0.5}
	g := []float64{3, -1, 2}
	decays := []bool{true, true, false}
	m, v := make([]float64, 3), make([]float64, 3)
	for step := 1; step <= 2; step++ {
		if _, err := exec.Exec(tensors.FromScalar(lr)); err != nil {
			t.Fatal(err)
		}
		for i := range p {
			if decays[i] {
				p[i] -= lr * 0.1 * p[i]
			}
			m[i] = 0.9*m[i] + 0.1*g[i]
			v[i] = 0.999*v[i] + 0.001*g[i]*g[i]
			mh := m[i] / (1 - math.Pow(0.9, float64(step)))
			vh := v[i] / (1 - math.Pow(0.999, float64(step)))
			p[i] -= lr * mh / (math.Sqrt(vh) + 1e-8)
		}
	}
	gotW := tensors.MustCopyFlatData[float64](w.MustValue())
	gotB := tensors.MustCopyFlatData[float64](bias.MustValue())
	testutil.CheckAllClose(t, "weights", gotW, p[:2], testutil.HandDerived)
	testutil.CheckAllClose(t, "bias", gotB, p[2:], testutil.HandDerived)
}
