// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoConvergence is returned when a fit does not converge (for a logistic
// recalibration: the known statuses are separated by the predictions, or
// all of one kind).
var ErrNoConvergence = errors.New("survival: fit did not converge")

// Recalibration is the logistic recalibration of predicted event
// probabilities at one horizon: the calibration intercept (calibration in
// the large; 0 when calibrated) and slope (1 when calibrated), each with a
// percentile bootstrap interval.
type Recalibration struct {
	Horizon float64 `json:"horizon"`
	// Intercept is α of logit P(T ≤ t) = α + logit p̂ (slope fixed at 1);
	// Slope is β of logit P(T ≤ t) = a + β logit p̂.
	Intercept      float64 `json:"intercept"`
	InterceptLower float64 `json:"intercept_lower"`
	InterceptUpper float64 `json:"intercept_upper"`
	Slope          float64 `json:"slope"`
	SlopeLower     float64 `json:"slope_lower"`
	SlopeUpper     float64 `json:"slope_upper"`
	Level          float64 `json:"level"`
	// Known counts the patients whose status at the horizon is known (an
	// event by t, or followed beyond t); the others, censored by t, are
	// represented by the weights.
	Known int `json:"known"`
}

// probabilityFloor keeps logit(p̂) finite for predictions of exactly 0 or 1.
const probabilityFloor = 1e-12

// RecalibrationAt regresses the status at horizon t on the logit of the
// predicted event probability eventProb[i] = P̂(T_i ≤ t | x_i), by weighted
// logistic regression with inverse-probability-of-censoring weights (the
// R convention of riskRegression's Brier score): a patient with an event at
// T_i ≤ t is a case with weight 1/G(T_i−); a patient with T_i > t a control
// with weight 1/G(t); a patient censored at or before t is left out (its
// weight 0). G is the censoring Kaplan–Meier of o. The slope fit is
//
//	logit P(y_i = 1) = a + β logit p̂_i,
//
// and the intercept fit logit P(y_i = 1) = α + logit p̂_i (an offset); a
// calibrated model has α = 0 and β = 1, β < 1 means predictions too extreme,
// α > 0 predictions too low on average. Both come with a boot.Level
// percentile interval from [Bootstrap] over the patients (the same
// resamples for both). p̂ is clamped to [1e−12, 1 − 1e−12]. Returns the
// errors of Outcomes.Validate, ErrLengthMismatch, ErrInvalidProbability,
// the censoring errors of [CensoringDistribution], and ErrNoConvergence.
func RecalibrationAt(o Outcomes, eventProb []float64, t float64, boot BootstrapOptions) (Recalibration, error) {
	if err := o.Validate(); err != nil {
		return Recalibration{}, err
	}
	if err := validateProbabilities("eventProb", eventProb, o.Len()); err != nil {
		return Recalibration{}, err
	}
	g, err := NewCensoringDistribution(o)
	if err != nil {
		return Recalibration{}, err
	}
	y, w, x := make([]float64, o.Len()), make([]float64, o.Len()), make([]float64, o.Len())
	res := Recalibration{Horizon: t, Level: boot.Level}
	for i, ti := range o.Time {
		p := math.Min(math.Max(eventProb[i], probabilityFloor), 1-probabilityFloor)
		x[i] = math.Log(p / (1 - p))
		var gi float64
		switch {
		case ti <= t && o.Event[i]:
			y[i] = 1
			gi, err = g.LeftLimit(ti)
		case ti > t:
			gi, err = g.At(t)
		default:
			continue // censored by t
		}
		if err != nil {
			return res, &InputError{Field: "time", Index: i, Value: ti, Err: err}
		}
		if gi <= 0 {
			return res, &InputError{Field: "time", Index: i, Value: ti, Err: ErrCensoringSurvivalZero}
		}
		w[i] = 1 / gi
		res.Known++
	}
	fit := func(idx []int, withSlope bool) (float64, error) {
		a, b, err := weightedLogistic(idx, y, w, x, withSlope)
		if withSlope {
			return b, err
		}
		return a, err
	}
	intercept, err := Bootstrap(o.Len(), func(idx []int) (float64, error) { return fit(idx, false) }, boot)
	if err != nil {
		return res, fmt.Errorf("calibration intercept at %v: %w", t, err)
	}
	slope, err := Bootstrap(o.Len(), func(idx []int) (float64, error) { return fit(idx, true) }, boot)
	if err != nil {
		return res, fmt.Errorf("calibration slope at %v: %w", t, err)
	}
	res.Intercept, res.InterceptLower, res.InterceptUpper = intercept.Estimate, intercept.Lower, intercept.Upper
	res.Slope, res.SlopeLower, res.SlopeUpper = slope.Estimate, slope.Lower, slope.Upper
	return res, nil
}

// weightedLogistic fits logit P(y = 1) = a + b x by weighted maximum
// likelihood over the rows idx (repeats allowed) by Newton–Raphson; without
// slope, b is fixed at 1 (x an offset) and only a is fitted.
func weightedLogistic(idx []int, y, w, x []float64, slope bool) (float64, float64, error) {
	a, b := 0.0, 1.0
	if slope {
		b = 0
	}
	for range 100 {
		var g0, g1, h00, h01, h11 float64
		for _, i := range idx {
			if w[i] == 0 {
				continue
			}
			mu := 1 / (1 + math.Exp(-(a + b*x[i])))
			r, v := w[i]*(y[i]-mu), w[i]*mu*(1-mu)
			g0, g1 = g0+r, g1+r*x[i]
			h00, h01, h11 = h00+v, h01+v*x[i], h11+v*x[i]*x[i]
		}
		var da, db float64
		if slope {
			det := h00*h11 - h01*h01
			if !(det > 0) {
				return 0, 0, ErrNoConvergence
			}
			da, db = (h11*g0-h01*g1)/det, (h00*g1-h01*g0)/det
		} else {
			if !(h00 > 0) {
				return 0, 0, ErrNoConvergence
			}
			da = g0 / h00
		}
		a, b = a+da, b+db
		if math.IsNaN(a) || math.IsNaN(b) || math.Abs(a) > 1e6 || math.Abs(b) > 1e6 {
			return 0, 0, ErrNoConvergence
		}
		if math.Abs(da) < 1e-12*(1+math.Abs(a)) && math.Abs(db) < 1e-12*(1+math.Abs(b)) {
			return a, b, nil
		}
	}
	return 0, 0, ErrNoConvergence
}
