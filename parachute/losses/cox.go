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
	g := eta.Graph()
	dtype := eta.DType()
	n := eta.Shape().Dimensions[0]
	if eta.Rank() != 1 || time.Rank() != 1 || event.Rank() != 1 || valid.Rank() != 1 ||
		time.Shape().Dimensions[0] != n || event.Shape().Dimensions[0] != n || valid.Shape().Dimensions[0] != n {
		panicf("losses.CoxNLL: eta %s, time %s, event %s, valid %s must all be [B]", eta.Shape(), time.Shape(), event.Shape(), valid.Shape())
	}
	if opts != nil && opts.CompatInvertedEvents {
		event = LogicalNot(event)
	}
	event = LogicalAnd(event, valid)
	time = ConvertDType(time, dtype)
	// atRisk[i, j] = valid_j ∧ t_j ≥ t_i.
	atRisk := LogicalAnd(GreaterOrEqual(InsertAxes(time, 0), InsertAxes(time, 1)), InsertAxes(valid, 0))
	zero := ZerosLike(eta)
	// Padding values never reach Exp: a huge padded η would give ∞·0 = NaN
	// in the gradient even behind a Where.
	eta = Where(valid, eta, zero)
	shift := StopGradient(ReduceAllMax(eta))
	ex := Exp(Sub(eta, shift))
	etaRow := BroadcastToDims(InsertAxes(ex, 0), n, n)
	riskSum := ReduceSum(Where(atRisk, etaRow, ZerosLike(etaRow)), 1)
	// Rows of invalid or censored patients are replaced before the log: an
	// invalid row's risk set may be empty, and log 0 would poison the gradient.
	riskSum = Where(event, riskSum, OnesLike(riskSum))
	logRisk := Add(Log(riskSum), shift)
	terms := Where(event, Sub(eta, logRisk), zero)
	count := ReduceSum(ConvertDType(valid, dtype))
	return Neg(Div(ReduceSum(terms), Max(count, ScalarOne(g, dtype))))
}
