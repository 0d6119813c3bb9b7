// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
)

func TestDensitiesPoolByArea(t *testing.T) {
	d, err := Densities([]SlideCells{{Counts: [5]int{100, 10, 0, 1, 50}, TissueAreaMM2: 1}, {Counts: [5]int{300, 30, 40, 3, 50}, TissueAreaMM2: 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := [5]float64{100, 10, 10, 1, 25}
	if d != want {
		t.Errorf("densities %v, want %v", d, want)
	}
	if _, err := Densities(nil); err == nil {
		t.Error("no slides accepted")
	}
	if _, err := Densities([]SlideCells{{TissueAreaMM2: 0}}); err == nil {
		t.Error("a zero tissue area accepted")
	}
}

// CompareGroups runs one rank-sum test per feature, leaves NaN values out,
// and adjusts the p-values together.
func TestCompareGroups(t *testing.T) {
	high := []bool{false, false, false, false, true, true, true, true}
	values := [][]float64{
		{1, 2, 3, 4, 5, 6, 7, 8},
		{1, 5, 2, 6, 3, 7, 4, math.NaN()},
		{1, 1, 1, 1, 1, 1, 1, 1},
	}
	g, err := CompareGroups([]string{"shift", "mixed", "constant"}, values, high)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := stats.MannWhitneyU([]float64{5, 6, 7, 8}, []float64{1, 2, 3, 4})
	if g[0].P != r.P || g[0].W != 16 || g[0].MedianHigh != 6.5 || g[0].MedianLow != 2.5 {
		t.Errorf("shift: %+v (rank-sum %+v)", g[0], r)
	}
	if g[1].Missing != 1 || g[1].NHigh != 3 || g[1].NLow != 4 {
		t.Errorf("mixed: %+v", g[1])
	}
	q := stats.BenjaminiHochberg([]float64{g[0].P, g[1].P, g[2].P})
	for i := range g {
		if g[i].Q != q[i] {
			t.Errorf("%s: q %v, want %v", g[i].Feature, g[i].Q, q[i])
		}
	}
	if _, err := CompareGroups([]string{"a"}, [][]float64{{1}}, []bool{true, false}); err == nil {
		t.Error("a feature of the wrong length accepted")
	}
}

func TestGroupTestJSON(t *testing.T) {
	raw, err := json.Marshal(GroupTest{Feature: "x", P: math.NaN(), Q: math.NaN(), MedianLow: 1, MedianHigh: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(raw); !strings.Contains(s, `"p":null`) || !strings.Contains(s, `"median_low":1`) || !strings.Contains(s, `"median_high":null`) {
		t.Errorf("%s", s)
	}
}

// TestCompareGroupsMeasuresDispersion: a high-risk group three times as
// spread as the low-risk one, at the same level, is found more dispersed
// (Fligner–Killeen, as stats.FlignerKilleen on the two groups), and a
// group that only scales with the level is not, on the log scale.
func TestCompareGroupsMeasuresDispersion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var wide, scaled []float64
	var high []bool
	var lo, hi []float64
	for i := range 120 {
		h := i%2 == 0
		high = append(high, h)
		z := rng.NormFloat64()
		spread := 1.0
		if h {
			spread = 3
		}
		wide = append(wide, 100+10*spread*z)
		if h {
			hi = append(hi, wide[i])
			scaled = append(scaled, 200*math.Exp(0.2*z))
		} else {
			lo = append(lo, wide[i])
			scaled = append(scaled, 100*math.Exp(0.2*z))
		}
	}
	g, err := CompareGroups([]string{"wide", "scaled"}, [][]float64{wide, scaled}, high)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := stats.FlignerKilleen([][]float64{lo, hi})
	if g[0].DispersionP != want.P || g[0].DispersionP > 1e-6 || !(g[0].IQRHigh > 2*g[0].IQRLow) {
		t.Errorf("wide: dispersion p %v (direct %v), IQR %v vs %v", g[0].DispersionP, want.P, g[0].IQRHigh, g[0].IQRLow)
	}
	if g[1].DispersionP > 0.01 || g[1].LogDispersionP < 0.01 {
		t.Errorf("scaled: raw dispersion p %v (want small: spread grows with the level), log p %v (want not small)",
			g[1].DispersionP, g[1].LogDispersionP)
	}
}
