// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
)

// foldUnits builds units of k folds × seeds, the reference ahead by
// diff[f] on fold f (the same on every seed, plus a seed-level wobble that
// averages out within the fold).
func foldUnits(diff []float64, seeds int) []stats.Unit {
	var units []stats.Unit
	for s := range seeds {
		for f, d := range diff {
			wobble := 0.01 * float64(s-(seeds-1)/2)
			units = append(units, stats.Unit{Cluster: fmt.Sprint("fold ", f), Reference: 0.7 + d + wobble, Other: 0.7 + wobble})
		}
	}
	return units
}

// TestCompareAveragesWithinClusters: 3 seeds × 5 folds are 15 units but 5
// pairs; the mean difference and the Wilcoxon p are those of the fold
// means, worked by hand.
func TestCompareAveragesWithinClusters(t *testing.T) {
	diff := []float64{0.01, 0.02, -0.005, 0.03, 0.04}
	c, err := stats.Compare(foldUnits(diff, 3), 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != 15 || c.Pairs != 5 || c.Wins != 4 || c.Losses != 1 {
		t.Errorf("units %d, pairs %d, won %d / lost %d; want 15, 5, 4 / 1", c.Units, c.Pairs, c.Wins, c.Losses)
	}
	if want := 0.019; math.Abs(c.MeanDiff-want) > 1e-12 {
		t.Errorf("mean difference %v, want %v", c.MeanDiff, want)
	}
	// |d| ranks 2, 3, 1, 4, 5; V = 2+3+4+5 = 14 of 15; exact p = 2 · P(V ≥ 14) = 2 · 2/32.
	if want := 0.125; math.Abs(c.P-want) > 1e-12 || !c.Exact {
		t.Errorf("p %v (exact %v), want %v exact", c.P, c.Exact, want)
	}
	if !(c.Lower <= c.MeanDiff && c.MeanDiff <= c.Upper) || c.Lower < -0.005 || c.Upper > 0.04 {
		t.Errorf("interval [%v, %v] around %v outside the fold differences' range", c.Lower, c.Upper, c.MeanDiff)
	}
	again, _ := stats.Compare(foldUnits(diff, 3), 1)
	if again.Lower != c.Lower || again.Upper != c.Upper {
		t.Error("the bootstrap is not reproducible under one seed")
	}
}

// TestDecideNeedsBothIntervalAndAdjustedP plants each way a loose rule
// could declare a direction.
func TestDecideNeedsBothIntervalAndAdjustedP(t *testing.T) {
	six := []float64{0.01, 0.02, 0.03, 0.04, 0.05, 0.06}
	compare := func(diff []float64) stats.Comparison {
		c, err := stats.Compare(foldUnits(diff, 2), 7)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	neg := func(x []float64) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = -v
		}
		return out
	}
	cases := []struct {
		name   string
		family []stats.Comparison
		want   []stats.Verdict
	}{
		// 6 positive folds: p = 2/64 = 0.031 < 0.05, interval above 0.
		{"alone, 6 folds ahead", []stats.Comparison{compare(six)}, []stats.Verdict{stats.Better}},
		{"alone, 6 folds behind", []stats.Comparison{compare(neg(six))}, []stats.Verdict{stats.Worse}},
		// 5 positive folds: the interval excludes 0 but p = 0.0625.
		{"5 folds: interval alone is not enough", []stats.Comparison{compare(six[:5])}, []stats.Verdict{stats.NoDifference}},
		// Holm doubles the smaller p of two: 0.0625.
		{"in a family of two", []stats.Comparison{compare(six), compare(neg(six))}, []stats.Verdict{stats.NoDifference, stats.NoDifference}},
		{"4 folds: never a direction", []stats.Comparison{compare(six[:4])}, []stats.Verdict{stats.TooFewPairs}},
		// p small but the interval covers 0 cannot happen with one sign; a
		// mixed one: large spread, mean near 0.
		{"interval covers 0", []stats.Comparison{compare([]float64{0.05, -0.04, 0.03, -0.06, 0.02, -0.01})}, []stats.Verdict{stats.NoDifference}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stats.Decide(tc.family, tc.name)
			for i, c := range tc.family {
				if c.Verdict != tc.want[i] {
					t.Errorf("comparison %d: %q (pairs %d, [%+.4f, %+.4f], p %.4g, adjusted %.4g); want %q",
						i, c.Verdict, c.Pairs, c.Lower, c.Upper, c.P, c.PAdjusted, tc.want[i])
				}
				if c.Family != len(tc.family) {
					t.Errorf("family %d, want %d", c.Family, len(tc.family))
				}
			}
		})
	}
}

func TestDecideAdjustsWithHolm(t *testing.T) {
	family := []stats.Comparison{{P: 0.01, Pairs: 9}, {P: 0.04, Pairs: 9}, {P: math.NaN(), Pairs: 9}}
	stats.Decide(family, "three")
	for i, want := range []float64{0.02, 0.04, math.NaN()} {
		if got := family[i].PAdjusted; math.IsNaN(want) != math.IsNaN(got) || !math.IsNaN(want) && math.Abs(got-want) > 1e-15 {
			t.Errorf("adjusted p[%d] = %v, want %v", i, got, want)
		}
	}
}

func TestCompareRefusals(t *testing.T) {
	if _, err := stats.Compare(nil, 1); err == nil {
		t.Error("no units accepted")
	}
	if _, err := stats.Compare([]stats.Unit{{Cluster: "f", Reference: math.NaN(), Other: 1}}, 1); err == nil || !strings.Contains(err.Error(), `"f"`) {
		t.Errorf("NaN: %v", err)
	}
}

func TestMinimumPAndSide(t *testing.T) {
	if got := stats.MinimumP(5); got != 0.0625 {
		t.Errorf("MinimumP(5) = %v", got)
	}
	for _, c := range []struct {
		lo, hi, v float64
		want      string
	}{{0.62, 0.7, 0.6, "above"}, {0.4, 0.49, 0.5, "below"}, {0.58, 0.66, 0.6, "not distinguishable from"}} {
		if got := stats.Side(c.lo, c.hi, c.v); got != c.want {
			t.Errorf("Side(%v, %v, %v) = %q, want %q", c.lo, c.hi, c.v, got, c.want)
		}
	}
}

// TestSpearmanWorkedByHand: without ties ρ = 1 − 6Σd²/(n(n² − 1)); y a
// two-swap of x gives 1 − 6·4/120 = 0.8; with ties, the mid-ranks
// (1, 2.5, 2.5, 4) against (1, 2, 3, 4) give 0.9486832980505138
// (= 3/√10, as R's cor(c(1,2,2,3), 1:4, method = "spearman")).
func TestSpearmanWorkedByHand(t *testing.T) {
	if r, err := stats.Spearman([]float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}); err != nil || math.Abs(r-0.8) > 1e-15 {
		t.Errorf("ρ = %v (%v), want 0.8", r, err)
	}
	if r, _ := stats.Spearman([]float64{1, 2, 2, 3}, []float64{1, 2, 3, 4}); math.Abs(r-3/math.Sqrt(10)) > 1e-15 {
		t.Errorf("ρ with ties = %v, want 3/√10", r)
	}
	if _, err := stats.Spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); err == nil {
		t.Error("a constant variable accepted")
	}
}
