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
// none). Each row's log-sum-exp is shifted by the largest η of its own risk
// set (held out of the gradient), so every term of the sum is at most 1 and
// the largest is exactly 1: the loss and its gradient are finite for every
// finite η, however extreme or spread out, in float32 and float64. A batch
// without events gives 0 and a zero gradient, never NaN; invalid (padding)
// patients contribute nothing, whatever their values.
//
// Inputs, all of shape [B]: eta (the log-risk, float), time (float, any
// unit) and event and valid (bool). Returns a scalar of eta's dtype. At a
// linear predictor it equals −survival.CoxPartialLogLikelihood/B, which
// matches R's coxph log-likelihood (cox_test.go: float64 within
// testutil.SameEstimator, float32 within testutil.Float32Long). Panics on
// mismatched shapes (graph-building code).
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
	// p[i, j] = exp(η_j − m_i)/S_i for j in the risk set of i (0 elsewhere).
	p := Div(r.ex, InsertAxes(r.riskSum, -1))
	w := InsertAxes(ConvertDType(r.event, eta.DType()), -1)
	return Div(ReduceSum(Mul(w, Mul(p, OneMinus(p))), 0), r.count)
}

// coxTerms are the shared pieces of the Cox loss and its derivatives.
type coxTerms struct {
	// eta has padding rows set to 0; event is event ∧ valid.
	eta, event *Node
	// ex[i, j] = exp(η_j − m_i) for j in the risk set of i, 0 elsewhere,
	// with m_i the largest η of row i's risk set (shift).
	ex *Node
	// riskSum[i] = Σ_j ex[i, j] (≥ 1 for an event row; 1 for the others),
	// shift[i] = m_i (0 for rows without a risk set), count = B.
	riskSum, shift, count *Node
}

// coxRiskSets validates the inputs and builds the risk-set matrix
// atRisk[i, j] = valid_j ∧ t_j ≥ t_i, each row's shift m_i (the largest η of
// its risk set), the shifted exponentials of the risk sets, their sums S_i
// (1 for rows that are not events, so that logs stay finite), and the number
// of valid patients.
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
	etaRow := BroadcastToDims(InsertAxes(eta, 0), n, n) // [i, j] = η_j
	// m_i = max of η over row i's risk set; rows with an empty risk set (only
	// padding rows can have one) get 0.
	lowest := BroadcastToDims(Infinity(g, dtype, -1), n, n)
	hasRisk := ReduceLogicalOr(atRisk, 1)
	shift := StopGradient(Where(hasRisk, ReduceMax(Where(atRisk, etaRow, lowest), 1), ZerosLike(eta)))
	// η_j − m_i is ≤ 0 inside the risk set; outside it is replaced by 0
	// before Exp (it may be huge there) and the result masked after.
	diff := Where(atRisk, Sub(etaRow, InsertAxes(shift, -1)), ZerosLike(etaRow))
	ex := Where(atRisk, Exp(diff), ZerosLike(etaRow))
	riskSum := ReduceSum(ex, 1)
	// Rows of invalid or censored patients are replaced before the log: an
	// invalid row's risk set may be empty, and log 0 would poison the gradient.
	riskSum = Where(event, riskSum, OnesLike(riskSum))
	count := Max(ReduceSum(ConvertDType(valid, dtype)), ScalarOne(g, dtype))
	return coxTerms{eta: eta, event: event, ex: ex, riskSum: riskSum, shift: shift, count: count}
}
