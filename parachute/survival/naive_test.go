// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// The O(n²) definitions below transcribe the pair rules of the doc comments
// literally; the fast implementations must agree with them on random data
// with many ties.

// naiveConcordance returns the pair sums of Harrell's C with per-event
// weights w (nil = 1).
func naiveConcordance(o survival.Outcomes, risk, w []float64) (con, dis, tied float64) {
	for i := range o.Time {
		if !o.Event[i] {
			continue
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		for j := range o.Time {
			comparable := o.Time[j] > o.Time[i] || (o.Time[j] == o.Time[i] && !o.Event[j])
			if i == j || !comparable {
				continue
			}
			switch {
			case risk[i] > risk[j]:
				con += wi
			case risk[i] < risk[j]:
				dis += wi
			default:
				tied += wi
			}
		}
	}
	return con, dis, tied
}

// naiveCensoring evaluates the reverse Kaplan–Meier of train at t, right- or
// left-continuous, from its product definition.
func naiveCensoring(train survival.Outcomes, t float64, left bool) float64 {
	g := 1.0
	seen := map[float64]bool{}
	for _, u := range train.Time {
		if seen[u] || u > t || (left && u == t) {
			continue
		}
		seen[u] = true
		atRisk, events, cens := 0, 0, 0
		for k, v := range train.Time {
			if v >= u {
				atRisk++
			}
			if v == u && train.Event[k] {
				events++
			}
			if v == u && !train.Event[k] {
				cens++
			}
		}
		g *= 1 - float64(cens)/float64(atRisk-events)
	}
	return g
}

func randomOutcomes(rng *rand.Rand, n, timeLevels, riskLevels int) (survival.Outcomes, []float64) {
	o := survival.Outcomes{Time: make([]float64, n), Event: make([]bool, n)}
	risk := make([]float64, n)
	for i := range n {
		o.Time[i] = float64(1 + rng.IntN(timeLevels))
		o.Event[i] = rng.Float64() < 0.6
		risk[i] = float64(rng.IntN(riskLevels)) / 3
	}
	return o, risk
}

func TestConcordanceIndexAgreesWithPairDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		o, risk := randomOutcomes(rng, 2+rng.IntN(40), 1+rng.IntN(12), 1+rng.IntN(8))
		c, err := survival.ConcordanceIndex(o, risk)
		con, dis, tied := naiveConcordance(o, risk, nil)
		if con+dis+tied == 0 {
			if err == nil {
				t.Fatalf("trial %d: no comparable pair but no error", trial)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if float64(c.Concordant) != con || float64(c.Discordant) != dis || float64(c.TiedRisk) != tied {
			t.Fatalf("trial %d: counts %+v, pair definition %v %v %v", trial, c, con, dis, tied)
		}
	}
}

func TestConcordanceIndexIPCWAgreesWithPairDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		test, risk := randomOutcomes(rng, 2+rng.IntN(30), 1+rng.IntN(10), 1+rng.IntN(6))
		train, _ := randomOutcomes(rng, 5+rng.IntN(30), 12, 1)
		train.Time = append(train.Time, 13) // covers every test time
		train.Event = append(train.Event, false)
		for _, conv := range []survival.CensoringConvention{survival.ScikitSurvival, survival.RConvention} {
			tau := float64(rng.IntN(12))
			got, err := survival.ConcordanceIndexIPCW(test, risk, &survival.IPCWOptions{Train: &train, Convention: conv, Tau: tau})
			w := make([]float64, test.Len())
			for i, ti := range test.Time {
				kept := tau == 0 || ti < tau || (conv == survival.RConvention && ti == tau)
				if test.Event[i] && kept {
					g := naiveCensoring(train, ti, conv == survival.RConvention)
					w[i] = 1 / (g * g)
				}
			}
			con, dis, tied := naiveConcordance(test, risk, w)
			if con+dis+tied == 0 {
				if err == nil {
					t.Fatalf("trial %d: zero weighted denominator but no error", trial)
				}
				continue
			}
			if err != nil {
				t.Fatalf("trial %d %v: %v", trial, conv, err)
			}
			testutil.CheckClose(t, "Uno index", got.Index, (con+tied/2)/(con+dis+tied), testutil.HandDerived)
		}
	}
}

func TestCumulativeDynamicAUCAgreesWithPairDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 100 {
		o, risk := randomOutcomes(rng, 10+rng.IntN(30), 8, 5)
		o.Time[0], o.Event[0] = 1, true // a case at every time
		o.Time[1], o.Event[1] = 9, false
		times := []float64{1.5, 3, 6}
		got, err := survival.CumulativeDynamicAUC(o, risk, times, nil)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		for k, tk := range times {
			num, den := 0.0, 0.0
			for i := range o.Time {
				if !o.Event[i] || o.Time[i] > tk {
					continue
				}
				w := 1 / naiveCensoring(o, o.Time[i], false)
				for j := range o.Time {
					if o.Time[j] <= tk {
						continue
					}
					den += w
					if risk[i] > risk[j] {
						num += w
					} else if risk[i] == risk[j] {
						num += w / 2
					}
				}
			}
			testutil.CheckClose(t, "AUC", got.AUC[k], num/den, testutil.HandDerived)
		}
	}
}

func TestConcordanceInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 100 {
		n := 5 + rng.IntN(50)
		o, _ := randomOutcomes(rng, n, 20, 1)
		o.Event[0] = true
		risk := make([]float64, n)
		for i := range risk {
			risk[i] = rng.NormFloat64()
		}
		c, err := survival.ConcordanceIndex(o, risk)
		if err != nil {
			continue // no comparable pair in this draw
		}
		if c.Index < 0 || c.Index > 1 {
			t.Fatalf("C = %v outside [0, 1]", c.Index)
		}
		// Negating continuous risks swaps concordant and discordant pairs.
		neg := make([]float64, n)
		monotone := make([]float64, n)
		perm := rng.Perm(n)
		for i, r := range risk {
			neg[i] = -r
			monotone[i] = math.Exp(3*r) + 7
		}
		cn, _ := survival.ConcordanceIndex(o, neg)
		testutil.CheckClose(t, "C(-risk)", cn.Index, 1-c.Index, testutil.HandDerived)
		cm, _ := survival.ConcordanceIndex(o, monotone)
		testutil.CheckClose(t, "C(monotone(risk))", cm.Index, c.Index, 0)
		po := o.Subset(perm)
		prisk := make([]float64, n)
		for k, i := range perm {
			prisk[k] = risk[i]
		}
		cp, _ := survival.ConcordanceIndex(po, prisk)
		testutil.CheckClose(t, "C(permuted)", cp.Index, c.Index, 0)
		// Without censoring G ≡ 1 and Uno's index equals Harrell's.
		all := survival.Outcomes{Time: o.Time, Event: make([]bool, n)}
		for i := range all.Event {
			all.Event[i] = true
		}
		h, err1 := survival.ConcordanceIndex(all, risk)
		u, err2 := survival.ConcordanceIndexIPCW(all, risk, nil)
		if err1 == nil && err2 == nil {
			testutil.CheckClose(t, "Uno without censoring", u.Index, h.Index, testutil.HandDerived)
		}
	}
}
