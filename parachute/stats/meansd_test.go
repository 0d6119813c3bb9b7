// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
)

// MeanSD of 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x−m)² = 32, sample SD
// sqrt(32/7) (the n−1 denominator, not the population's sqrt(32/8) = 2).
func TestMeanSD(t *testing.T) {
	m, sd := stats.MeanSD([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if m != 5 || math.Abs(sd-math.Sqrt(32.0/7)) > 1e-15 {
		t.Errorf("mean %v, SD %v; want 5, %v", m, sd, math.Sqrt(32.0/7))
	}
	if m, sd := stats.MeanSD([]float64{3}); m != 3 || sd != 0 {
		t.Errorf("one value: %v, %v", m, sd)
	}
	if m, sd := stats.MeanSD(nil); !math.IsNaN(m) || !math.IsNaN(sd) {
		t.Errorf("no value: %v, %v", m, sd)
	}
}
