// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// DCalibration is the distribution calibration test of Haider et al.
// (JMLR 2020): under a calibrated model the predicted survival probability
// at each patient's own time is uniform on [0, 1].
type DCalibration struct {
	// Counts[j] is the (fractional) number of patients whose S_i(T_i) falls
	// in bin j, [j/B, (j+1)/B) (the last bin closed); N the patients.
	Counts []float64 `json:"counts"`
	N      int       `json:"n"`
	// Statistic is Pearson's χ² of Counts against N/B each; DF = B − 1; P
	// its upper tail.
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
}

// DCalibrationTest computes D-calibration from each patient's predicted
// survival at their own observed time, survAtTime[i] = Ŝ_i(T_i), with B
// equal-width bins of [0, 1]. A patient with an event adds 1 to the bin
// holding s = Ŝ_i(T_i). A censored patient's death is, under the model,
// uniform in survival probability on [0, s], so it adds (s − l)/s to the
// bin [l, u) holding s and (u − l)/s to every bin below it (a censored
// patient with s = 0 adds 1 to the first bin). Then
//
//	X² = Σ_j (Counts_j − N/B)² / (N/B),   df = B − 1.
//
// A small p says the predicted survival curves are not calibrated as
// distributions. Returns the errors of Outcomes.Validate,
// ErrLengthMismatch, ErrInvalidProbability, and an error for fewer than two
// bins.
func DCalibrationTest(o Outcomes, survAtTime []float64, bins int) (DCalibration, error) {
	if err := o.Validate(); err != nil {
		return DCalibration{}, err
	}
	if bins < 2 {
		return DCalibration{}, fmt.Errorf("survival: D-calibration with %d bins (at least 2)", bins)
	}
	if err := validateProbabilities("survAtTime", survAtTime, o.Len()); err != nil {
		return DCalibration{}, err
	}
	b := float64(bins)
	res := DCalibration{Counts: make([]float64, bins), N: o.Len(), DF: bins - 1}
	binOf := func(s float64) int { return min(int(s*b), bins-1) }
	for i, s := range survAtTime {
		switch {
		case o.Event[i]:
			res.Counts[binOf(s)]++
		case s == 0:
			res.Counts[0]++
		default:
			j := binOf(s)
			res.Counts[j] += (s - float64(j)/b) / s
			for k := range j {
				res.Counts[k] += 1 / (b * s)
			}
		}
	}
	expected := float64(o.Len()) / b
	for _, c := range res.Counts {
		res.Statistic += (c - expected) * (c - expected) / expected
	}
	res.P = distuv.ChiSquared{K: float64(res.DF)}.Survival(res.Statistic)
	return res, nil
}
