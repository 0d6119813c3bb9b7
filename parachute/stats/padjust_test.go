// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestPAdjustMatchesR compares Holm and Benjamini–Hochberg with R's
// p.adjust (testdata/gen/padjust.R), NA included.
func TestPAdjustMatchesR(t *testing.T) {
	var raw struct {
		Cases []struct {
			Name string           `json:"name"`
			P    []testutil.Float `json:"p"`
			Holm []testutil.Float `json:"holm"`
			BH   []testutil.Float `json:"bh"`
		} `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "padjust.json"), &raw)
	if len(raw.Cases) < 7 {
		t.Fatalf("%d cases", len(raw.Cases))
	}
	floats := func(x []testutil.Float) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	for _, c := range raw.Cases {
		t.Run(c.Name, func(t *testing.T) {
			p := floats(c.P)
			for name, pair := range map[string][2][]float64{
				"holm": {stats.Holm(p), floats(c.Holm)},
				"BH":   {stats.BenjaminiHochberg(p), floats(c.BH)},
			} {
				got, want := pair[0], pair[1]
				for i := range want {
					if math.IsNaN(want[i]) != math.IsNaN(got[i]) || !math.IsNaN(want[i]) && math.Abs(got[i]-want[i]) > testutil.SameEstimator*math.Max(1, want[i]) {
						t.Errorf("%s q[%d] = %v, R %v", name, i, got[i], want[i])
					}
				}
			}
		})
	}
}
