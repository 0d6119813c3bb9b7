// SPDX-License-Identifier: Apache-2.0

package stats_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// TestWilcoxonSignedRankMatchesR compares V, the p-value and the exact or
// approximate route with R's wilcox.test(x, y, paired = TRUE)
// (testdata/gen/wilcoxon.R).
func TestWilcoxonSignedRankMatchesR(t *testing.T) {
	var raw struct {
		Cases []struct {
			Name  string    `json:"name"`
			X     []float64 `json:"x"`
			Y     []float64 `json:"y"`
			V     float64   `json:"v"`
			P     float64   `json:"p"`
			N     int       `json:"n"`
			Zeros int       `json:"zeros"`
		} `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "wilcoxon.json"), &raw)
	if len(raw.Cases) < 9 {
		t.Fatalf("%d cases", len(raw.Cases))
	}
	for _, c := range raw.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := stats.WilcoxonSignedRank(c.X, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != c.N || got.Zeros != c.Zeros {
				t.Errorf("n %d, zeros %d; R %d, %d", got.N, got.Zeros, c.N, c.Zeros)
			}
			testutil.CheckClose(t, "V", got.V, c.V, testutil.SameEstimator)
			testutil.CheckClose(t, "p", got.P, c.P, testutil.SameEstimator)
		})
	}
}

func TestWilcoxonSignedRankErrors(t *testing.T) {
	if _, err := stats.WilcoxonSignedRank([]float64{1, 2}, []float64{1, 2}); !errors.Is(err, stats.ErrTooFewPairs) {
		t.Errorf("all zero differences: %v", err)
	}
	if _, err := stats.WilcoxonSignedRank([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("different lengths accepted")
	}
}
