// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"slices"
	"sort"
)

// TimeDependentAUC holds cumulative/dynamic AUC(t) values at evaluation
// times and their summary over the time range.
type TimeDependentAUC struct {
	Times []float64
	AUC   []float64
	// Mean is the AUC averaged over the times with the decrements of the
	// Kaplan–Meier survival function of the test data as weights (see
	// [CumulativeDynamicAUC]); it equals AUC[0] for a single time.
	Mean float64
}

// CumulativeDynamicAUC computes the cumulative/dynamic area under the ROC
// curve at each time t in times: cases are the subjects with an event at or
// before t (T_i ≤ t, δ_i = 1), controls the subjects still event-free after t
// (T_j > t), and cases are weighted by the inverse probability of remaining
// uncensored, w_i = 1/G(T_i):
//
//	AUC(t) = Σ_i Σ_j w_i case_i(t) control_j(t) ([r_i > r_j] + ½[r_i = r_j])
//	         / (Σ_i w_i case_i(t) · Σ_j control_j(t)).
//
// The controls' common weight 1/G(t) cancels. The summary is
//
//	Mean = Σ_k AUC(t_k) (Ŝ(t_{k−1}) − Ŝ(t_k)) / (1 − Ŝ(t_K)),  Ŝ(t_0) = 1,
//
// with Ŝ the Kaplan–Meier estimate on the test data (scikit-survival's
// mean_auc).
//
// G is estimated on opts.Train when given, otherwise on the test data. With
// the default ScikitSurvival convention w_i = 1/G(T_i), as in
// scikit-survival's cumulative_dynamic_auc (which also ties risks within
// 1e-8; this function ties only equal risks). With RConvention w_i =
// 1/G(T_i−), which agrees with R riskRegression 2022.11.28
// Score(..., metrics = "auc", cens.model = "km") to 1e-10 when G is estimated
// on the test data; see testdata/reference/*.json.
//
// times must be strictly increasing and lie in [min T, max T) of the test
// outcomes (scikit-survival's rule). Returns the errors of [ConcordanceIndex],
// ErrInvalidArgument or ErrOutsideFollowUp for bad times, ErrOutsideFollowUp
// or ErrCensoringSurvivalZero for a case G cannot weight, and
// ErrNoComparablePairs when a time has no case. Cost: O(K n log n) for K times.
func CumulativeDynamicAUC(test Outcomes, risk []float64, times []float64, opts *IPCWOptions) (*TimeDependentAUC, error) {
	if err := validateWithRisk(test, risk); err != nil {
		return nil, err
	}
	if err := checkFollowUpTimes(test, times); err != nil {
		return nil, err
	}
	_, caseWeight, err := caseWeights(test, times[len(times)-1], opts)
	if err != nil {
		return nil, err
	}
	res := &TimeDependentAUC{Times: slices.Clone(times), AUC: make([]float64, len(times))}
	controls := make([]float64, 0, test.Len())
	for k, t := range times {
		controls = controls[:0]
		for j, tj := range test.Time {
			if tj > t {
				controls = append(controls, risk[j])
			}
		}
		slices.Sort(controls)
		var num, den float64
		for i, ti := range test.Time {
			if !test.Event[i] || ti > t {
				continue
			}
			r := risk[i]
			lower := sort.SearchFloat64s(controls, r)
			upper := sort.Search(len(controls), func(k int) bool { return controls[k] > r })
			num += caseWeight[i] * (float64(lower) + float64(upper-lower)/2)
			den += caseWeight[i] * float64(len(controls))
		}
		if den == 0 {
			return nil, fmt.Errorf("%w: no case (event at or before t = %v)", ErrNoComparablePairs, t)
		}
		res.AUC[k] = num / den
	}
	mean, err := KaplanMeierWeightedMean(test, times, res.AUC)
	if err != nil {
		return nil, err
	}
	res.Mean = mean
	return res, nil
}

// KaplanMeierWeightedMean averages values v_k observed at increasing times
// t_k with the weights of scikit-survival's mean AUC: the decrements of the
// Kaplan–Meier curve of o,
//
//	mean = Σ_k v_k (Ŝ(t_{k−1}) − Ŝ(t_k)) / (1 − Ŝ(t_last)),  Ŝ(t_0) = 1,
//
// so each time counts by the share of deaths it covers. One time gives v_0.
// Errors: mismatched lengths, and ErrNoComparablePairs when no event
// precedes the last time (all weights zero).
func KaplanMeierWeightedMean(o Outcomes, times, values []float64) (float64, error) {
	if len(times) != len(values) || len(times) == 0 {
		return 0, fmt.Errorf("%w: %d times for %d values", ErrLengthMismatch, len(times), len(values))
	}
	if len(times) == 1 {
		return values[0], nil
	}
	km, err := KaplanMeier(o, nil)
	if err != nil {
		return 0, err
	}
	prev, sum := 1.0, 0.0
	for k, t := range times {
		s := km.At(t)
		sum += values[k] * (prev - s)
		prev = s
	}
	if prev == 1 {
		return 0, fmt.Errorf("%w: no event before the last time %v", ErrNoComparablePairs, times[len(times)-1])
	}
	return sum / (1 - prev), nil
}

// checkFollowUpTimes requires strictly increasing times within
// [min T, max T) of the outcomes.
func checkFollowUpTimes(o Outcomes, times []float64) error {
	if err := validateTimes(times); err != nil {
		return err
	}
	lo, hi := slices.Min(o.Time), slices.Max(o.Time)
	for k, t := range times {
		if t < lo || t >= hi {
			return &InputError{Field: "times", Index: k, Value: t,
				Err: fmt.Errorf("%w [%v, %v)", ErrOutsideFollowUp, lo, hi)}
		}
	}
	return nil
}
