// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/scoring"
)

const metricsAbout = `Reads risk predictions and outcomes from TEST.csv and prints one JSON object
with survival metrics, computed as the protocol computes them (package
parachute/scoring: the same function, the same rules).

TEST.csv has a header with the columns time, event and risk (higher risk =
earlier event; event is 1/0 or true/false), an optional patient (or id)
column used in error messages, and optional S_<t> columns holding the
predicted survival probability at time t. "parachute evaluate --export"
writes such files; --test - reads standard input.

  harrell_c    Harrell's concordance index
  uno_c, tau   Uno's IPCW concordance index, truncated at tau
  times        the evaluation horizons
  auc          cumulative/dynamic AUC(t) at the times, IPCW; mean_auc
  brier, ibs   Brier score at the times and its integral (needs S_<t> columns
               at the times, or training risks for a Breslow baseline)
  km           Kaplan-Meier survival of the test data at the times
  calibration  predicted vs Kaplan-Meier event probability in --bins bins
               (needs predicted survival, as brier)
  logrank      risk above vs at or below the training median risk (the test
               median when TRAIN.csv has no risk column), with both KM curves
  errors       the metrics that are undefined on these data, and why
  not_computed the metrics these inputs give no means to compute, and what would

--train TRAIN.csv (columns time, event, optional risk) supplies the censoring
distribution of the IPCW estimators, the horizons, tau, the Breslow baseline
and the median; without it the test data serves. --times defaults to the
S_<t> columns' times, else to the event-time quartiles (type 1) of the
training data (test data without --train) inside the test follow-up; --tau
defaults to min(last training time, last test time). Exit status 0 when every
metric the inputs allow is defined (those not computed are listed on stderr),
1 when some are undefined on these data (the JSON is printed and the reasons
go to stderr), 2 for bad input.`

func runMetrics(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("metrics", metricsAbout, "parachute metrics --test runs/ucec0/eval/test.csv --train runs/ucec0/eval/train.csv")
	testPath := fs.String("test", "", "CSV with time,event,risk[,S_<t>...]; - for standard input (required)")
	trainPath := fs.String("train", "", "CSV with time,event[,risk]: censoring distribution, horizons, tau, baseline, median")
	timesFlag := fs.String("times", "", "comma-separated evaluation times (positive)")
	tau := fs.Float64("tau", 0, "truncation time of Uno's C (0: min of the last training and test times)")
	bins := fs.Int("bins", 4, "quantile bins of the calibration diagrams (0: none)")
	var times []float64
	if err := fs.parse(args, stdout, stderr, required("test"), existingFile("test", testPath), existingFile("train", trainPath),
		positive("tau", tau, "the default"), atLeast("bins", bins, 0, "0: none"),
		check(func() error {
			if *trainPath == "-" {
				return errors.New("--train -: only --test reads standard input")
			}
			return nil
		}),
		check(func() (err error) { times, err = parseTimes(*timesFlag); return err })); err != nil {
		return err
	}
	testFile, cleanup, named, err := stdinAsFile(*testPath)
	if err != nil {
		return err
	}
	defer cleanup()
	test, err := scoring.ReadCSV(testFile, true)
	if err != nil {
		return named(err)
	}
	var train *scoring.Predictions
	if *trainPath != "" {
		tab, err := scoring.ReadCSV(*trainPath, false)
		if err != nil {
			return err
		}
		train = &tab.Predictions
	}
	opts := scoring.Options{Tau: *tau, CalibrationBins: *bins, Times: times}
	if opts.Times == nil && len(test.SurvTimes) > 0 {
		opts.Times = test.SurvTimes
	}
	if opts.Times != nil && len(test.SurvTimes) > 0 {
		if opts.Surv, err = test.SurvAt(testFile, opts.Times); err != nil {
			return named(err)
		}
	}
	rep := scoring.Score(test.Predictions, train, opts)
	if err := printJSON(stdout, rep); err != nil {
		return err
	}
	if len(rep.NotComputed) > 0 {
		fmt.Fprintf(stderr, "not computed:\n  %s\n", strings.Join(rep.NotComputed, "\n  "))
	}
	if len(rep.Errors) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("undefined metrics:\n  %s", strings.Join(rep.Errors, "\n  "))}
	}
	return nil
}

// parseTimes parses --times: nil when empty, else ascending distinct times.
func parseTimes(flagValue string) ([]float64, error) {
	if flagValue == "" {
		return nil, nil
	}
	var times []float64
	for _, f := range strings.Split(flagValue, ",") {
		t, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("--times: %q is not a number", f)
		}
		if t <= 0 {
			return nil, fmt.Errorf("--times: %v: want positive times", t)
		}
		times = append(times, t)
	}
	slices.Sort(times)
	return slices.Compact(times), nil
}
