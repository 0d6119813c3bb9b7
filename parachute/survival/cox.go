// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
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

// CoxScaleProfile returns the log partial likelihood ℓ(s·η) of
// [CoxPartialLogLikelihood] at each scale s: the profile whose maximum is the
// calibration slope (see [CalibrationSlope]). s = 0 gives the null model,
// −Σ_i δ_i log |R_i|.
func CoxScaleProfile(o Outcomes, risk, scales []float64) ([]float64, error) {
	out := make([]float64, len(scales))
	scaled := make([]float64, len(risk))
	for k, s := range scales {
		for i, r := range risk {
			scaled[i] = s * r
		}
		ll, err := CoxPartialLogLikelihood(o, scaled)
		if err != nil {
			return nil, err
		}
		out[k] = ll
	}
	return out, nil
}

// CalibrationSlope returns the maximum-likelihood slope s of the Cox model
// with the single covariate η (R: coef(coxph(Surv(time, event) ~ risk,
// ties = "breslow"))): 1 when the risk scores are on the right scale, below 1
// when they are overconfident (too spread out), above 1 when too timid. It is
// found by Newton's method on the concave ℓ(s·η) with the score and
// information
//
//	U(s) = Σ_i δ_i (η_i − η̄_i),  I(s) = Σ_i δ_i Σ_{j∈R_i} w_j (η_j − η̄_i)²,
//
// w_j ∝ exp(s η_j) over the risk set R_i = {j: T_j ≥ T_i} and η̄_i the
// w-weighted mean, stopping when |Δs| < 1e-12 (1 + |s|). A Cox model's own
// linear predictor has slope exactly 1, the identity the tests check. Errors:
// those of [CoxPartialLogLikelihood], and an error when the slope is infinite
// (η perfectly separates the event order) or the risk is constant.
func CalibrationSlope(o Outcomes, risk []float64) (float64, error) {
	if err := validateWithRisk(o, risk); err != nil {
		return 0, err
	}
	if slices.Min(risk) == slices.Max(risk) {
		return 0, fmt.Errorf("survival: calibration slope of a constant risk")
	}
	// U and I do not change when η is shifted; centring keeps w η² small.
	mu := 0.0
	for _, r := range risk {
		mu += r / float64(len(risk))
	}
	centred := make([]float64, len(risk))
	for i, r := range risk {
		centred[i] = r - mu
	}
	risk = centred
	order := sortedOrder(o)
	s := 0.0
	for iter := 0; iter < 100; iter++ {
		u, info := coxScaleScore(o, risk, order, s)
		if info <= 0 || math.IsNaN(u) {
			return 0, fmt.Errorf("survival: calibration slope undefined (information %v)", info)
		}
		step := u / info
		s += step
		if math.Abs(s) > 1e6 {
			return 0, fmt.Errorf("survival: calibration slope diverges (the risk separates the event order)")
		}
		if math.Abs(step) < 1e-12*(1+math.Abs(s)) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("survival: calibration slope did not converge")
}

// coxScaleScore returns U(s) and I(s) of [CalibrationSlope], accumulating the
// risk-set sums of w, wη and wη² from the latest time backwards (shifted by
// max s·η for stability).
func coxScaleScore(o Outcomes, risk []float64, order []int, s float64) (u, info float64) {
	m := math.Inf(-1)
	for _, r := range risk {
		m = math.Max(m, s*r)
	}
	var w0, w1, w2 float64
	for end := len(order); end > 0; {
		t := o.Time[order[end-1]]
		start := end
		for start > 0 && o.Time[order[start-1]] == t {
			start--
			i := order[start]
			w := math.Exp(s*risk[i] - m)
			w0, w1, w2 = w0+w, w1+w*risk[i], w2+w*risk[i]*risk[i]
		}
		mean := w1 / w0
		variance := math.Max(w2/w0-mean*mean, 0)
		for k := start; k < end; k++ {
			if i := order[k]; o.Event[i] {
				u += risk[i] - mean
				info += variance
			}
		}
		end = start
	}
	return u, info
}
