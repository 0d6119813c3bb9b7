// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"math"
	"slices"
)

// BaselineHazard is the Breslow estimate of the baseline cumulative hazard of
// a proportional-hazards model, H0(t) = Σ_{t_k ≤ t} d_k / Σ_{j: T_j ≥ t_k} exp(η_j),
// over the distinct event times t_k (d_k events at t_k), for linear
// predictors η (the risk scores, higher = earlier event).
//
// It is stored scaled by exp(m), m = max η, so that prediction stays finite
// for any η: [BaselineHazard.Survival] evaluates exp(−H0(t)·exp(η)) as
// exp(−scaled(t)·exp(η − m)).
type BaselineHazard struct {
	// Time holds the distinct event times, ascending.
	Time []float64
	// scaled[k] is H0(Time[k])·exp(shift).
	scaled []float64
	shift  float64
}

// BreslowBaseline estimates the Breslow baseline cumulative hazard from
// training outcomes and the model's risk scores (linear predictors) on them.
// Tied events share the risk set of their time (Breslow's approximation).
//
// Agrees with R survival 3.5-3 basehaz(coxph(..., ties = "breslow"),
// centered = FALSE) and survfit(fit, newdata) to 1e-10 at R's coefficients;
// see testdata/reference/*.json. Returns the errors of [ConcordanceIndex] and
// ErrAllCensored when there is no event. Cost: O(n log n).
func BreslowBaseline(o Outcomes, risk []float64) (*BaselineHazard, error) {
	if err := validateWithRisk(o, risk); err != nil {
		return nil, err
	}
	if o.Events() == 0 {
		return nil, ErrAllCensored
	}
	m := slices.Max(risk)
	order := sortedOrder(o)
	// Risk-set sums Σ_{T_j ≥ t} exp(η_j − m), accumulated from the end.
	tail := make([]float64, len(order)+1)
	for k := len(order) - 1; k >= 0; k-- {
		tail[k] = tail[k+1] + math.Exp(risk[order[k]]-m)
	}
	b := &BaselineHazard{shift: m}
	h := 0.0
	for k := 0; k < len(order); {
		t := o.Time[order[k]]
		end, d := k, 0
		for ; end < len(order) && o.Time[order[end]] == t; end++ {
			if o.Event[order[end]] {
				d++
			}
		}
		if d > 0 {
			h += float64(d) / tail[k]
			b.Time = append(b.Time, t)
			b.scaled = append(b.scaled, h)
		}
		k = end
	}
	return b, nil
}

// Values returns H0 at each of Time (see [BaselineHazard.At]).
func (b *BaselineHazard) Values() []float64 {
	out := make([]float64, len(b.scaled))
	for k, h := range b.scaled {
		out[k] = h * math.Exp(-b.shift)
	}
	return out
}

// At returns H0(t) (0 before the first event time; constant after the last).
func (b *BaselineHazard) At(t float64) float64 {
	return stepFunction{x: b.Time, y: b.scaled}.at(t) * math.Exp(-b.shift)
}

// Survival returns the predicted survival S(t | η) = exp(−H0(t) exp(η)).
func (b *BaselineHazard) Survival(t, risk float64) float64 {
	return math.Exp(-stepFunction{x: b.Time, y: b.scaled}.at(t) * math.Exp(risk-b.shift))
}

// SurvivalMatrix returns S(times[k] | risk[i]) as surv[k][i], the layout
// [BrierScore] takes.
func (b *BaselineHazard) SurvivalMatrix(times, risk []float64) [][]float64 {
	surv := make([][]float64, len(times))
	for k, t := range times {
		surv[k] = make([]float64, len(risk))
		for i, r := range risk {
			surv[k][i] = b.Survival(t, r)
		}
	}
	return surv
}
