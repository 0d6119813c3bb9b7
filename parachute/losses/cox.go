// SPDX-License-Identifier: Apache-2.0

// Package losses holds the survival losses of goparachute as GoMLX graph
// code. Each loss has a float64 pure-Go twin in package survival that the
// tests compare against.
package losses

import (
	. "github.com/gomlx/gomlx/pkg/core/graph"
)

// CoxOptions modifies [CoxNLL].
type CoxOptions struct {
	// CompatInvertedEvents reproduces a defect of the authors' released
	// code: their dataset passes censor = NOT OS_event and the loss multiplies
	// each term by it as if it flagged an event, so the partial likelihood is
	// summed over the censored patients. Off by default; for comparisons with
	// the published numbers only.
	CompatInvertedEvents bool
}

// CoxNLL builds the negative Cox partial log-likelihood with Breslow ties,
// averaged over the valid patients of the batch (supplement Algorithm 2,
// line 6):
//
//	L = −(1/B) Σ_b δ_b ( η_b − log Σ_{j: t_j ≥ t_b} exp(η_j) ),
//
// with B the number of valid patients and both sums over valid patients. The
// risk sets come from a [B, B] mask t_j ≥ t_i, so no sort is needed (GoMLX has
// none); the log-sum-exp is shifted by the batch maximum (held out of the
// gradient) for stability. A batch without events gives 0 and a zero
// gradient, never NaN; invalid (padding) patients contribute nothing.
//
// Inputs, all of shape [B]: eta (the log-risk, float), time (float, any
// unit) and event and valid (bool). Returns a scalar of eta's dtype. At a
// linear predictor it equals −survival.CoxPartialLogLikelihood/B (float64
// to 1e-10, float32 to 1e-5; losses_test.go), which matches R's coxph
// log-likelihood. Panics on mismatched shapes (graph-building code).
func CoxNLL(eta, time, event, valid *Node, opts *CoxOptions) *Node {
	r := coxRiskSets(eta, time, event, valid, opts)
	logRisk := Add(Log(r.riskSum), r.shift)
	terms := Where(r.event, Sub(r.eta, logRisk), ZerosLike(r.eta))
	return Neg(Div(ReduceSum(terms), r.count))
}

// CoxHessianDiagonal builds the diagonal of the Hessian of [CoxNLL] with
// respect to eta, analytically:
//
//	∂²L/∂η_b² = (1/B) Σ_i δ_i [t_b ≥ t_i] p_ib (1 − p_ib),  p_ib = exp(η_b) / Σ_{j: t_j ≥ t_i} exp(η_j),
//
// with the same inputs, options and conventions as CoxNLL (padding rows get
// 0). Gradient Curvature Steering uses it for the exact per-sample curvature
// along a probe.
func CoxHessianDiagonal(eta, time, event, valid *Node, opts *CoxOptions) *Node {
	r := coxRiskSets(eta, time, event, valid, opts)
	n := eta.Shape().Dimensions[0]
	// p[i, j] = exp(η_j)/S_i for j in the risk set of i.
	p := Div(BroadcastToDims(InsertAxes(r.ex, 0), n, n), InsertAxes(r.riskSum, -1))
	p = Where(r.atRisk, p, ZerosLike(p))
	w := InsertAxes(ConvertDType(r.event, eta.DType()), -1)
	return Div(ReduceSum(Mul(w, Mul(p, OneMinus(p))), 0), r.count)
}

// coxTerms are the shared pieces of the Cox loss and its derivatives.
type coxTerms struct {
	eta, event, atRisk, ex, riskSum, shift, count *Node
}

// coxRiskSets validates the inputs and builds the risk-set matrix
// atRisk[i, j] = valid_j ∧ t_j ≥ t_i, the shifted exponentials
// ex_j = exp(η_j − shift), the risk-set sums S_i (1 for rows that are not
// events, so that logs stay finite), and the number of valid patients.
func coxRiskSets(eta, time, event, valid *Node, opts *CoxOptions) coxTerms {
	g := eta.Graph()
	dtype := eta.DType()
	n := eta.Shape().Dimensions[0]
	if eta.Rank() != 1 || time.Rank() != 1 || event.Rank() != 1 || valid.Rank() != 1 ||
		time.Shape().Dimensions[0] != n || event.Shape().Dimensions[0] != n || valid.Shape().Dimensions[0] != n {
		panicf("losses: eta %s, time %s, event %s, valid %s must all be [B]", eta.Shape(), time.Shape(), event.Shape(), valid.Shape())
	}
	if opts != nil && opts.CompatInvertedEvents {
		event = LogicalNot(event)
	}
	event = LogicalAnd(event, valid)
	time = ConvertDType(time, dtype)
	atRisk := LogicalAnd(GreaterOrEqual(InsertAxes(time, 0), InsertAxes(time, 1)), InsertAxes(valid, 0))
	// Padding values never reach Exp: a huge padded η would give ∞·0 = NaN
	// in the gradient even behind a Where.
	eta = Where(valid, eta, ZerosLike(eta))
	shift := StopGradient(ReduceAllMax(eta))
	ex := Exp(Sub(eta, shift))
	etaRow := BroadcastToDims(InsertAxes(ex, 0), n, n)
	riskSum := ReduceSum(Where(atRisk, etaRow, ZerosLike(etaRow)), 1)
	// Rows of invalid or censored patients are replaced before the log: an
	// invalid row's risk set may be empty, and log 0 would poison the gradient.
	riskSum = Where(event, riskSum, OnesLike(riskSum))
	count := Max(ReduceSum(ConvertDType(valid, dtype)), ScalarOne(g, dtype))
	return coxTerms{eta: eta, event: event, atRisk: atRisk, ex: ex, riskSum: riskSum, shift: shift, count: count}
}
