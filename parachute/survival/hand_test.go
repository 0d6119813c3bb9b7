// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// A training set for the censoring distribution and a test set, small enough
// to work the IPCW estimators out by hand.
//
// Training: 1 event, 2 censored, 3 event, 4 censored, 5 event. Reverse
// Kaplan–Meier: at 2, 4 at risk, 1 censored: G = 3/4; at 4, 2 at risk, 1
// censored: G = 3/8. So G(1.5) = 1, G(2) = 3/4, G(2−) = 1, G(4) = 3/8,
// G(4−) = 3/4.
//
// Test: (1.5, event, risk .9), (2, event, .8), (3.5, censored, .1),
// (4, event, .5), (4.5, censored, .7).
var (
	handTrain = survival.Outcomes{Time: []float64{1, 2, 3, 4, 5}, Event: []bool{true, false, true, false, true}}
	handTest  = survival.Outcomes{Time: []float64{1.5, 2, 3.5, 4, 4.5}, Event: []bool{true, true, false, true, false}}
	handRisk  = []float64{.9, .8, .1, .5, .7}
)

func TestIPCWByHand(t *testing.T) {
	sk := &survival.IPCWOptions{Train: &handTrain}
	r := &survival.IPCWOptions{Train: &handTrain, Convention: survival.RConvention}

	// Comparable pairs: event 1.5 beats all 4 others; event 2 beats 3.5, 4,
	// 4.5; event 4 loses to 4.5. Harrell: 7/8.
	h, err := survival.ConcordanceIndex(handTest, handRisk)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Harrell", h.Index, 7.0/8, testutil.HandDerived)

	// scikit-survival weights 1/G(T)²: 1, 16/9, 64/9.
	// C = (4 + 3·16/9) / (4 + 3·16/9 + 64/9) = 84/148.
	u, err := survival.ConcordanceIndexIPCW(handTest, handRisk, sk)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Uno scikit-survival", u.Index, 84.0/148, testutil.HandDerived)
	// R weights 1/G(T−)²: 1, 1, 16/9. C = 7 / (7 + 16/9) = 63/79.
	u, err = survival.ConcordanceIndexIPCW(handTest, handRisk, r)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Uno R", u.Index, 63.0/79, testutil.HandDerived)
	// τ = 4: scikit-survival drops the event at 4 (4 < τ fails), R keeps it.
	u, err = survival.ConcordanceIndexIPCW(handTest, handRisk, &survival.IPCWOptions{Train: &handTrain, Tau: 4})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Uno scikit-survival τ=4", u.Index, 1, testutil.HandDerived)

	// AUC(4): cases 1.5, 2, 4 against the control 4.5 (risk .7); the case at 4
	// (risk .5) is discordant. scikit-survival weights 1, 4/3, 8/3:
	// (1 + 4/3)/(1 + 4/3 + 8/3) = 7/15. R weights 1, 1, 4/3: 2/(10/3) = 3/5.
	times := []float64{3, 4}
	a, err := survival.CumulativeDynamicAUC(handTest, handRisk, times, sk)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "AUC scikit-survival", a.AUC, []float64{1, 7.0 / 15}, testutil.HandDerived)
	// Mean: test-data Kaplan–Meier S(3) = 3/5, S(4) = 3/5 · 1/2 = 3/10:
	// (1·(2/5) + 7/15·(3/10)) / (7/10).
	testutil.CheckClose(t, "mean AUC", a.Mean, (0.4+7.0/15*0.3)/0.7, testutil.HandDerived)
	a, err = survival.CumulativeDynamicAUC(handTest, handRisk, times, r)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "AUC R", a.AUC, []float64{1, 3.0 / 5}, testutil.HandDerived)

	// Brier(4) with every S = 1/2: cases contribute 1/4·w, the control
	// 1/4·1/G(4) = 1/4·8/3, the censoring at 3.5 nothing.
	// scikit-survival: (1/4·(1 + 4/3 + 8/3) + 2/3)/5 = 23/60.
	// R: (1/4·(1 + 1 + 4/3) + 2/3)/5 = 3/10.
	half := [][]float64{{.5, .5, .5, .5, .5}}
	b, err := survival.BrierScore(handTest, []float64{4}, half, sk)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Brier scikit-survival", b[0], 23.0/60, testutil.HandDerived)
	b, err = survival.BrierScore(handTest, []float64{4}, half, r)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Brier R", b[0], 3.0/10, testutil.HandDerived)
}

func TestBrierScoreProperties(t *testing.T) {
	// Uncensored data and a perfect prediction (S = 1 before the event, 0
	// after) score 0; the opposite prediction scores 1.
	o := survival.Outcomes{Time: []float64{1, 2, 3, 4}, Event: []bool{true, true, true, true}}
	times := []float64{1.5, 2.5, 3.5}
	perfect := make([][]float64, len(times))
	worst := make([][]float64, len(times))
	for k, tk := range times {
		perfect[k] = make([]float64, o.Len())
		worst[k] = make([]float64, o.Len())
		for i, ti := range o.Time {
			if ti > tk {
				perfect[k][i] = 1
			} else {
				worst[k][i] = 1
			}
		}
	}
	b, err := survival.BrierScore(o, times, perfect, nil)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "perfect Brier", b, []float64{0, 0, 0}, 0)
	b, err = survival.BrierScore(o, times, worst, nil)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "worst Brier", b, []float64{1, 1, 1}, 0)
	ibs, err := survival.IntegratedBrierScore(times, b)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "IBS", ibs, 1, testutil.HandDerived)
	// Trapezoid: times 1, 2, 4 and scores 0, 1, 0 → (1/2 + 1)/3.
	ibs, err = survival.IntegratedBrierScore([]float64{1, 2, 4}, []float64{0, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "trapezoid IBS", ibs, 0.5, testutil.HandDerived)
}

func TestKaplanMeierByHand(t *testing.T) {
	// Times 1e, 2e, 2c, 3e, 4c: S(1) = 4/5, S(2) = 4/5·3/4 = 3/5,
	// S(3) = 3/5·1/2 = 3/10; Greenwood: 1/(5·4) + 1/(4·3) + 1/(2·1).
	o := survival.Outcomes{Time: []float64{2, 1, 3, 2, 4}, Event: []bool{true, true, true, false, false}}
	c, err := survival.KaplanMeier(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckAllClose(t, "time", c.Time, []float64{1, 2, 3, 4}, 0)
	testutil.CheckAllClose(t, "surv", c.Surv, []float64{0.8, 0.6, 0.3, 0.3}, testutil.HandDerived)
	testutil.CheckClose(t, "Greenwood", c.StdErr[2]*c.StdErr[2], 1.0/20+1.0/12+1.0/2, testutil.HandDerived)
	for _, tc := range []struct{ t, s float64 }{{0.5, 1}, {1, 0.8}, {1.999, 0.8}, {2, 0.6}, {10, 0.3}} {
		testutil.CheckClose(t, "At", c.At(tc.t), tc.s, testutil.HandDerived)
	}
	// The curve first reaches ≤ 1/2 at 3.
	m, err := c.Median()
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "median", m.Time, 3, 0)
	// S = 1/2 exactly on [2, 4): R's rule gives the midpoint 3.
	flat := survival.Outcomes{Time: []float64{1, 2, 4, 5}, Event: []bool{true, true, true, false}}
	c, _ = survival.KaplanMeier(flat, nil)
	m, _ = c.Median()
	testutil.CheckClose(t, "median of a flat half", m.Time, 3, 0)
}

func TestLogRankByHand(t *testing.T) {
	// Group 0: events at 1 and 3; group 1: events at 2 and 4, no censoring.
	// At 1: n = 4 (2, 2), E0 = 1/2, V = 1/4; at 2: n = 3 (1, 2), E0 = 1/3,
	// V = 2/9; at 3: n = 2 (1, 1), E0 = 1/2, V = 1/4; at 4: n = 1 (0, 1).
	// O0 − E0 = 2 − 4/3 = 2/3, V = 13/18, χ² = (4/9)/(13/18) = 8/13.
	o := survival.Outcomes{Time: []float64{1, 3, 2, 4}, Event: []bool{true, true, true, true}}
	lr, err := survival.LogRankTest(o, []int{0, 0, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "expected", lr.Expected[0], 4.0/3, testutil.HandDerived)
	testutil.CheckClose(t, "variance", lr.Variance[0][0], 13.0/18, testutil.HandDerived)
	testutil.CheckClose(t, "chisq", lr.ChiSq, 8.0/13, testutil.HandDerived)
	if lr.DF != 1 {
		t.Errorf("df = %d", lr.DF)
	}
}

func TestBreslowBaselineByHand(t *testing.T) {
	// Risks 0, ln 2, 0 at times 1e, 2e, 3c: H0(1) = 1/(1+2+1),
	// H0(2) = 1/4 + 1/(2+1).
	o := survival.Outcomes{Time: []float64{1, 2, 3}, Event: []bool{true, true, false}}
	b, err := survival.BreslowBaseline(o, []float64{0, 0.6931471805599453, 0})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "H0(1)", b.At(1), 0.25, testutil.HandDerived)
	testutil.CheckClose(t, "H0(2.5)", b.At(2.5), 0.25+1.0/3, testutil.HandDerived)
	// S(2 | ln 2) = exp(−H0(2)·2) = exp(−7/6).
	testutil.CheckClose(t, "S(2|ln 2)", b.Survival(2, 0.6931471805599453), math.Exp(-7.0/6), testutil.HandDerived)
	// Shifting every risk by a constant leaves predictions unchanged.
	b2, _ := survival.BreslowBaseline(o, []float64{800, 800.6931471805599453, 800})
	testutil.CheckClose(t, "shift invariance", b2.Survival(2, 800.6931471805599453), b.Survival(2, 0.6931471805599453), testutil.HandDerived)
}
