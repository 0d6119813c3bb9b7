// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
)

// BrierScore computes the inverse-probability-of-censoring weighted Brier
// score of predicted survival probabilities at each time t_k in times
// (Graf et al. 1999): surv[k][i] is the predicted S(t_k | x_i) of subject i,
// and
//
//	BS(t) = (1/n) Σ_i [ S_i(t)² δ_i [T_i ≤ t] / G(T_i) + (1 − S_i(t))² [T_i > t] / G(t) ].
//
// Subjects censored at or before t contribute 0; the weights make up for
// them. G is estimated on opts.Train when given, otherwise on the test data.
// With the default ScikitSurvival convention the cases' weight is 1/G(T_i),
// as in scikit-survival's brier_score; with RConvention it is 1/G(T_i−), which
// agrees with R riskRegression 2022.11.28 Score(..., metrics = "brier",
// cens.model = "km") to 1e-10 when G is estimated on the test data; see
// testdata/reference/*.json. Where G vanishes at a case this function returns
// ErrCensoringSurvivalZero (scikit-survival silently gives the case weight 0).
//
// times must be strictly increasing and lie in [min T, max T) of the test
// outcomes. Returns the errors of [Outcomes.Validate], ErrLengthMismatch when
// surv does not have one row per time and one value per subject,
// ErrInvalidProbability for a value outside [0, 1], and the time and
// censoring errors of [CumulativeDynamicAUC]. Cost: O(K n + n log n).
func BrierScore(test Outcomes, times []float64, surv [][]float64, opts *IPCWOptions) ([]float64, error) {
	if err := test.Validate(); err != nil {
		return nil, err
	}
	if err := checkFollowUpTimes(test, times); err != nil {
		return nil, err
	}
	if len(surv) != len(times) {
		return nil, fmt.Errorf("%w: %d survival rows for %d times", ErrLengthMismatch, len(surv), len(times))
	}
	for k := range surv {
		if err := validateProbabilities(fmt.Sprintf("surv[%d]", k), surv[k], test.Len()); err != nil {
			return nil, err
		}
	}
	g, caseWeight, err := caseWeights(test, times[len(times)-1], opts)
	if err != nil {
		return nil, err
	}
	scores := make([]float64, len(times))
	for k, t := range times {
		gt, err := g.At(t)
		if err != nil {
			return nil, &InputError{Field: "times", Index: k, Value: t, Err: err}
		}
		if gt <= 0 {
			return nil, &InputError{Field: "times", Index: k, Value: t, Err: ErrCensoringSurvivalZero}
		}
		sum := 0.0
		for i, ti := range test.Time {
			s := surv[k][i]
			switch {
			case ti > t:
				sum += (1 - s) * (1 - s) / gt
			case test.Event[i]:
				sum += s * s * caseWeight[i]
			}
		}
		scores[k] = sum / float64(test.Len())
	}
	return scores, nil
}

// IntegratedBrierScore integrates Brier scores over their times with the
// trapezoid rule and divides by the length of the range,
//
//	IBS = Σ_k (t_{k+1} − t_k)(BS_k + BS_{k+1})/2 / (t_K − t_1),
//
// scikit-survival's integrated_brier_score rule. Returns ErrInvalidArgument
// for fewer than two times, unsorted times or mismatched lengths.
func IntegratedBrierScore(times, brier []float64) (float64, error) {
	if err := validateTimes(times); err != nil {
		return 0, err
	}
	if len(times) < 2 {
		return 0, fmt.Errorf("%w: the integrated Brier score needs at least two times", ErrInvalidArgument)
	}
	if len(brier) != len(times) {
		return 0, fmt.Errorf("%w: %d Brier scores for %d times", ErrLengthMismatch, len(brier), len(times))
	}
	area := 0.0
	for k := 1; k < len(times); k++ {
		area += (times[k] - times[k-1]) * (brier[k] + brier[k-1]) / 2
	}
	return area / (times[len(times)-1] - times[0]), nil
}
