// SPDX-License-Identifier: Apache-2.0

package optim

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Problem is what a training step differentiates: an encoder producing the
// fused features, a head mapping them to risks, and the loss. The steps may
// build the encoder and head several times in one graph (SAM's second pass);
// each call must read the parameters through Variable.ValueGraph, so that a
// step can perturb them with SetValueGraph.
type Problem struct {
	// Encoder returns the fused features [B, d].
	Encoder func(ctx *context.Context) *Node
	// Head maps fused features [B, d] to log-risks [B]; risk b depends only
	// on row b.
	Head func(ctx *context.Context, fused *Node) *Node
	// Loss is the training loss of the risks, restricted to the samples
	// where subset [B] is true (nil: all samples), each subset with its own
	// risk sets (GradVac's objectives).
	Loss func(risk, subset *Node) *Node
	// CurvatureOfLoss returns ∂²Loss/∂risk_b² [B] (Gradient Curvature
	// Steering); nil when a method does not need it.
	CurvatureOfLoss func(risk *Node) *Node
	// Missing [B] is true for samples with an absent (or masked) modality,
	// Valid [B] for real (non-padding) samples.
	Missing, Valid *Node
	// HeadScope is the scope prefix of the head's variables (for example
	// "/model/hazard"): the encoder's variables are the other trainable ones.
	HeadScope string
	// ParamScope is the scope prefix of the variables the step trains.
	ParamScope string
	// Runs, when non-nil, are the roots of the runs of a run axis (see
	// runaxis.go): the problem is then K runs' steps in one.
	Runs []string
}

// Result is what a step builds: the loss at the current parameters, the
// risks, one gradient per parameter (in Params order) and, for GCS, the
// per-sample diagnostics.
type Result struct {
	Loss, Risk *Node
	Params     []*context.Variable
	Grads      []*Node
	// Curvature, GradNorm and Gate are [B] per-sample diagnostics of
	// Gradient Curvature Steering (nil for other methods).
	Curvature, GradNorm, Gate *Node
}

// Step builds the gradients of one training step; the optimizer (AdamW)
// then applies them.
type Step interface {
	// Name is the method's name on the command line.
	Name() string
	// Build builds the step's forward passes and gradients.
	Build(ctx *context.Context, p *Problem) Result
}

// forward builds encoder, head and loss once.
func (p *Problem) forward(ctx *context.Context) (fused, risk, loss *Node) {
	fused = p.Encoder(ctx)
	risk = p.Head(ctx, fused)
	return fused, risk, p.Loss(risk, nil)
}

// params returns the trainable variables under ParamScope (each run's, on a
// run axis) used by graph g, in the context's order.
func (p *Problem) params(ctx *context.Context, g *Graph) []*context.Variable {
	var vars []*context.Variable
	for v := range ctx.IterVariables() {
		if v.Trainable && p.runOf(v) >= 0 && v.InUseByGraph(g) {
			vars = append(vars, v)
		}
	}
	return vars
}

// values returns the current value nodes of vars in g.
func values(vars []*context.Variable, g *Graph) []*Node {
	nodes := make([]*Node, len(vars))
	for i, v := range vars {
		nodes[i] = v.ValueGraph(g)
	}
	return nodes
}

// globalNorm is √Σ_i ‖x_i‖².
func globalNorm(xs []*Node) *Node {
	total := ReduceAllSum(Square(xs[0]))
	for _, x := range xs[1:] {
		total = Add(total, ReduceAllSum(Square(x)))
	}
	return Sqrt(total)
}

// perturbed sets every variable to θ + scale·direction (direction held
// constant; scale[i] is variable i's) and returns the new value nodes;
// restore with restore(θ).
func perturb(vars []*context.Variable, theta, direction, scale []*Node) []*Node {
	out := make([]*Node, len(vars))
	for i, v := range vars {
		out[i] = Add(theta[i], Mul(StopGradient(direction[i]), ConvertDType(scale[i], theta[i].DType())))
		v.SetValueGraph(out[i])
	}
	return out
}

func restore(vars []*context.Variable, theta []*Node) {
	for i, v := range vars {
		v.SetValueGraph(theta[i])
	}
}

// AdamWOnly is plain training: the gradient of the loss, applied by AdamW.
type AdamWOnly struct{}

// Name implements Step.
func (AdamWOnly) Name() string { return "adamw" }

// Build implements Step.
func (AdamWOnly) Build(ctx *context.Context, p *Problem) Result {
	_, risk, loss := p.forward(ctx)
	vars := p.params(ctx, loss.Graph())
	return Result{Loss: loss, Risk: risk, Params: vars, Grads: Gradient(p.total(loss), values(vars, loss.Graph())...)}
}
