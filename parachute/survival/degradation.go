// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"
)

// Degradation is the missing-modality degradation analysis of the PARACHUTE
// supplement (Section 7, Table 5): how fast a metric (the C-index) changes as
// the missing-modality ratio grows from 5 % to 15 % to 30 %.
type Degradation struct {
	// Avg5, Avg15 and Avg30 are the metric averaged over the masking types
	// (radiology-missing, WSI-missing, mixed) at each missing ratio.
	Avg5, Avg15, Avg30 float64
	// Deltas: Δ(a→b) = Avg_b − Avg_a. Negative values are drops.
	Delta5to15, Delta5to30, Delta15to30 float64
	// Speeds are the deltas per 10 points of missingness: Δ(5→15)/1,
	// Δ(5→30)/2.5 and Δ(15→30)/1.5.
	Speed5to15, Speed5to30, Speed15to30 float64
}

// DegradationAnalysis computes the deltas and per-10-point speeds of Table 5
// from the averages at 5 %, 15 % and 30 % missingness. Returns
// ErrInvalidArgument when an average is NaN or infinite.
func DegradationAnalysis(avg5, avg15, avg30 float64) (Degradation, error) {
	for _, v := range []float64{avg5, avg15, avg30} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Degradation{}, fmt.Errorf("%w: degradation averages %v, %v, %v", ErrInvalidArgument, avg5, avg15, avg30)
		}
	}
	d := Degradation{Avg5: avg5, Avg15: avg15, Avg30: avg30,
		Delta5to15: avg15 - avg5, Delta5to30: avg30 - avg5, Delta15to30: avg30 - avg15}
	d.Speed5to15 = d.Delta5to15 / ((15 - 5) / 10.0)
	d.Speed5to30 = d.Delta5to30 / ((30 - 5) / 10.0)
	d.Speed15to30 = d.Delta15to30 / ((30 - 15) / 10.0)
	return d, nil
}
