// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"encoding/json"
	"math"
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
