// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2019), as
// PyTorch's torch.optim.AdamW computes it: for a parameter p with gradient
// g at step t,
//
//	p ← p − lr·λ·p                         (only for decayed parameters)
//	m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
//	p ← p − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
//
// Weight decay applies to the weight matrices and convolution kernels
// (variables named "weights") and not to biases, LayerNorm gains and offsets
// or the missing-modality tokens, the usual practice for transformers; the
// authors' code decays every parameter (PyTorch's default parameter group),
// which DecayAll reproduces. The learning rate is a graph input, so the
// schedule is applied on the host. [AdamW.ApplyOnHost] computes the same
// update bitwise on the host, in one pass per parameter, for the pure-Go
// backend.
type AdamW struct {
	Beta1, Beta2 float64
	Epsilon      float64
	WeightDecay  float64 // λ
	// DecayAll decays every parameter (the authors' code); off by default.
	DecayAll bool
}

// NewAdamW returns AdamW with PyTorch's defaults (β = (0.9, 0.999),
// ε = 1e-8) and the supplement's weight decay 0.01.
func NewAdamW() *AdamW { return &AdamW{Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0.01} }

// StateScope is the context scope of optimizer state.
const StateScope = "optim"

// Decays reports whether weight decay applies to a variable.
func (o *AdamW) Decays(v *context.Variable) bool { return o.DecayAll || v.Name() == "weights" }

// Apply builds one AdamW update of vars with gradients grads (same order)
// and learning rate lr (a scalar node), writing the new values with
// SetValueGraph. The first and second moments are variables under
// optim/adamw/<variable path>, the step count under optim/adamw/step.
func (o *AdamW) Apply(ctx *context.Context, vars []*context.Variable, grads []*Node, lr *Node) {
	if len(vars) != len(grads) {
		panicf("optim.AdamW: %d variables, %d gradients", len(vars), len(grads))
	}
	if len(vars) == 0 {
		return
	}
	g := grads[0].Graph()
	state := runscope.Abs(ctx, "/"+StateScope+"/adamw")
	stepVar := getOrCreate(state, "step", tensors.FromScalar(float64(0)))
	step := AddScalar(stepVar.ValueGraph(g), 1)
	stepVar.SetValueGraph(step)
	for i, v := range vars {
		p := v.ValueGraph(g)
		dtype := p.DType()
		t := ConvertDType(step, dtype)
		lrT := ConvertDType(lr, dtype)
		grad := grads[i]
		mVar, vVar := moments(state, v)
		m := Add(MulScalar(mVar.ValueGraph(g), o.Beta1), MulScalar(grad, 1-o.Beta1))
		sq := Add(MulScalar(vVar.ValueGraph(g), o.Beta2), MulScalar(Square(grad), 1-o.Beta2))
		mVar.SetValueGraph(m)
		vVar.SetValueGraph(sq)
		if o.WeightDecay > 0 && o.Decays(v) {
			p = Sub(p, Mul(MulScalar(lrT, o.WeightDecay), p))
		}
		bc1 := OneMinus(Pow(Scalar(g, dtype, o.Beta1), t))
		bc2 := OneMinus(Pow(Scalar(g, dtype, o.Beta2), t))
		denom := AddScalar(Sqrt(Div(sq, bc2)), o.Epsilon)
		p = Sub(p, Mul(lrT, Div(Div(m, bc1), denom)))
		v.SetValueGraph(p)
	}
}

// moments returns the first- and second-moment variables of parameter v,
// under optim/adamw/<v's scope>/<v's name>, creating them as zeros.
func moments(state *context.Context, v *context.Variable) (m, sq *context.Variable) {
	scope := runscope.Relative(v.Scope(), runscope.Root(state))
	sc := state.InAbsPath(state.Scope() + "/" + strings.TrimPrefix(scope, "/") + "/" + v.Name())
	return getOrCreate(sc, "m", tensors.FromShape(v.Shape())), getOrCreate(sc, "v", tensors.FromShape(v.Shape()))
}

// getOrCreate returns the non-trainable state variable name in ctx's scope,
// creating it with the initial value.
func getOrCreate(ctx *context.Context, name string, initial *tensors.Tensor) *context.Variable {
	if v := ctx.InspectVariableInScope(name); v != nil {
		return v
	}
	v := ctx.VariableWithValue(name, initial)
	v.Trainable = false
	return v
}
