// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"errors"
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// TestDegradationReproducesTable5 recomputes the speeds of every row of the
// supplement's Table 5 from its printed deltas. The table prints three
// decimals, so each printed value is within 0.0005 of the unrounded one:
// a speed recomputed from a printed Δ(5→15) or Δ(5→30) must be within
// 0.0005 + 0.0005/k of the printed speed; Δ(15→30) recomputed as the
// difference of two printed deltas is within 0.001 of the printed one, and its
// speed within 0.0005 + 0.001/1.5.
func TestDegradationReproducesTable5(t *testing.T) {
	table5 := []struct {
		name                   string
		d515, d530, d1530      float64
		speed515, speed530, sp float64
	}{
		{"PDA CoxPH", +0.015, +0.011, -0.005, +0.015, +0.004, -0.003},
		{"PDA DRIM", +0.027, -0.031, -0.058, +0.027, -0.012, -0.038},
		{"PDA AttentionMOI", +0.040, -0.056, -0.096, 0.040, -0.022, -0.064},
		{"PDA MMD", -0.040, -0.113, -0.073, -0.040, -0.045, -0.049},
		{"PDA ShaSpec", -0.040, -0.109, -0.069, -0.040, -0.043, -0.046},
		{"PDA PARACHUTE", -0.064, -0.145, -0.081, -0.064, -0.058, -0.054},
		{"UCEC CoxPH", +0.058, -0.036, -0.093, +0.058, -0.014, -0.062},
		{"UCEC DRIM", +0.006, +0.019, +0.013, +0.006, +0.008, +0.009},
		{"UCEC AttentionMOI", -0.009, +0.010, +0.019, -0.009, +0.004, +0.013},
		{"UCEC MMD", -0.016, -0.020, -0.004, -0.016, -0.008, -0.003},
		{"UCEC ShaSpec", -0.031, -0.050, -0.019, -0.031, -0.020, -0.013},
		{"UCEC PARACHUTE", -0.028, -0.034, -0.006, -0.028, -0.014, -0.004},
		{"ccRCC CoxPH", -0.013, +0.049, +0.062, -0.013, +0.020, +0.041},
		{"ccRCC DRIM", +0.066, -0.017, -0.083, +0.066, -0.007, -0.055},
		{"ccRCC AttentionMOI", -0.007, -0.004, +0.003, -0.007, -0.002, +0.002},
		{"ccRCC MMD", -0.004, -0.080, -0.076, -0.004, -0.032, -0.051},
		{"ccRCC ShaSpec", +0.030, -0.042, -0.072, +0.030, -0.017, -0.048},
		{"ccRCC PARACHUTE", +0.023, -0.022, -0.045, 0.023, -0.009, -0.030},
	}
	const half = 0.0005 // half a unit of the printed third decimal
	const slack = 1e-12 // decimal literals are not exact in binary
	for _, row := range table5 {
		// Any baseline works: only differences enter.
		avg5 := 0.7
		d, err := survival.DegradationAnalysis(avg5, avg5+row.d515, avg5+row.d530)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, got, want, tol float64) {
			if math.Abs(got-want) > tol+slack {
				t.Errorf("%s %s = %.5f, printed %.3f (allowed %.5f)", row.name, what, got, want, tol)
			}
		}
		check("Δ(15→30)", d.Delta15to30, row.d1530, 2*half)
		check("speed(5→15)", d.Speed5to15, row.speed515, half+half/1)
		check("speed(5→30)", d.Speed5to30, row.speed530, half+half/2.5)
		check("speed(15→30)", d.Speed15to30, row.sp, half+2*half/1.5)
	}
}

func TestDegradationAnalysisRejectsNaN(t *testing.T) {
	if _, err := survival.DegradationAnalysis(0.7, math.NaN(), 0.6); !errors.Is(err, survival.ErrInvalidArgument) {
		t.Fatalf("err = %v", err)
	}
}
