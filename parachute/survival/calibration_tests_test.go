// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestRecalibrationMatchesR compares the calibration intercept and slope
// with R's glm on IPC-weighted statuses (testdata/gen/recalibration.R).
func TestRecalibrationMatchesR(t *testing.T) {
	var raw struct {
		Time  []float64 `json:"time"`
		Event []bool    `json:"event"`
		Cases []struct {
			Name      string    `json:"name"`
			Horizon   float64   `json:"horizon"`
			P         []float64 `json:"p"`
			Intercept float64   `json:"intercept"`
			Slope     float64   `json:"slope"`
			Known     int       `json:"known"`
		} `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "recalibration.json"), &raw)
	if len(raw.Cases) < 6 {
		t.Fatalf("%d cases", len(raw.Cases))
	}
	o := survival.Outcomes{Time: raw.Time, Event: raw.Event}
	for _, c := range raw.Cases {
		t.Run(c.Name, func(t *testing.T) {
			r, err := survival.RecalibrationAt(o, c.P, c.Horizon, survival.BootstrapOptions{Replicates: 50, Level: 0.95, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			if r.Known != c.Known {
				t.Errorf("known statuses %d, R %d", r.Known, c.Known)
			}
			testutil.CheckClose(t, "intercept", r.Intercept, c.Intercept, 1e-8)
			testutil.CheckClose(t, "slope", r.Slope, c.Slope, 1e-8)
			if !(r.InterceptLower <= r.Intercept && r.Intercept <= r.InterceptUpper && r.SlopeLower <= r.Slope && r.Slope <= r.SlopeUpper) {
				t.Errorf("intervals [%v, %v] and [%v, %v] miss their estimates %v, %v",
					r.InterceptLower, r.InterceptUpper, r.SlopeLower, r.SlopeUpper, r.Intercept, r.Slope)
			}
		})
	}
}

// TestDCalibrationByHand works four patients into four bins by hand: an
// event at Ŝ = 0.1 (bin 0), an event at 0.9 (bin 3), a censoring at 0.6
// (1/6 into bin 2, 0.25/0.6 = 5/12 into bins 0 and 1) and one at 1 (0.25
// into each bin). Counts 5/3, 2/3, 5/12, 5/4 against 1 each:
// X² = 4/9 + 1/9 + 49/144 + 1/16 = 138/144 on 3 df, whose upper tail is
// 2(1 − Φ(√x)) + √(2x/π) e^{−x/2}.
func TestDCalibrationByHand(t *testing.T) {
	o := survival.Outcomes{Time: []float64{1, 2, 3, 4}, Event: []bool{true, true, false, false}}
	d, err := survival.DCalibrationTest(o, []float64{0.1, 0.9, 0.6, 1}, 4)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "counts", d.Counts, []float64{5.0 / 3, 2.0 / 3, 5.0 / 12, 5.0 / 4}, 1e-14)
	x := 138.0 / 144
	testutil.CheckClose(t, "statistic", d.Statistic, x, 1e-14)
	p := 2*(1-distuv.UnitNormal.CDF(math.Sqrt(x))) + math.Sqrt(2*x/math.Pi)*math.Exp(-x/2)
	testutil.CheckClose(t, "p", d.P, p, 1e-12)
	if d.DF != 3 || d.N != 4 {
		t.Errorf("df %d, n %d", d.DF, d.N)
	}
}

// TestDCalibrationSeparatesTrueFromWrongCurves simulates exponential
// survival with rate λ_i and independent censoring: the true curves
// S_i(t) = exp(−λ_i t) pass, curves with rates doubled fail.
func TestDCalibrationSeparatesTrueFromWrongCurves(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n := 2000
	o := survival.Outcomes{Time: make([]float64, n), Event: make([]bool, n)}
	rate := make([]float64, n)
	for i := range n {
		rate[i] = math.Exp(rng.NormFloat64())
		death, censor := rng.ExpFloat64()/rate[i], rng.ExpFloat64()/(0.5*rate[i]+0.3)
		o.Time[i], o.Event[i] = math.Min(death, censor), death <= censor
	}
	at := func(scale float64) []float64 {
		s := make([]float64, n)
		for i := range n {
			s[i] = math.Exp(-scale * rate[i] * o.Time[i])
		}
		return s
	}
	good, err := survival.DCalibrationTest(o, at(1), 10)
	if err != nil {
		t.Fatal(err)
	}
	bad, _ := survival.DCalibrationTest(o, at(2), 10)
	if good.P < 0.01 || bad.P > 1e-6 {
		t.Errorf("true curves p = %.3g (want ≥ 0.01), doubled hazards p = %.3g (want tiny)", good.P, bad.P)
	}
	total := 0.0
	for _, c := range good.Counts {
		total += c
	}
	testutil.CheckClose(t, "counts sum to n", total, float64(n), 1e-9)
}

func TestCalibrationTestsRefuse(t *testing.T) {
	o := survival.Outcomes{Time: []float64{1, 2}, Event: []bool{true, false}}
	if _, err := survival.DCalibrationTest(o, []float64{0.5, 1.2}, 10); !errors.Is(err, survival.ErrInvalidProbability) {
		t.Errorf("S = 1.2: %v", err)
	}
	if _, err := survival.DCalibrationTest(o, []float64{0.5}, 10); err == nil {
		t.Error("one prediction for two patients accepted")
	}
	if _, err := survival.DCalibrationTest(o, []float64{0.5, 0.5}, 1); err == nil {
		t.Error("one bin accepted")
	}
	// Every known status is an event: the slope is not identifiable.
	all := survival.Outcomes{Time: []float64{1, 2, 3}, Event: []bool{true, true, true}}
	if _, err := survival.RecalibrationAt(all, []float64{0.2, 0.5, 0.7}, 5, survival.BootstrapOptions{Replicates: 10, Level: 0.95, Seed: 1}); err == nil {
		t.Error("a slope fitted with no control")
	}
}
