// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"math"
	"slices"
)

// CoxPartialLogLikelihood returns the log partial likelihood of a
// proportional-hazards model with linear predictors risk (higher = earlier
// event), with Breslow's handling of tied event times:
//
//	ℓ = Σ_i δ_i ( η_i − log Σ_{j: T_j ≥ T_i} exp(η_j) ).
//
// It is computed stably (the log-sum-exp is shifted by max η) in
// O(n log n). With no event it returns 0 (an empty sum). The training loss of
// package losses is −ℓ/n on each batch.
//
// Agrees with R survival 3.5-3 coxph(..., ties = "breslow")$loglik[2] at R's
// coefficients to 1e-10; see testdata/reference/*.json. Returns the errors
// of [Outcomes.Validate], ErrLengthMismatch and ErrNonFiniteRisk.
func CoxPartialLogLikelihood(o Outcomes, risk []float64) (float64, error) {
	if err := validateWithRisk(o, risk); err != nil {
		return 0, err
	}
	m := slices.Max(risk)
	order := sortedOrder(o)
	// tail[k] = Σ_{positions ≥ k} exp(η − m); ties share the tail of their
	// first position, so each event's risk set holds everyone with T ≥ T_i.
	tail := make([]float64, len(order)+1)
	for k := len(order) - 1; k >= 0; k-- {
		tail[k] = tail[k+1] + math.Exp(risk[order[k]]-m)
	}
	ll := 0.0
	for k := 0; k < len(order); {
		t := o.Time[order[k]]
		end := k
		for ; end < len(order) && o.Time[order[end]] == t; end++ {
			if i := order[end]; o.Event[i] {
				ll += risk[i] - m - math.Log(tail[k])
			}
		}
		k = end
	}
	return ll, nil
}
