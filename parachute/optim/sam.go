// SPDX-License-Identifier: Apache-2.0

package optim

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// SAM is sharpness-aware minimisation (Foret et al., ICLR 2021): with
// g = ∇L(θ) and ε̂ = ρ g/(‖g‖ + 1e-12) (global norm over all parameters), the
// step's gradient is ∇L(θ + ε̂), taken in a second forward and backward pass
// at the perturbed parameters; the optimizer then updates θ itself.
// Default ρ = 0.05 (the paper's and davda54/sam's).
type SAM struct {
	Rho float64
}

// Name implements Step.
func (SAM) Name() string { return "sam" }

// Build implements Step.
func (s SAM) Build(ctx *context.Context, p *Problem) Result {
	_, risk, loss := p.forward(ctx)
	g := loss.Graph()
	vars := p.params(ctx, g)
	theta := values(vars, g)
	grad := Gradient(p.total(loss), theta...)
	pert := perturb(vars, theta, grad, p.ascentScales(s.Rho, vars, grad))
	_, _, loss2 := p.forward(ctx)
	grad2 := Gradient(p.total(loss2), pert...)
	restore(vars, theta)
	return Result{Loss: loss, Risk: risk, Params: vars, Grads: grad2}
}

// CRSAM is curvature-regularised SAM (Wu, Luo, Wunsch, AAAI 2024): with
// g0 = ∇L(θ), ε = ρ g0/‖g0‖, g+ = ∇L(θ + ε) and g− = ∇L(θ − ε) (three
// gradient evaluations), the step's gradient is
//
//	g = g+ + γ (g+ + g− − 2 g0) + β (g+ − g−),
//
// the gradients of L(θ+ε) + γ[L(θ+ε) + L(θ−ε) − 2L(θ)] + β[L(θ+ε) − L(θ−ε)]
// with ε held constant: a finite-difference curvature penalty along ε and a
// gradient-norm term. Defaults ρ = 0.1, γ = 0.1, β = 0.01 (the reference
// training script, TrustAIoT/CR-SAM).
type CRSAM struct {
	Rho, Gamma, Beta float64
}

// Name implements Step.
func (CRSAM) Name() string { return "crsam" }

// Build implements Step.
func (c CRSAM) Build(ctx *context.Context, p *Problem) Result {
	_, risk, loss := p.forward(ctx)
	g := loss.Graph()
	vars := p.params(ctx, g)
	theta := values(vars, g)
	g0 := Gradient(p.total(loss), theta...)
	scale := p.ascentScales(c.Rho, vars, g0)
	plusNodes := perturb(vars, theta, g0, scale)
	_, _, lossPlus := p.forward(ctx)
	gPlus := Gradient(p.total(lossPlus), plusNodes...)
	negScale := make([]*Node, len(scale))
	for i, s := range scale {
		negScale[i] = Neg(s)
	}
	minusNodes := perturb(vars, theta, g0, negScale)
	_, _, lossMinus := p.forward(ctx)
	gMinus := Gradient(p.total(lossMinus), minusNodes...)
	restore(vars, theta)
	grads := make([]*Node, len(vars))
	for i := range vars {
		curv := Sub(Add(gPlus[i], gMinus[i]), MulScalar(g0[i], 2))
		grads[i] = Add(Add(gPlus[i], MulScalar(curv, c.Gamma)), MulScalar(Sub(gPlus[i], gMinus[i]), c.Beta))
	}
	return Result{Loss: loss, Risk: risk, Params: vars, Grads: grads}
}

// ascentScale is ρ / (‖g‖ + 1e-12) with the global norm of the gradients g
// held constant: ε = scale·g is SAM's ascent step of length ρ (used by SAM,
// CR-SAM and GCS's SAM variant).
func ascentScale(rho float64, grad []*Node) *Node {
	norm := StopGradient(globalNorm(grad))
	return Div(Scalar(norm.Graph(), norm.DType(), rho), AddScalar(norm, 1e-12))
}
