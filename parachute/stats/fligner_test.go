// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestFlignerKilleenMatchesR compares the statistic, its degrees of
// freedom and the p-value with R's fligner.test (testdata/gen/fligner.R).
func TestFlignerKilleenMatchesR(t *testing.T) {
	var raw struct {
		Cases []struct {
			Name      string      `json:"name"`
			Groups    [][]float64 `json:"groups"`
			Statistic float64     `json:"statistic"`
			DF        int         `json:"df"`
			P         float64     `json:"p"`
		} `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "fligner.json"), &raw)
	if len(raw.Cases) < 7 {
		t.Fatalf("%d cases", len(raw.Cases))
	}
	for _, c := range raw.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := stats.FlignerKilleen(c.Groups)
			if err != nil {
				t.Fatal(err)
			}
			if got.DF != c.DF {
				t.Errorf("df %d, R %d", got.DF, c.DF)
			}
			testutil.CheckClose(t, "statistic", got.Statistic, c.Statistic, testutil.SameEstimator)
			testutil.CheckClose(t, "p", got.P, c.P, testutil.SameEstimator)
		})
	}
}

func TestFlignerKilleenRefusals(t *testing.T) {
	for name, groups := range map[string][][]float64{
		"one group":      {{1, 2, 3}},
		"an empty group": {{1, 2}, {}},
		"NaN":            {{1, math.NaN()}, {1, 2}},
		"no spread":      {{1, 1}, {2, 2}},
	} {
		if _, err := stats.FlignerKilleen(groups); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
