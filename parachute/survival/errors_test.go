// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// TestUndefinedInputsReturnErrors checks that every undefined input gives its
// sentinel error, never a number.
func TestUndefinedInputsReturnErrors(t *testing.T) {
	ok := survival.Outcomes{Time: []float64{1, 2, 3, 4}, Event: []bool{true, false, true, false}}
	risk := []float64{4, 3, 2, 1}
	allCensored := survival.Outcomes{Time: []float64{1, 2, 3}, Event: []bool{false, false, false}}
	tiedEvents := survival.Outcomes{Time: []float64{2, 2}, Event: []bool{true, true}}
	cases := []struct {
		name string
		run  func() error
		want error
	}{
		{"C: empty", func() error { _, err := survival.ConcordanceIndex(survival.Outcomes{}, nil); return err }, survival.ErrEmpty},
		{"C: mismatched lengths", func() error { _, err := survival.ConcordanceIndex(ok, risk[:3]); return err }, survival.ErrLengthMismatch},
		{"C: event flags short", func() error {
			_, err := survival.ConcordanceIndex(survival.Outcomes{Time: ok.Time, Event: ok.Event[:2]}, risk)
			return err
		}, survival.ErrLengthMismatch},
		{"C: NaN risk", func() error {
			_, err := survival.ConcordanceIndex(ok, []float64{1, math.NaN(), 2, 3})
			return err
		}, survival.ErrNonFiniteRisk},
		{"C: Inf risk", func() error {
			_, err := survival.ConcordanceIndex(ok, []float64{1, math.Inf(1), 2, 3})
			return err
		}, survival.ErrNonFiniteRisk},
		{"C: time 0", func() error {
			_, err := survival.ConcordanceIndex(survival.Outcomes{Time: []float64{0, 1}, Event: []bool{true, true}}, risk[:2])
			return err
		}, survival.ErrInvalidTime},
		{"C: negative time", func() error {
			_, err := survival.ConcordanceIndex(survival.Outcomes{Time: []float64{1, -1}, Event: []bool{true, true}}, risk[:2])
			return err
		}, survival.ErrInvalidTime},
		{"C: NaN time", func() error {
			_, err := survival.ConcordanceIndex(survival.Outcomes{Time: []float64{1, math.NaN()}, Event: []bool{true, true}}, risk[:2])
			return err
		}, survival.ErrInvalidTime},
		{"C: all censored", func() error { _, err := survival.ConcordanceIndex(allCensored, risk[:3]); return err }, survival.ErrNoComparablePairs},
		{"C: only tied events", func() error { _, err := survival.ConcordanceIndex(tiedEvents, risk[:2]); return err }, survival.ErrNoComparablePairs},
		{"Uno: all censored", func() error { _, err := survival.ConcordanceIndexIPCW(allCensored, risk[:3], nil); return err }, survival.ErrNoComparablePairs},
		{"Uno: beyond training follow-up", func() error {
			train := survival.Outcomes{Time: []float64{1, 2, 2.5}, Event: []bool{true, false, true}}
			_, err := survival.ConcordanceIndexIPCW(ok, risk, &survival.IPCWOptions{Train: &train})
			return err
		}, survival.ErrOutsideFollowUp},
		{"Uno: G vanishes", func() error {
			train := survival.Outcomes{Time: []float64{1, 5}, Event: []bool{true, false}}
			test := survival.Outcomes{Time: []float64{5, 6}, Event: []bool{true, false}}
			_, err := survival.ConcordanceIndexIPCW(test, risk[:2], &survival.IPCWOptions{Train: &train})
			return err
		}, survival.ErrCensoringSurvivalZero},
		{"Uno: bad training data", func() error {
			train := survival.Outcomes{Time: []float64{1, -5}, Event: []bool{true, false}}
			_, err := survival.ConcordanceIndexIPCW(ok, risk, &survival.IPCWOptions{Train: &train})
			return err
		}, survival.ErrInvalidTime},
		{"Uno: negative tau", func() error {
			_, err := survival.ConcordanceIndexIPCW(ok, risk, &survival.IPCWOptions{Tau: -1})
			return err
		}, survival.ErrInvalidArgument},
		{"AUC: time before follow-up", func() error {
			_, err := survival.CumulativeDynamicAUC(ok, risk, []float64{0.5}, nil)
			return err
		}, survival.ErrOutsideFollowUp},
		{"AUC: time at the last time", func() error {
			_, err := survival.CumulativeDynamicAUC(ok, risk, []float64{4}, nil)
			return err
		}, survival.ErrOutsideFollowUp},
		{"AUC: unsorted times", func() error {
			_, err := survival.CumulativeDynamicAUC(ok, risk, []float64{3, 2}, nil)
			return err
		}, survival.ErrInvalidArgument},
		{"AUC: no times", func() error {
			_, err := survival.CumulativeDynamicAUC(ok, risk, nil, nil)
			return err
		}, survival.ErrInvalidArgument},
		{"AUC: no case yet", func() error {
			o := survival.Outcomes{Time: []float64{1, 2, 3}, Event: []bool{false, true, true}}
			_, err := survival.CumulativeDynamicAUC(o, risk[:3], []float64{1.5}, nil)
			return err
		}, survival.ErrNoComparablePairs},
		{"Brier: probability above 1", func() error {
			_, err := survival.BrierScore(ok, []float64{2}, [][]float64{{1, 1.5, 0, 0}}, nil)
			return err
		}, survival.ErrInvalidProbability},
		{"Brier: NaN probability", func() error {
			_, err := survival.BrierScore(ok, []float64{2}, [][]float64{{1, math.NaN(), 0, 0}}, nil)
			return err
		}, survival.ErrInvalidProbability},
		{"Brier: rows do not match times", func() error {
			_, err := survival.BrierScore(ok, []float64{2, 3}, [][]float64{{1, 1, 0, 0}}, nil)
			return err
		}, survival.ErrLengthMismatch},
		{"IBS: one time", func() error { _, err := survival.IntegratedBrierScore([]float64{1}, []float64{0.2}); return err }, survival.ErrInvalidArgument},
		{"KM: level 1", func() error {
			_, err := survival.KaplanMeier(ok, &survival.KMOptions{ConfLevel: 1})
			return err
		}, survival.ErrInvalidArgument},
		{"log-rank: one group", func() error { _, err := survival.LogRankTest(ok, []int{1, 1, 1, 1}); return err }, survival.ErrTooFewGroups},
		{"log-rank: all censored", func() error { _, err := survival.LogRankTest(allCensored, []int{0, 1, 1}); return err }, survival.ErrAllCensored},
		{"Breslow: all censored", func() error { _, err := survival.BreslowBaseline(allCensored, risk[:3]); return err }, survival.ErrAllCensored},
		{"calibration: horizon beyond follow-up", func() error {
			_, err := survival.CalibrationAt(ok, []float64{.1, .2, .3, .4}, 4, 2, nil)
			return err
		}, survival.ErrOutsideFollowUp},
		{"calibration: too many bins", func() error {
			_, err := survival.CalibrationAt(ok, []float64{.1, .2, .3, .4}, 2, 5, nil)
			return err
		}, survival.ErrInvalidArgument},
		{"bootstrap: no replicate defined", func() error {
			_, err := survival.Bootstrap(5, func(idx []int) (float64, error) {
				if len(idx) == 5 && idx[4] == 4 && idx[0] == 0 && idx[1] == 1 {
					return 1, nil
				}
				return 0, survival.ErrNoComparablePairs
			}, survival.BootstrapOptions{Replicates: 10})
			return err
		}, survival.ErrInvalidArgument},
		{"calibration slope: constant risk", func() error {
			_, err := survival.CalibrationSlope(ok, []float64{1, 1, 1, 1})
			return err
		}, survival.ErrInvalidArgument},
		{"calibration slope: risk separates the event order", func() error {
			// Each event has the highest risk of its risk set: the
			// likelihood grows without bound in the slope.
			_, err := survival.CalibrationSlope(ok, risk)
			return err
		}, survival.ErrNotConverged},
		{"risk groups: one group", func() error { _, err := survival.RiskGroups(risk, 1); return err }, survival.ErrInvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "survival: ") && !strings.Contains(err.Error(), "survival: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

func TestInputErrorNamesTheSample(t *testing.T) {
	_, err := survival.ConcordanceIndex(survival.Outcomes{Time: []float64{1, 2, -3}, Event: []bool{true, true, false}}, []float64{1, 2, 3})
	var ie *survival.InputError
	if !errors.As(err, &ie) || ie.Index != 2 || ie.Field != "time" {
		t.Fatalf("err = %v, want an InputError for time[2]", err)
	}
	if got, want := err.Error(), "survival: time[2] = -3: time must be finite and > 0"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
