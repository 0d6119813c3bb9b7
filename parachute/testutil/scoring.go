// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/scoring"
)

// LoadScoringReference reads parachute/scoring/testdata/reference/scoring_NAME.json;
// dir is the path of parachute/scoring from the calling test's folder.
func LoadScoringReference(t testing.TB, dir, name string) *ScoringReference {
	t.Helper()
	var ref ScoringReference
	LoadReference(t, filepath.Join(dir, "testdata", "reference", "scoring_"+name+".json"), &ref)
	return &ref
}

// ScoringDatasets are the datasets of the scoring references.
var ScoringDatasets = []string{"lung", "veteran", "pbc"}

// ScoringReference is one file of parachute/scoring/testdata/reference
// (written by gen/scoring.R there): a dataset, its train/test split and what
// R computes for the test part scored against the training part.
type ScoringReference struct {
	TrainRows       []int     `json:"train_rows"`
	TestRows        []int     `json:"test_rows"`
	Time            []float64 `json:"time"`
	Event           []bool    `json:"event"`
	Risk            []float64 `json:"risk"`
	CalibrationBins int       `json:"calibration_bins"`
	Expected        struct {
		HarrellC float64     `json:"harrell_c"`
		UnoC     float64     `json:"uno_c"`
		Tau      float64     `json:"tau"`
		Times    []float64   `json:"times"`
		AUC      []float64   `json:"auc"`
		MeanAUC  float64     `json:"mean_auc"`
		KM       []float64   `json:"km"`
		Surv     [][]float64 `json:"surv"`
		Brier    []float64   `json:"brier"`
		IBS      float64     `json:"ibs"`
		LogRank  RLogRank    `json:"logrank"`
		// Calibration per horizon.
		Calibration []struct {
			Horizon float64 `json:"horizon"`
			Bins    []struct {
				N         int     `json:"n"`
				Predicted float64 `json:"predicted"`
				Observed  float64 `json:"observed"`
				Lower     Float   `json:"lower"` // NA where the bin's S(h) = 0
				Upper     Float   `json:"upper"`
			} `json:"bins"`
		} `json:"calibration"`
	} `json:"expected"`
	Alternatives struct {
		UnoCGFromTest     float64   `json:"uno_c_g_from_test"`
		MeanAUCGFromTest  float64   `json:"mean_auc_g_from_test"`
		LogRankTestMedian RLogRank  `json:"logrank_test_median"`
		TimesFromTest     []float64 `json:"times_from_test"`
	} `json:"alternatives"`
}

// RLogRank is a log-rank split and test as R reports it.
type RLogRank struct {
	Threshold float64 `json:"threshold"`
	High      int     `json:"n_high"`
	Low       int     `json:"n_low"`
	ChiSq     float64 `json:"chisq"`
	P         float64 `json:"p"`
}

// Part returns the predictions (outcomes and risks) of the rows.
func (r *ScoringReference) Part(rows []int) scoring.Predictions {
	var p scoring.Predictions
	for _, i := range rows {
		p.Outcomes.Time = append(p.Outcomes.Time, r.Time[i])
		p.Outcomes.Event = append(p.Outcomes.Event, r.Event[i])
		p.Risk = append(p.Risk, r.Risk[i])
	}
	return p
}

// CheckScoringReport compares a report with a scoring reference, at the
// tolerance of the same estimator computed twice in float64 (SameEstimator).
func CheckScoringReport(t testing.TB, r *scoring.Report, ref *ScoringReference) {
	t.Helper()
	e := ref.Expected
	if len(r.Errors) > 0 {
		t.Errorf("errors: %v", r.Errors)
	}
	if r.Censoring != "train" {
		t.Errorf("censoring distribution from %q, want train", r.Censoring)
	}
	CheckClose(t, "harrell_c", float64(r.HarrellC), e.HarrellC, SameEstimator)
	CheckClose(t, "tau", float64(r.Tau), e.Tau, 0)
	CheckClose(t, "uno_c", float64(r.UnoC), e.UnoC, SameEstimator)
	CheckAllClose(t, "times", r.Times, e.Times, 0)
	CheckAllClose(t, "auc", numbers(r.AUC), e.AUC, SameEstimator)
	CheckClose(t, "mean_auc", float64(r.MeanAUC), e.MeanAUC, SameEstimator)
	CheckAllClose(t, "km", numbers(r.KM), e.KM, SameEstimator)
	CheckAllClose(t, "brier", numbers(r.Brier), e.Brier, SameEstimator)
	CheckClose(t, "ibs", float64(r.IBS), e.IBS, SameEstimator)
	lr := r.LogRank
	if lr.ThresholdFrom != "train" || lr.High != e.LogRank.High || lr.Low != e.LogRank.Low {
		t.Errorf("log-rank split %s median %v: %d high, %d low; want train median %v: %d high, %d low",
			lr.ThresholdFrom, lr.Threshold, lr.High, lr.Low, e.LogRank.Threshold, e.LogRank.High, e.LogRank.Low)
	}
	CheckClose(t, "logrank threshold", lr.Threshold, e.LogRank.Threshold, SameEstimator)
	CheckClose(t, "logrank chisq", float64(lr.ChiSq), e.LogRank.ChiSq, SameEstimator)
	CheckClose(t, "logrank p", float64(lr.P), e.LogRank.P, SameEstimator)
	if len(r.Calibration) != len(e.Calibration) {
		t.Fatalf("%d calibration horizons, want %d", len(r.Calibration), len(e.Calibration))
	}
	for k, c := range r.Calibration {
		want := e.Calibration[k]
		if c.Horizon != want.Horizon || len(c.Bins) != len(want.Bins) {
			t.Errorf("calibration %d: horizon %v with %d bins, want %v with %d", k, c.Horizon, len(c.Bins), want.Horizon, len(want.Bins))
			continue
		}
		for b, bin := range c.Bins {
			w := want.Bins[b]
			if bin.N != w.N {
				t.Errorf("calibration at %v, bin %d: %d patients, want %d", c.Horizon, b, bin.N, w.N)
			}
			CheckClose(t, "calibration predicted", bin.Predicted, w.Predicted, SameEstimator)
			CheckClose(t, "calibration observed", bin.Observed, w.Observed, SameEstimator)
			lower, upper := float64(w.Lower), float64(w.Upper)
			if math.IsNaN(lower) && bin.Observed == 1 {
				// R has no log-scale limits where S has dropped to 0; package
				// survival puts both at S = 0, so both event-probability
				// limits are 1.
				lower, upper = 1, 1
			}
			CheckClose(t, "calibration lower", bin.Lower, lower, SameEstimator)
			CheckClose(t, "calibration upper", bin.Upper, upper, SameEstimator)
		}
	}
}

func numbers(ns []scoring.Number) []float64 {
	out := make([]float64, len(ns))
	for i, n := range ns {
		out[i] = float64(n)
	}
	return out
}
