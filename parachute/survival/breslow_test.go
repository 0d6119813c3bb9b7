// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestBaselineHazardIsShiftInvariantAtExtremeRisks: the partial likelihood
// and the Breslow prediction only see differences of log-risks, so risks
// around 800 (where exp overflows float64) must predict what the same risks
// shifted to 0 predict, and a JSON round trip must predict bit for bit as
// before.
func TestBaselineHazardIsShiftInvariantAtExtremeRisks(t *testing.T) {
	o := survival.Outcomes{Time: []float64{2, 3, 3, 5, 8, 9, 12}, Event: []bool{true, true, false, true, false, true, false}}
	small := []float64{0.3, -1.1, 0.8, 0, 1.7, -0.4, 0.2}
	huge := make([]float64, len(small))
	for i, r := range small {
		huge[i] = r + 800
	}
	b0, err := survival.BreslowBaseline(o, small)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := survival.BreslowBaseline(o, huge)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(b1)
	if err != nil {
		t.Fatal(err)
	}
	var back survival.BaselineHazard
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	for _, tm := range []float64{1, 2, 3, 4, 9, 20} {
		for k, r := range small {
			want := b0.Survival(tm, r)
			got := b1.Survival(tm, huge[k])
			if math.IsNaN(got) || !testutil.Close(got, want, testutil.HandDerived) {
				t.Errorf("S(%v | %v) = %v, want S(%v | %v) = %v", tm, huge[k], got, tm, r, want)
			}
			if again := back.Survival(tm, huge[k]); again != got {
				t.Errorf("after JSON: S(%v | %v) = %v, was %v", tm, huge[k], again, got)
			}
		}
	}
	for _, bad := range []string{
		`{"time":[1,2],"log_cum_hazard":[0.1]}`,
		`{"time":[2,1],"log_cum_hazard":[0.1,0.2]}`,
		`{"time":[1,2],"log_cum_hazard":[0.2,0.1]}`,
		`{"time":[0,2],"log_cum_hazard":[-0.1,0.2]}`,
	} {
		var b survival.BaselineHazard
		if err := json.Unmarshal([]byte(bad), &b); !errors.Is(err, survival.ErrInvalidArgument) {
			t.Errorf("%s: error %v, want ErrInvalidArgument", bad, err)
		}
	}
}

// TestLikelihoodAndBaselineAtSpreadOutRisks: when a risk set excludes the
// largest risk by far (η spread over 800, so that exp underflows), the log
// partial likelihood and the Breslow prediction stay finite and equal their
// values at the same risks shifted (both see only differences of η).
func TestLikelihoodAndBaselineAtSpreadOutRisks(t *testing.T) {
	o := survival.Outcomes{Time: []float64{1, 2, 3, 4, 5}, Event: []bool{false, true, true, false, true}}
	risk := []float64{0, -800, -801.5, -799, -802}
	shifted := make([]float64, len(risk))
	for i, r := range risk {
		shifted[i] = r + 800
	}
	ll, err := survival.CoxPartialLogLikelihood(o, risk)
	if err != nil {
		t.Fatal(err)
	}
	want, err := survival.CoxPartialLogLikelihood(o, shifted)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsInf(ll, 0) || math.IsNaN(ll) || !testutil.Close(ll, want, testutil.HandDerived) {
		t.Errorf("log partial likelihood %v, want %v (the same risks shifted by 800)", ll, want)
	}
	b, err := survival.BreslowBaseline(o, risk)
	if err != nil {
		t.Fatal(err)
	}
	b0, err := survival.BreslowBaseline(o, shifted)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range []float64{2, 3, 5} {
		for i := range risk {
			if got, want := b.Survival(tm, risk[i]), b0.Survival(tm, shifted[i]); !testutil.Close(got, want, testutil.HandDerived) {
				t.Errorf("S(%v | %v) = %v, want %v", tm, risk[i], got, want)
			}
		}
	}
	// The calibration slope is a Newton iteration on ℓ(s·η): widening η by
	// 200 (a spread of about 700) divides it by 200.
	ref := []float64{0.3, -1.2, 2.2, 0.1, -0.5, 1.1, -2, 0.7}
	oc := survival.Outcomes{Time: []float64{3, 9, 1, 7, 6, 2, 12, 5}, Event: []bool{true, true, true, false, true, true, false, true}}
	wide := make([]float64, len(ref))
	for i, r := range ref {
		wide[i] = 200 * r
	}
	s1, err := survival.CalibrationSlope(oc, ref)
	if err != nil {
		t.Fatal(err)
	}
	s200, err := survival.CalibrationSlope(oc, wide)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "slope of 200η × 200", 200*s200, s1, 1e-9)
}
