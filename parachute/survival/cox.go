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
// Each risk set's log-sum-exp is accumulated in log space from the latest
// time backwards, so ℓ is finite for every finite η, however spread out, in
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
	order := sortedOrder(o)
	// logTail[k] = log Σ_{positions ≥ k} exp(η); ties share the tail of their
	// first position, so each event's risk set holds everyone with T ≥ T_i.
	logTail := logTails(risk, order)
	ll := 0.0
	for k := 0; k < len(order); {
		t := o.Time[order[k]]
		end := k
		for ; end < len(order) && o.Time[order[end]] == t; end++ {
			if i := order[end]; o.Event[i] {
				ll += risk[i] - logTail[k]
			}
		}
		k = end
	}
	return ll, nil
}

// logTails returns logTail[k] = log Σ_{k' ≥ k} exp(risk[order[k']]) for
// k = 0..n (logTail[n] = −∞), accumulated with logAddExp: finite for every
// finite risk.
func logTails(risk []float64, order []int) []float64 {
	logTail := make([]float64, len(order)+1)
	logTail[len(order)] = math.Inf(-1)
	for k := len(order) - 1; k >= 0; k-- {
		logTail[k] = logAddExp(logTail[k+1], risk[order[k]])
	}
	return logTail
}

// logAddExp returns log(exp(a) + exp(b)) without overflow or underflow.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
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
// those of [CoxPartialLogLikelihood]; ErrInvalidArgument for a constant
// risk; ErrNotConverged when the information vanishes, the slope diverges
// (η perfectly separates the event order: the likelihood is monotone, as R
// warns) or Newton's method does not settle in 100 steps.
func CalibrationSlope(o Outcomes, risk []float64) (float64, error) {
	if err := validateWithRisk(o, risk); err != nil {
		return 0, err
	}
	if slices.Min(risk) == slices.Max(risk) {
		return 0, fmt.Errorf("%w: calibration slope of a constant risk", ErrInvalidArgument)
	}
	order := sortedOrder(o)
	if dir := separation(o, risk, order); dir != 0 {
		return 0, fmt.Errorf("%w: monotone likelihood, the calibration slope is %s∞ (every event has the %s risk of its risk set)",
			ErrNotConverged, map[int]string{1: "+", -1: "−"}[dir], map[int]string{1: "highest", -1: "lowest"}[dir])
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
	s := 0.0
	for iter := 0; iter < 100; iter++ {
		u, info := coxScaleScore(o, risk, order, s)
		if info <= 0 || math.IsNaN(u) {
			return 0, fmt.Errorf("%w: calibration slope undefined (information %v)", ErrNotConverged, info)
		}
		step := u / info
		s += step
		if math.Abs(s) > 1e6 {
			return 0, fmt.Errorf("%w: calibration slope diverges (the risk separates the event order)", ErrNotConverged)
		}
		if math.Abs(step) < 1e-12*(1+math.Abs(s)) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("%w: calibration slope after 100 Newton steps", ErrNotConverged)
}

// separation returns +1 when every event has the highest risk of its risk
// set {j: T_j ≥ T_i} (ties included), −1 when every event has the lowest, 0
// otherwise: with ±1 the partial likelihood of s·η grows without bound as
// s → ±∞, so the slope's maximum-likelihood estimate is infinite.
func separation(o Outcomes, risk []float64, order []int) int {
	hi, lo := true, true
	maxTail, minTail := math.Inf(-1), math.Inf(1)
	for end := len(order); end > 0; {
		t := o.Time[order[end-1]]
		start := end
		for start > 0 && o.Time[order[start-1]] == t {
			start--
			maxTail, minTail = math.Max(maxTail, risk[order[start]]), math.Min(minTail, risk[order[start]])
		}
		for k := start; k < end; k++ {
			if i := order[k]; o.Event[i] {
				hi = hi && risk[i] == maxTail
				lo = lo && risk[i] == minTail
			}
		}
		end = start
	}
	switch {
	case hi && !lo:
		return 1
	case lo && !hi:
		return -1
	}
	return 0
}

// coxScaleScore returns U(s) and I(s) of [CalibrationSlope], accumulating the
// risk-set sums of w, wη and wη² from the latest time backwards, each scaled
// by exp(−m) with m the largest s·η of the risk set so far (rescaled when it
// grows), so no sum overflows or vanishes.
func coxScaleScore(o Outcomes, risk []float64, order []int, s float64) (u, info float64) {
	m := math.Inf(-1)
	var w0, w1, w2 float64
	for end := len(order); end > 0; {
		t := o.Time[order[end-1]]
		start := end
		for start > 0 && o.Time[order[start-1]] == t {
			start--
			i := order[start]
			if v := s * risk[i]; v > m {
				scale := math.Exp(m - v) // 0 for the first subject (m = −∞)
				w0, w1, w2, m = w0*scale, w1*scale, w2*scale, v
			}
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
