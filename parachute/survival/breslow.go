// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"encoding/json"
	"fmt"
	"math"
)

// BaselineHazard is the Breslow estimate of the baseline cumulative hazard of
// a proportional-hazards model, H0(t) = Σ_{t_k ≤ t} d_k / Σ_{j: T_j ≥ t_k} exp(η_j),
// over the distinct event times t_k (d_k events at t_k), for linear
// predictors η (the risk scores, higher = earlier event).
//
// It is stored as log H0, so that estimation and prediction stay finite for
// every finite η, however large or spread out: [BaselineHazard.Survival]
// evaluates exp(−H0(t)·exp(η)) as exp(−exp(log H0(t) + η)).
type BaselineHazard struct {
	// Time holds the distinct event times, ascending.
	Time []float64
	// logH[k] is log H0(Time[k]).
	logH []float64
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
	order := sortedOrder(o)
	// log Σ_{T_j ≥ t} exp(η_j), accumulated from the end in log space.
	logTail := logTails(risk, order)
	b := &BaselineHazard{}
	logH := math.Inf(-1)
	for k := 0; k < len(order); {
		t := o.Time[order[k]]
		end, d := k, 0
		for ; end < len(order) && o.Time[order[end]] == t; end++ {
			if o.Event[order[end]] {
				d++
			}
		}
		if d > 0 {
			logH = logAddExp(logH, math.Log(float64(d))-logTail[k])
			b.Time = append(b.Time, t)
			b.logH = append(b.logH, logH)
		}
		k = end
	}
	return b, nil
}

// Values returns H0 at each of Time (see [BaselineHazard.At]).
func (b *BaselineHazard) Values() []float64 {
	out := make([]float64, len(b.logH))
	for k, h := range b.logH {
		out[k] = math.Exp(h)
	}
	return out
}

// logAt returns log H0(t) (−∞ before the first event time).
func (b *BaselineHazard) logAt(t float64) float64 {
	return stepFunction{x: b.Time, y: b.logH, y0: math.Inf(-1)}.at(t)
}

// At returns H0(t) (0 before the first event time; constant after the last).
func (b *BaselineHazard) At(t float64) float64 { return math.Exp(b.logAt(t)) }

// Survival returns the predicted survival S(t | η) = exp(−H0(t) exp(η)).
func (b *BaselineHazard) Survival(t, risk float64) float64 {
	return math.Exp(-math.Exp(b.logAt(t) + risk))
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

// baselineJSON is the serialised form of a BaselineHazard, so that a
// baseline read back predicts exactly as before.
type baselineJSON struct {
	Time      []float64 `json:"time"`
	LogHazard []float64 `json:"log_cum_hazard"`
}

// MarshalJSON writes {"time", "log_cum_hazard"}: log H0 at each event time,
// the form [BaselineHazard.Survival] computes with.
func (b *BaselineHazard) MarshalJSON() ([]byte, error) {
	return json.Marshal(baselineJSON{Time: b.Time, LogHazard: b.logH})
}

// UnmarshalJSON reads the form MarshalJSON writes and checks it: equal
// lengths, strictly increasing positive times and finite non-decreasing
// log hazards (ErrInvalidArgument otherwise).
func (b *BaselineHazard) UnmarshalJSON(raw []byte) error {
	var v baselineJSON
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	if len(v.Time) != len(v.LogHazard) {
		return fmt.Errorf("%w: baseline hazard with %d times and %d values", ErrInvalidArgument, len(v.Time), len(v.LogHazard))
	}
	for k, t := range v.Time {
		h := v.LogHazard[k]
		if !(t > 0) || math.IsInf(t, 0) || (k > 0 && !(t > v.Time[k-1])) ||
			math.IsNaN(h) || math.IsInf(h, 0) || (k > 0 && h < v.LogHazard[k-1]) {
			return fmt.Errorf("%w: baseline hazard point %d (time %v, log hazard %v)", ErrInvalidArgument, k, t, h)
		}
	}
	*b = BaselineHazard{Time: v.Time, logH: v.LogHazard}
	return nil
}
