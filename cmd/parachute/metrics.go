// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// errHelp reports that -h was asked for: usage was printed, exit 0.
var errHelp = errors.New("help requested")

const metricsUsage = `usage: parachute metrics --test TEST.csv [--train TRAIN.csv] [--times t1,t2,...] [--tau T]

Reads risk predictions and outcomes from TEST.csv and prints one JSON object
with survival metrics.

TEST.csv has a header with the columns time, event and risk (higher risk =
earlier event; event is 1/0 or true/false), an optional patient (or id)
column used in error messages, and optional S_<t> columns holding the
predicted survival probability at time t (for the Brier score).

  harrell_c   Harrell's concordance index
  uno_c       Uno's IPCW concordance index (truncated at --tau if given)
  td_auc      cumulative/dynamic AUC(t) at the times, IPCW
  mean_auc    AUC(t) averaged with Kaplan-Meier decrements
  brier       Brier score at the S_<t> times (when S columns exist)
  ibs         integrated Brier score over those times (two or more)
  km          Kaplan-Meier survival of the test data at the times
  logrank     log-rank test of risk above vs at-or-below the median risk
              (the training median when TRAIN.csv has a risk column)

--train TRAIN.csv (columns time, event, optional risk) supplies the censoring
distribution of the IPCW estimators; without it the test data is used.
--times defaults to the 25/50/75 % quantiles of the test event times (those
below the last observed time). Conventions are scikit-survival's; see the
documentation of package parachute/survival.

flags:
`

// metricsReport is the JSON printed by "parachute metrics".
type metricsReport struct {
	N        int          `json:"n"`
	Events   int          `json:"events"`
	HarrellC float64      `json:"harrell_c"`
	UnoC     float64      `json:"uno_c"`
	Tau      *float64     `json:"tau,omitempty"`
	TDAUC    []timeValue  `json:"td_auc"`
	MeanAUC  float64      `json:"mean_auc"`
	Brier    []timeValue  `json:"brier,omitempty"`
	IBS      *float64     `json:"ibs,omitempty"`
	KM       []timeValue  `json:"km"`
	LogRank  logRankValue `json:"logrank"`
}

type timeValue struct {
	Time  float64  `json:"time"`
	AUC   *float64 `json:"auc,omitempty"`
	Brier *float64 `json:"brier,omitempty"`
	Surv  *float64 `json:"surv,omitempty"`
}

type logRankValue struct {
	ChiSq         float64 `json:"chisq"`
	P             float64 `json:"p"`
	DF            int     `json:"df"`
	Threshold     float64 `json:"threshold"`
	ThresholdFrom string  `json:"threshold_from"`
	High          int     `json:"n_high"`
	Low           int     `json:"n_low"`
}

func runMetrics(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("metrics", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, metricsUsage); fs.PrintDefaults() }
	testPath := fs.String("test", "", "CSV with time,event,risk[,S_<t>...] (required)")
	trainPath := fs.String("train", "", "CSV with time,event[,risk] for the censoring distribution")
	timesFlag := fs.String("times", "", "comma-separated evaluation times for td_auc and km")
	tau := fs.Float64("tau", 0, "truncation time of Uno's C (0: none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if *testPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("--test is required and no positional arguments are accepted")
	}
	test, err := readPredictions(*testPath, true)
	if err != nil {
		return err
	}
	var train *predictionTable
	if *trainPath != "" {
		if train, err = readPredictions(*trainPath, false); err != nil {
			return err
		}
	}
	times, err := evaluationTimes(*timesFlag, test.outcomes)
	if err != nil {
		return err
	}
	rep, err := computeMetrics(test, train, times, *tau)
	if err != nil {
		return err
	}
	return printJSON(stdout, rep)
}

// computeMetrics evaluates every metric of the report; the first undefined
// one is returned as an error naming it.
func computeMetrics(test, train *predictionTable, times []float64, tau float64) (*metricsReport, error) {
	o := test.outcomes
	rep := &metricsReport{N: o.Len(), Events: o.Events()}
	opts := &survival.IPCWOptions{Tau: tau}
	if train != nil {
		opts.Train = &train.outcomes
	}
	if tau != 0 {
		rep.Tau = &tau
	}
	h, err := survival.ConcordanceIndex(o, test.risk)
	if err != nil {
		return nil, fmt.Errorf("harrell_c: %w", err)
	}
	rep.HarrellC = h.Index
	u, err := survival.ConcordanceIndexIPCW(o, test.risk, opts)
	if err != nil {
		return nil, fmt.Errorf("uno_c: %w", err)
	}
	rep.UnoC = u.Index
	auc, err := survival.CumulativeDynamicAUC(o, test.risk, times, opts)
	if err != nil {
		return nil, fmt.Errorf("td_auc: %w", err)
	}
	rep.MeanAUC = auc.Mean
	km, err := survival.KaplanMeier(o, nil)
	if err != nil {
		return nil, fmt.Errorf("km: %w", err)
	}
	for k, t := range times {
		rep.TDAUC = append(rep.TDAUC, timeValue{Time: t, AUC: &auc.AUC[k]})
		s := km.At(t)
		rep.KM = append(rep.KM, timeValue{Time: t, Surv: &s})
	}
	if len(test.survTimes) > 0 {
		brier, err := survival.BrierScore(o, test.survTimes, test.surv, opts)
		if err != nil {
			return nil, fmt.Errorf("brier: %w", err)
		}
		for k, t := range test.survTimes {
			rep.Brier = append(rep.Brier, timeValue{Time: t, Brier: &brier[k]})
		}
		if len(brier) >= 2 {
			ibs, err := survival.IntegratedBrierScore(test.survTimes, brier)
			if err != nil {
				return nil, fmt.Errorf("ibs: %w", err)
			}
			rep.IBS = &ibs
		}
	}
	lr := logRankValue{ThresholdFrom: "test"}
	lr.Threshold = survival.Quantile(test.risk, 0.5)
	if train != nil && train.risk != nil {
		lr.Threshold, lr.ThresholdFrom = survival.Quantile(train.risk, 0.5), "train"
	}
	groups := make([]int, o.Len())
	for i, r := range test.risk {
		if r > lr.Threshold {
			groups[i] = 1
			lr.High++
		} else {
			lr.Low++
		}
	}
	res, err := survival.LogRankTest(o, groups)
	if err != nil {
		return nil, fmt.Errorf("logrank (risk above vs at-or-below %v): %w", lr.Threshold, err)
	}
	lr.ChiSq, lr.P, lr.DF = res.ChiSq, res.P, res.DF
	rep.LogRank = lr
	return rep, nil
}

// evaluationTimes parses --times, or picks the 25/50/75 % quantiles (type 1:
// observed event times) of the test event times below the last observed time.
func evaluationTimes(flagValue string, o survival.Outcomes) ([]float64, error) {
	if flagValue != "" {
		var times []float64
		for _, f := range strings.Split(flagValue, ",") {
			t, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, fmt.Errorf("--times: %q is not a number", f)
			}
			times = append(times, t)
		}
		slices.Sort(times)
		return slices.Compact(times), nil
	}
	q, err := survival.EventTimeQuantiles(o, 0.25, 0.5, 0.75)
	if err != nil {
		return nil, errors.New("no event in the test data: cannot choose evaluation times (give --times)")
	}
	maxT := o.MaxTime()
	var times []float64
	for _, t := range q {
		if t < maxT && (len(times) == 0 || t > times[len(times)-1]) {
			times = append(times, t)
		}
	}
	if len(times) == 0 {
		return nil, errors.New("every event quartile equals the last observed time: give --times")
	}
	return times, nil
}

// predictionTable is a parsed predictions CSV.
type predictionTable struct {
	outcomes  survival.Outcomes
	risk      []float64   // nil when the file has no risk column
	survTimes []float64   // times of the S_<t> columns, ascending
	surv      [][]float64 // surv[k][i] = S(survTimes[k]) of row i
}

// readPredictions parses a predictions CSV. Every fault names the file, the
// row (1-based, header = row 1), the patient when the file has a patient or
// id column, the column and the value.
func readPredictions(path string, needRisk bool) (*predictionTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", path, err)
	}
	col := map[string]int{}
	type survCol struct {
		t     float64
		index int
	}
	var survCols []survCol
	for i, name := range header {
		name = strings.TrimSpace(name)
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice", path, name)
		}
		col[name] = i
		if rest, ok := strings.CutPrefix(name, "S_"); ok {
			t, err := strconv.ParseFloat(rest, 64)
			if err != nil || t <= 0 || math.IsInf(t, 0) {
				return nil, fmt.Errorf("%s: column %q: S_<t> needs a positive time t", path, name)
			}
			survCols = append(survCols, survCol{t, i})
		}
	}
	for _, need := range []string{"time", "event"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no %q column (header: %s)", path, need, strings.Join(header, ","))
		}
	}
	riskCol, hasRisk := col["risk"]
	if needRisk && !hasRisk {
		return nil, fmt.Errorf("%s: no \"risk\" column (header: %s)", path, strings.Join(header, ","))
	}
	idCol, hasID := col["patient"]
	if !hasID {
		idCol, hasID = col["id"]
	}
	slices.SortFunc(survCols, func(a, b survCol) int { return int(math.Copysign(1, a.t-b.t)) })
	tab := &predictionTable{}
	for k := range survCols {
		if k > 0 && survCols[k].t == survCols[k-1].t {
			return nil, fmt.Errorf("%s: two S_ columns for time %v", path, survCols[k].t)
		}
		tab.survTimes = append(tab.survTimes, survCols[k].t)
	}
	tab.surv = make([][]float64, len(survCols))
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		where := fmt.Sprintf("%s: row %d", path, row)
		if hasID {
			where += fmt.Sprintf(" (patient %s)", rec[idCol])
		}
		num := func(name string, i int) (float64, error) {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%s: %s = %q is not a finite number", where, name, rec[i])
			}
			return v, nil
		}
		t, err := num("time", col["time"])
		if err != nil {
			return nil, err
		}
		if t <= 0 {
			return nil, fmt.Errorf("%s: time = %v: survival times must be > 0", where, t)
		}
		ev, err := parseEvent(rec[col["event"]])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		tab.outcomes.Time = append(tab.outcomes.Time, t)
		tab.outcomes.Event = append(tab.outcomes.Event, ev)
		if hasRisk {
			v, err := num("risk", riskCol)
			if err != nil {
				return nil, err
			}
			tab.risk = append(tab.risk, v)
		}
		for k, sc := range survCols {
			v, err := num(header[sc.index], sc.index)
			if err != nil {
				return nil, err
			}
			if v < 0 || v > 1 {
				return nil, fmt.Errorf("%s: %s = %v: a survival probability must lie in [0, 1]", where, header[sc.index], v)
			}
			tab.surv[k] = append(tab.surv[k], v)
		}
	}
	if tab.outcomes.Len() == 0 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	return tab, nil
}

// parseEvent accepts 1/0, true/false and TRUE/FALSE (R's write.csv).
func parseEvent(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, fmt.Errorf("event = %q: expected 1/0 or true/false", s)
}
