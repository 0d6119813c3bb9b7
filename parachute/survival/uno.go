// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"
)

// WeightedConcordance is an inverse-probability-weighted concordance index
// with its weighted pair sums: each comparable pair whose earlier member is
// the event i counts with weight w_i = 1/G(T_i)².
type WeightedConcordance struct {
	// Index is (Concordant + TiedRisk/2) / (Concordant + Discordant + TiedRisk).
	Index float64
	// Concordant, Discordant and TiedRisk are the weighted pair sums (R's
	// count for timewt = "n/G2").
	Concordant, Discordant, TiedRisk float64
}

// ConcordanceIndexIPCW computes Uno's concordance index, Harrell's index with
// each comparable pair (i, j) weighted by 1/G(T_i)², G the Kaplan–Meier
// estimate of the censoring survival function:
//
//	C = Σ_i δ_i w_i Σ_j c_ij [r_i > r_j] + ½[r_i = r_j]  /  Σ_i δ_i w_i Σ_j c_ij,
//
// with c_ij the comparability of [ConcordanceIndex] and risk r higher for an
// earlier event. Only events before the truncation time τ = opts.Tau count
// (w_i = 0 otherwise), which makes the index estimate P(r_i > r_j | T_i < T_j,
// T_i < τ) consistently under independent censoring.
//
// G is estimated on opts.Train when given (scikit-survival's survival_train),
// otherwise on the test outcomes. With the default ScikitSurvival convention,
// w_i = 1/G(T_i)² and events with T_i < τ count, as in scikit-survival's
// concordance_index_ipcw (which also treats risks within 1e-8 as tied; this
// function ties only equal risks). With RConvention, w_i = 1/G(T_i−)² and
// events with T_i ≤ τ count, which agrees with R survival 3.5-3
// concordance(Surv(time, event) ~ risk, reverse = TRUE, timewt = "n/G2",
// ymax = τ) to 1e-10 (index and weighted counts) when G is estimated on the
// test data; see testdata/reference/*.json.
//
// Returns the errors of [ConcordanceIndex], ErrOutsideFollowUp (wrapped in an
// [*InputError]) when a counted event lies beyond the follow-up of the
// training outcomes (choose τ below it), ErrCensoringSurvivalZero when G
// vanishes at a counted event, ErrInvalidArgument for a negative or NaN τ, and
// ErrNoComparablePairs when the weighted denominator is 0. Cost: O(n log n).
func ConcordanceIndexIPCW(test Outcomes, risk []float64, opts *IPCWOptions) (WeightedConcordance, error) {
	if err := validateWithRisk(test, risk); err != nil {
		return WeightedConcordance{}, err
	}
	tau := 0.0
	if opts != nil {
		tau = opts.Tau
	}
	if math.IsNaN(tau) || tau < 0 {
		return WeightedConcordance{}, fmt.Errorf("%w: truncation time %v", ErrInvalidArgument, tau)
	}
	g, conv, err := censoringFor(test, opts)
	if err != nil {
		return WeightedConcordance{}, err
	}
	weights := make([]float64, test.Len())
	for i, t := range test.Time {
		if !test.Event[i] || !keptByTau(t, tau, conv) {
			continue
		}
		w, err := g.eventWeight(t, conv, "time", i)
		if err != nil {
			return WeightedConcordance{}, err
		}
		weights[i] = w * w
	}
	var c WeightedConcordance
	walkComparable(test, risk, func(i int, lower, equal, higher int64) {
		w := weights[i]
		c.Concordant += w * float64(lower)
		c.TiedRisk += w * float64(equal)
		c.Discordant += w * float64(higher)
	}, func(int64) {})
	den := c.Concordant + c.Discordant + c.TiedRisk
	if den == 0 {
		return c, ErrNoComparablePairs
	}
	c.Index = (c.Concordant + c.TiedRisk/2) / den
	return c, nil
}

// keptByTau reports whether an event at t is counted under truncation τ
// (0 = none): t < τ for scikit-survival, t ≤ τ for R.
func keptByTau(t, tau float64, conv CensoringConvention) bool {
	switch {
	case tau == 0:
		return true
	case conv == RConvention:
		return t <= tau
	default:
		return t < tau
	}
}
