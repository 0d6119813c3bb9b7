// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestMannWhitneyUMatchesR compares W, the p-value and the route with R's
// wilcox.test(x, y), and the Benjamini–Hochberg values with p.adjust
// (testdata/gen/mannwhitney.R).
func TestMannWhitneyUMatchesR(t *testing.T) {
	var raw struct {
		Cases []struct {
			Name  string    `json:"name"`
			X     []float64 `json:"x"`
			Y     []float64 `json:"y"`
			W     float64   `json:"w"`
			P     float64   `json:"p"`
			Exact bool      `json:"exact"`
		} `json:"cases"`
		BH []struct {
			Name string     `json:"name"`
			P    []*float64 `json:"p"`
			Q    []*float64 `json:"q"`
		} `json:"bh"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "mannwhitney.json"), &raw)
	if len(raw.Cases) < 9 || len(raw.BH) < 3 {
		t.Fatalf("%d cases, %d BH cases", len(raw.Cases), len(raw.BH))
	}
	for _, c := range raw.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := stats.MannWhitneyU(c.X, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exact != c.Exact {
				t.Errorf("exact %v, R %v", got.Exact, c.Exact)
			}
			testutil.CheckClose(t, "W", got.W, c.W, testutil.SameEstimator)
			testutil.CheckClose(t, "p", got.P, c.P, testutil.SameEstimator)
		})
	}
	nan := func(v []*float64) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = math.NaN()
			if x != nil {
				out[i] = *x
			}
		}
		return out
	}
	for _, c := range raw.BH {
		t.Run("BH "+c.Name, func(t *testing.T) {
			got, want := stats.BenjaminiHochberg(nan(c.P)), nan(c.Q)
			for i := range want {
				if math.IsNaN(want[i]) != math.IsNaN(got[i]) || !math.IsNaN(want[i]) && math.Abs(got[i]-want[i]) > testutil.SameEstimator*math.Max(1, want[i]) {
					t.Errorf("q[%d] = %v, R %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestMannWhitneyUErrors(t *testing.T) {
	if _, err := stats.MannWhitneyU(nil, []float64{1}); err == nil {
		t.Error("an empty group accepted")
	}
	if _, err := stats.MannWhitneyU([]float64{math.NaN()}, []float64{1}); err == nil {
		t.Error("NaN accepted")
	}
}
