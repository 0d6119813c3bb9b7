// SPDX-License-Identifier: Apache-2.0

package scoring_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

func loadReference(t *testing.T, name string) *testutil.ScoringReference {
	t.Helper()
	return testutil.LoadScoringReference(t, ".", name)
}

// TestScoreMatchesR scores each dataset's test part against its training
// part with the package's rules (no option given) and compares every metric
// with R.
func TestScoreMatchesR(t *testing.T) {
	for _, name := range testutil.ScoringDatasets {
		t.Run(name, func(t *testing.T) {
			ref := loadReference(t, name)
			train, test := ref.Part(ref.TrainRows), ref.Part(ref.TestRows)
			r := scoring.Score(test, &train, scoring.Options{CalibrationBins: ref.CalibrationBins})
			testutil.CheckScoringReport(t, r, ref)
		})
	}
}

// TestReferencesTellThePlausibleBugsApart makes sure each reference file can
// catch the bugs it was written for: G estimated on the test part, the
// log-rank split at the test median and horizons from the test part give
// values far outside the comparison tolerance.
func TestReferencesTellThePlausibleBugsApart(t *testing.T) {
	for _, name := range testutil.ScoringDatasets {
		ref := loadReference(t, name)
		e, a := ref.Expected, ref.Alternatives
		if math.Abs(e.UnoC-a.UnoCGFromTest) < 1e-6 || math.Abs(e.MeanAUC-a.MeanAUCGFromTest) < 1e-6 {
			t.Errorf("%s: G from the test part changes Uno's C by %g and the mean AUC by %g", name,
				e.UnoC-a.UnoCGFromTest, e.MeanAUC-a.MeanAUCGFromTest)
		}
		if a.LogRankTestMedian.High == e.LogRank.High || math.Abs(a.LogRankTestMedian.ChiSq-e.LogRank.ChiSq) < 1e-6 {
			t.Errorf("%s: the test median splits like the training median", name)
		}
		if slices.Equal(a.TimesFromTest, e.Times) {
			t.Errorf("%s: horizons from the test part equal those from the training part", name)
		}
	}
}

// TestScoreTakesGivenTimesTauAndSurvival checks that explicit options
// replace the rules: R's own S(t | x) given as a matrix gives R's Brier
// score, and an explicit τ is used as given.
func TestScoreTakesGivenTimesTauAndSurvival(t *testing.T) {
	ref := loadReference(t, "pbc")
	train, test := ref.Part(ref.TrainRows), ref.Part(ref.TestRows)
	r := scoring.Score(test, &train, scoring.Options{Times: ref.Expected.Times, Surv: ref.Expected.Surv,
		Tau: ref.Expected.Tau, CalibrationBins: ref.CalibrationBins})
	testutil.CheckScoringReport(t, r, ref)
	tau := ref.Expected.Times[1]
	r = scoring.Score(test, &train, scoring.Options{Tau: tau})
	want, err := survival.ConcordanceIndexIPCW(test.Outcomes, test.Risk, &survival.IPCWOptions{Train: &train.Outcomes, Tau: tau})
	if err != nil {
		t.Fatal(err)
	}
	if float64(r.Tau) != tau || float64(r.UnoC) != want.Index {
		t.Errorf("τ %v: report τ %v, Uno's C %v; want %v", tau, r.Tau, r.UnoC, want.Index)
	}
}

// TestHorizonsAndTau checks the two rules on a hand-made example.
func TestHorizonsAndTau(t *testing.T) {
	train := survival.Outcomes{Time: []float64{1, 2, 3, 4, 5, 6, 7, 8}, Event: []bool{true, true, false, true, true, false, true, true}}
	test := survival.Outcomes{Time: []float64{1.5, 2.5, 6.5}, Event: []bool{true, false, true}}
	// Training event times 1 2 4 5 7 8: type-1 quartiles 2, 4, 7 (ranks
	// ⌈6p⌉ = 2, 3, 5); 7 is beyond the last test time 6.5.
	if got := scoring.Horizons(&train, test); !slices.Equal(got, []float64{2, 4}) {
		t.Errorf("horizons %v, want [2 4]", got)
	}
	// Without a training set the test set is its own reference: events 1.5
	// and 6.5 give quartiles 1.5, 1.5, 6.5; 6.5 is the last test time.
	if got := scoring.Horizons(nil, test); !slices.Equal(got, []float64{1.5}) {
		t.Errorf("horizons without training set %v, want [1.5]", got)
	}
	if got := scoring.Tau(&train, test); got != 6.5 {
		t.Errorf("tau %v, want 6.5", got)
	}
	short := survival.Outcomes{Time: []float64{1, 2, 3}, Event: []bool{true, true, true}}
	if got := scoring.Tau(&short, test); got != 3 {
		t.Errorf("tau %v, want 3 (the last training time)", got)
	}
}

// TestScoreWithoutTrainingSet: the test set serves as its own censoring
// reference and median, and the report says so; without survival
// predictions or training risks the Brier score is undefined, with a reason.
func TestScoreWithoutTrainingSet(t *testing.T) {
	ref := loadReference(t, "lung")
	test := ref.Part(ref.TestRows)
	r := scoring.Score(test, nil, scoring.Options{})
	if r.Censoring != "test" || r.LogRank.ThresholdFrom != "test" {
		t.Errorf("censoring from %q, threshold from %q; want test, test", r.Censoring, r.LogRank.ThresholdFrom)
	}
	want, err := survival.ConcordanceIndexIPCW(test.Outcomes, test.Risk, &survival.IPCWOptions{Tau: test.Outcomes.MaxTime()})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "uno_c", float64(r.UnoC), want.Index, 0)
	// No predicted survival and no training risks: Brier, IBS and
	// calibration are not computed, which is the input's doing, not an
	// undefined metric of the data.
	if !math.IsNaN(float64(r.IBS)) || len(r.NotComputed) != 1 || !strings.Contains(r.NotComputed[0], "no predicted survival") || len(r.Errors) != 0 {
		t.Errorf("IBS %v, not computed %v, errors %v", r.IBS, r.NotComputed, r.Errors)
	}
}

// TestScoreRecordsUndefinedMetrics: nothing fails silently.
func TestScoreRecordsUndefinedMetrics(t *testing.T) {
	train := scoring.Predictions{Outcomes: survival.Outcomes{Time: []float64{1, 2, 3, 4}, Event: []bool{true, true, false, true}},
		Risk: []float64{0.4, 0.1, 0.3, 0.2}}
	censored := scoring.Predictions{Outcomes: survival.Outcomes{Time: []float64{1.5, 2.5}, Event: []bool{false, false}},
		Risk: []float64{1, 2}}
	r := scoring.Score(censored, &train, scoring.Options{})
	for _, what := range []string{"harrell_c", "uno_c", "logrank", "times"} {
		if !hasError(r, what, "") {
			t.Errorf("no error for %s: %v", what, r.Errors)
		}
	}
	if !math.IsNaN(float64(r.HarrellC)) {
		t.Errorf("Harrell's C of an all-censored test set = %v", r.HarrellC)
	}
	// One horizon: the integrated Brier score needs two, and says so.
	test := scoring.Predictions{Outcomes: survival.Outcomes{Time: []float64{1.5, 2.5, 3.5}, Event: []bool{true, true, false}},
		Risk: []float64{0.5, 0.2, 0.1}}
	r = scoring.Score(test, &train, scoring.Options{Times: []float64{2}})
	if math.IsNaN(float64(r.Brier[0])) || !math.IsNaN(float64(r.IBS)) || !hasError(r, "ibs", "two times") {
		t.Errorf("Brier %v, IBS %v, errors %v", r.Brier, r.IBS, r.Errors)
	}
}

func hasError(r *scoring.Report, metric, reason string) bool {
	for _, e := range r.Errors {
		if strings.HasPrefix(e, metric+":") && strings.Contains(e, reason) {
			return true
		}
	}
	return false
}

func floats(ns []scoring.Number) []float64 {
	out := make([]float64, len(ns))
	for i, n := range ns {
		out[i] = float64(n)
	}
	return out
}
