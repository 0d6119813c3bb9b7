// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"slices"
	"strings"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// A Problem with Runs is the step of K runs on one run axis (see
// model.RunAxis): the batch holds the runs' rows one after another, Loss
// returns the K runs' losses [K], and ParamScope and HeadScope are paths
// under each run's root. The step's gradients are those of the losses'
// sum, so each run's parameters receive exactly its own loss's gradient;
// what a step takes over the batch or over all parameters (GCS's relative
// curvature and gradient norm, its probes, SAM's ascent norm) is taken per
// run. A run's part of the graph computes what the run alone computes.

// runs is the number of runs the problem's batch holds (1 alone).
func (p *Problem) runs() int { return max(len(p.Runs), 1) }

// total is the objective a step differentiates: the loss alone, the sum of
// the runs' losses on a run axis.
func (p *Problem) total(loss *Node) *Node {
	if p.Runs == nil {
		return loss
	}
	return ReduceAllSum(loss)
}

// scopes returns a scope prefix as it is for each run: prefix alone, the
// roots followed by prefix on a run axis.
func (p *Problem) scopes(prefix string) []string {
	if p.Runs == nil {
		return []string{prefix}
	}
	out := make([]string, len(p.Runs))
	for k, root := range p.Runs {
		out[k] = root + prefix
	}
	return out
}

// under returns the index of the prefix v's scope lies under, or -1.
func under(v *context.Variable, prefixes []string) int {
	return slices.IndexFunc(prefixes, func(prefix string) bool {
		return strings.HasPrefix(v.Scope()+"/", prefix+"/")
	})
}

// runOf is the run whose parameter v is (0 alone).
func (p *Problem) runOf(v *context.Variable) int { return under(v, p.scopes(p.ParamScope)) }

// inHead reports whether v is a parameter of the head.
func (p *Problem) inHead(v *context.Variable) bool { return under(v, p.scopes(p.HeadScope)) >= 0 }

// perRun applies f to each run's rows of xs (all with the runs' rows along
// axis 0) and joins the results along axis 0: f(xs…) alone.
func (p *Problem) perRun(f func(xs ...*Node) *Node, xs ...*Node) *Node {
	return Concatenate(runscope.EachRun(len(p.Runs), f, xs...), 0)
}

// ascentScales is ascentScale for each of vars (whose gradients are grad):
// on a run axis the norm is each run's own.
func (p *Problem) ascentScales(rho float64, vars []*context.Variable, grad []*Node) []*Node {
	run := make([]int, len(vars))
	byRun := make([][]*Node, p.runs())
	for i, v := range vars {
		run[i] = max(p.runOf(v), 0)
		byRun[run[i]] = append(byRun[run[i]], grad[i])
	}
	scale := make([]*Node, p.runs())
	for k, gs := range byRun {
		if len(gs) > 0 {
			scale[k] = ascentScale(rho, gs)
		}
	}
	out := make([]*Node, len(vars))
	for i := range vars {
		out[i] = scale[run[i]]
	}
	return out
}

// refuseRunAxis panics when a method that couples a batch beyond what a
// run axis splits is built on one.
func (p *Problem) refuseRunAxis(method string) {
	if p.Runs != nil {
		panicf("optim: %s cannot be built on a run axis", method)
	}
}
