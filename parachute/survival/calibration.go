// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"
	"sort"
)

// CalibrationBin summarises one risk bin of a calibration diagram.
type CalibrationBin struct {
	N            int     `json:"n"`             // subjects in the bin
	Events       int     `json:"events"`        // events observed at or before the horizon
	Predicted    float64 `json:"predicted"`     // mean predicted event probability by the horizon
	MinPredicted float64 `json:"min_predicted"` // smallest predicted probability in the bin
	MaxPredicted float64 `json:"max_predicted"` // largest predicted probability in the bin
	// Observed is the Kaplan–Meier event probability 1 − Ŝ(horizon) of the bin.
	Observed float64 `json:"observed"`
	// Lower and Upper are its pointwise confidence limits (1 − upper and
	// 1 − lower limit of Ŝ).
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// Calibration is a calibration diagram at one horizon.
type Calibration struct {
	Horizon float64
	Bins    []CalibrationBin
}

// CalibrationAt compares predicted and observed event probabilities by the
// horizon. eventProb[i] is the predicted probability that subject i has the
// event by the horizon, 1 − S(horizon | x_i). Subjects are sorted by it and
// cut into bins of as equal size as possible (quantile bins); a run of equal
// predictions is never split, so ties can make bins unequal or fewer than
// asked. In each bin the observed probability is 1 − Ŝ(horizon) of the bin's
// Kaplan–Meier curve, with pointwise limits from opts (nil: 95 %, log scale);
// a bin whose last follow-up ends before the horizon carries its last value
// forward (as R's summary(survfit, times, extend = TRUE)).
//
// The horizon must lie in (0, max T) of the outcomes. Returns the errors of
// [Outcomes.Validate], ErrInvalidProbability for predictions outside [0, 1],
// ErrOutsideFollowUp for the horizon and ErrInvalidArgument for a bin count
// outside [1, n]. Cost: O(n log n).
func CalibrationAt(o Outcomes, eventProb []float64, horizon float64, bins int, opts *KMOptions) (*Calibration, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := validateProbabilities("eventProb", eventProb, o.Len()); err != nil {
		return nil, err
	}
	if !(horizon > 0 && horizon < o.MaxTime()) {
		return nil, fmt.Errorf("%w: horizon %v not in (0, %v)", ErrOutsideFollowUp, horizon, o.MaxTime())
	}
	n := o.Len()
	if bins < 1 || bins > n {
		return nil, fmt.Errorf("%w: %d bins for %d subjects", ErrInvalidArgument, bins, n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return eventProb[order[a]] < eventProb[order[b]] })
	cal := &Calibration{Horizon: horizon}
	start := 0
	for b := 1; b <= bins && start < n; b++ {
		end := b * n / bins
		if end <= start {
			continue
		}
		for end < n && eventProb[order[end]] == eventProb[order[end-1]] {
			end++
		}
		idx := order[start:end]
		km, err := KaplanMeier(o.Subset(idx), opts)
		if err != nil {
			return nil, err
		}
		bin := CalibrationBin{N: len(idx), MinPredicted: math.Inf(1), MaxPredicted: math.Inf(-1)}
		for _, i := range idx {
			p := eventProb[i]
			bin.Predicted += p / float64(len(idx))
			bin.MinPredicted = math.Min(bin.MinPredicted, p)
			bin.MaxPredicted = math.Max(bin.MaxPredicted, p)
			if o.Event[i] && o.Time[i] <= horizon {
				bin.Events++
			}
		}
		bin.Observed = 1 - km.At(horizon)
		bin.Lower = 1 - km.UpperAt(horizon)
		bin.Upper = 1 - km.LowerAt(horizon)
		cal.Bins = append(cal.Bins, bin)
		start = end
	}
	return cal, nil
}
