// SPDX-License-Identifier: Apache-2.0

package train

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/fastgrad"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// A stack trains on a run axis (model.RunAxis) when its runs allow it: one
// network whose batch holds every run's batch and whose layers read every
// run's parameters stacked [K, …], so that the graph has one batched
// operation where replicas have K. The runs' variables, optimizer state
// and generator states stay where replicas keep them (under each run's
// root), so a stack imports, exports, checkpoints and applies AdamW the same
// way in both layouts, and the graph's outputs are laid out as the
// replicas' (each run's loss, risks, diagnostics and gradients in turn).

// runAxisOf returns the run axis the stack's runs train on, or nil when
// they need replicas: a single run, a deep baseline, the compat BatchNorm
// or batch attention (they couple a batch's patients), and a step whose
// registry entry says no (optim.Optimizer.RunAxis: GradVac, GCS's compat
// steering), and a process without package fastgrad's gradients (another
// GoMLX version): the run axis slices each run's rows out of the joined
// batch, and GoMLX's own Slice gradient needs Pad, which the pure-Go
// backend lacks.
func runAxisOf(trainers []*Trainer, roots []string) *model.RunAxis {
	cfg := trainers[0].Config
	if len(trainers) < 2 || trainers[0].Model == nil || cfg.Model.CompatBatchNorm || cfg.Model.CompatBatchAttention {
		return nil
	}
	if !fastgrad.Install().Active {
		return nil
	}
	if o, err := optim.Lookup(cfg.Optimizer); err != nil || !o.RunAxis(cfg.StepParams) {
		return nil
	}
	axis := &model.RunAxis{Roots: roots}
	for _, t := range trainers {
		axis.Seeds = append(axis.Seeds, t.Model.Seed)
	}
	return axis
}

// axisNetwork is the PARACHUTE network of the stack's runs on its run axis.
func (s *TrainerStack) axisNetwork() Network {
	m := *s.Runs[0].Model
	m.Axis, m.Trace, m.Attention = s.axis, nil, nil
	return parachuteNetwork{&m}
}

// joinRuns returns the first count of each run's inputs (every run has
// stride inputs, one run after another), each joined with the other runs'
// along axis 0: run k's rows follow run k−1's.
func joinRuns(inputs []*Node, runs, stride, count int) []*Node {
	joined := make([]*Node, count)
	for i := range joined {
		parts := make([]*Node, runs)
		for k := range parts {
			parts[k] = inputs[k*stride+i]
		}
		joined[i] = Concatenate(parts, 0)
	}
	return joined
}

// axisTrainGraph is trainGraph on the run axis: one step of every run, its
// outputs laid out as the replicas' (see TrainerStack.Step).
func (s *TrainerStack) axisTrainGraph(ctx *context.Context, inputs []*Node) []*Node {
	k := len(s.Runs)
	g := inputs[0].Graph()
	ctx.SetTraining(g, true)
	joined := joinRuns(inputs, k, trainInputs, inputLR) // every input but the learning rate
	first := s.Runs[0]
	p := first.problem(s.axisNetwork(), model.InputsFromNodes(joined), joined[inputTime], joined[inputEvent], "", s.roots)
	res := first.step.Build(ctx, p)
	losses, risks := runscope.Split(k, res.Loss), runscope.Split(k, res.Risk)
	diagnostics := make([][]*Node, 3) // each run's curvature, gradient norm and gate; nil: zeros
	for i, d := range []*Node{res.Curvature, res.GradNorm, res.Gate} {
		if d != nil {
			diagnostics[i] = runscope.Split(k, d)
		}
	}
	var out []*Node
	s.offsets = s.offsets[:0]
	for r, t := range s.Runs {
		s.offsets = append(s.offsets, len(out))
		out = append(out, Reshape(losses[r]), risks[r])
		for _, d := range diagnostics {
			if d == nil {
				out = append(out, ZerosLike(risks[r]))
				continue
			}
			out = append(out, d[r])
		}
		var params []*context.Variable
		var grads []*Node
		for i, v := range res.Params {
			if runscope.InRun(v.Scope(), s.roots[r]) {
				params, grads = append(params, v), append(grads, res.Grads[i])
			}
		}
		if t.adamwOnHost {
			t.params, t.gradsAt = params, len(out)-s.offsets[r]
			out = append(out, grads...)
			continue
		}
		t.opt.Apply(runscope.In(ctx, s.roots[r]), params, grads, inputs[r*trainInputs+inputLR])
	}
	return out
}

// axisEvalGraph is evalGraph on the run axis: one log-risk vector per run.
func (s *TrainerStack) axisEvalGraph(ctx *context.Context, inputs []*Node) []*Node {
	k := len(s.Runs)
	ctx.SetTraining(inputs[0].Graph(), false)
	n := len(inputs) / k
	net := s.axisNetwork()
	fused, _ := net.Encode(ctx.In(model.Scope), model.InputsFromNodes(joinRuns(inputs, k, n, n)))
	risk := net.Head(ctx.In(model.Scope).In(model.HeadScope), fused)
	return runscope.Split(k, risk)
}
