// SPDX-License-Identifier: Apache-2.0

package optim

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// GradVac is Gradient Vaccine (Wang, Tsvetkov, Firat, Cao, ICLR 2021)
// applied to two objectives: the Cox loss of the batch's full-modality
// samples and the Cox loss of its missing-modality samples, each with the
// risk sets of its own subset. With their gradients g1, g2 over all
// parameters (flattened), cosine φ = cos(g_i, g_j) and an EMA target φ̂ (0 at
// the start), when φ < φ̂ the gradient g_i is moved toward g_j:
//
//	g_i' = g_i + g_j ‖g_i‖ (φ̂ √(1 − φ²) − φ √(1 − φ̂²)) / (‖g_j‖ √(1 − φ̂²)),
//
// and the target follows φ̂ ← (1 − β) φ̂ + β φ at every step (the paper's rule;
// LibMTL updates it only when adjusting). The step's gradient is g1' + g2'.
// With two objectives the order of the adjustments does not matter: each is
// adjusted against the other's original gradient. A batch without one of the
// two groups has a zero gradient for it and nothing is adjusted. Default
// β = 0.01 (the paper).
type GradVac struct {
	Beta float64
}

// Name implements Step.
func (GradVac) Name() string { return "gradvac" }

// Build implements Step.
func (gv GradVac) Build(ctx *context.Context, p *Problem) Result {
	p.refuseRunAxis("GradVac")
	fused := p.Encoder(ctx)
	risk := p.Head(ctx, fused)
	loss := p.Loss(risk, nil)
	g := loss.Graph()
	vars := p.params(ctx, g)
	theta := values(vars, g)
	full := p.Loss(risk, LogicalNot(p.Missing))
	miss := p.Loss(risk, p.Missing)
	g1 := Gradient(full, theta...)
	g2 := Gradient(miss, theta...)
	dtype := loss.DType()
	state := runscope.Abs(ctx, "/"+StateScope+"/gradvac")
	targetVar := getOrCreate(state, "target", tensors.FromShape(shapes.Make(dtype, 2)))
	target := targetVar.ValueGraph(g)
	dotAll := func(a, b []*Node) *Node {
		s := ReduceAllSum(Mul(a[0], b[0]))
		for i := 1; i < len(a); i++ {
			s = Add(s, ReduceAllSum(Mul(a[i], b[i])))
		}
		return s
	}
	n1, n2 := Sqrt(dotAll(g1, g1)), Sqrt(dotAll(g2, g2))
	tiny := Scalar(g, dtype, 1e-20)
	nonzero := LogicalAnd(GreaterThan(n1, tiny), GreaterThan(n2, tiny))
	phi := Div(dotAll(g1, g2), Max(Mul(n1, n2), tiny))
	one := ScalarOne(g, dtype)
	sqrt1m := func(x *Node) *Node { return Sqrt(Max(Sub(one, Square(x)), ZerosLike(x))) }
	// coef(i) multiplies g_j in g_i' = g_i + coef·g_j.
	coef := func(k int, ni, nj *Node) *Node {
		tk := Reshape(Slice(target, AxisRange(k, k+1)))
		c := Div(Mul(ni, Sub(Mul(tk, sqrt1m(phi)), Mul(phi, sqrt1m(tk)))), Max(Mul(nj, sqrt1m(tk)), tiny))
		adjust := LogicalAnd(nonzero, LessThan(phi, tk))
		return StopGradient(Where(adjust, c, ZerosLike(c)))
	}
	c1, c2 := coef(0, n1, n2), coef(1, n2, n1)
	grads := make([]*Node, len(vars))
	for i := range vars {
		grads[i] = Add(Add(g1[i], Mul(c1, g2[i])), Add(g2[i], Mul(c2, g1[i])))
	}
	// Both directions share φ; the EMA moves only when both groups exist.
	newPhi := BroadcastToDims(StopGradient(phi), 2)
	updated := Add(MulScalar(target, 1-gv.Beta), MulScalar(newPhi, gv.Beta))
	targetVar.SetValueGraph(Where(BroadcastToDims(nonzero, 2), updated, target))
	return Result{Loss: loss, Risk: risk, Params: vars, Grads: grads}
}
