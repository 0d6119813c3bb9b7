// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// MissingRatios are the training configurations of the supplement: p_miss
// 0 (full-modality training and evaluation), 0.05, 0.15 and 0.30.
var MissingRatios = []float64{0, 0.05, 0.15, 0.30}

// ProtocolRuns returns the runs of the whole protocol for one cohort and
// method: every fold of the cohort at every missing ratio, in that order,
// with the method's default settings ([WithMethodDefaults]).
func ProtocolRuns(spec data.CohortSpec, folds int, method string, base train.TrainConfig, eval train.EvalConfig) []RunConfig {
	var runs []RunConfig
	if b, err := train.WithMethodDefaults(method, base); err == nil {
		base = b
	}
	for _, p := range MissingRatios {
		for f := range folds {
			tc := base
			tc.PMiss = p
			runs = append(runs, RunConfig{Cohort: spec, Method: method, Fold: f, Train: tc, Eval: eval})
		}
	}
	return runs
}

// SummaryRow is one (training p_miss, evaluation scenario) of a protocol:
// the fold-wise mean C (each fold's mean over its mask repeats), their mean
// and SD over folds, and the best fold, labelled as such (the authors'
// README reports best folds).
type SummaryRow struct {
	PMiss     float64          `json:"pmiss"`
	Scenario  string           `json:"scenario"`
	CMean     scoring.Number   `json:"c_mean"`
	CSD       scoring.Number   `json:"c_sd"`
	NRepeats  int              `json:"n_repeats"`
	Folds     int              `json:"folds"`
	PerFold   []scoring.Number `json:"c_per_fold"`
	BestFold  int              `json:"best_fold"`
	BestFoldC scoring.Number   `json:"best_fold_c"`
	// RepeatSD is the mean over folds of the SD over mask repeats.
	RepeatSD scoring.Number `json:"repeat_sd"`
	// Eligible counts the patients with both modalities over the folds'
	// test sets (the only ones a scenario masks); MaskedPerRepeat is the
	// number masked in one repeat of every fold, on average (nil for the
	// full scenario and when a result did not record it); FoldsMaskingNobody
	// counts the folds whose repeats all masked nobody (their C is full's).
	Eligible           int      `json:"eligible"`
	MaskedPerRepeat    *float64 `json:"masked_per_repeat,omitempty"`
	FoldsMaskingNobody int      `json:"folds_masking_nobody"`
}

// MaskedSummary says how many patients the row's scenario masked, as
// ScenarioResult.MaskedSummary does over the folds.
func (r SummaryRow) MaskedSummary() string {
	switch {
	case r.Scenario == train.ScenarioFull:
		return "full: nothing masked"
	case r.MaskedPerRepeat == nil:
		return "masked: not recorded (older results)"
	case r.FoldsMaskingNobody == r.Folds:
		return fmt.Sprintf("masked nobody in any fold (%d eligible): this row equals full", r.Eligible)
	case r.FoldsMaskingNobody > 0:
		return fmt.Sprintf("masked %.1f of %d eligible per repeat; %d of %d folds masked nobody", *r.MaskedPerRepeat, r.Eligible, r.FoldsMaskingNobody, r.Folds)
	}
	return fmt.Sprintf("masked %.1f of %d eligible per repeat", *r.MaskedPerRepeat, r.Eligible)
}

// Summary summarises a protocol's runs.
type Summary struct {
	Cohort    data.CohortSpec `json:"cohort"`
	Method    string          `json:"method"`
	Optimizer string          `json:"optimizer"`
	Profile   string          `json:"profile"`
	Seed      uint64          `json:"seed"`
	Configs   []SummaryRow    `json:"configs"`
	// OracleC is the mean over folds of the generator's oracle C (synthetic
	// cohorts).
	OracleC *float64 `json:"oracle_c,omitempty"`
	Runs    []string `json:"runs"`
	Seconds float64  `json:"seconds"`
}

// Summarize groups run results by (p_miss, scenario).
func Summarize(results []*RunResult) Summary {
	var s Summary
	if len(results) == 0 {
		return s
	}
	first := results[0].Config
	s.Cohort, s.Method, s.Optimizer, s.Profile, s.Seed = first.Cohort, first.Method, first.Train.Optimizer, first.Train.Profile, first.Train.Seed
	if train.IsLinear(first.Method) {
		s.Optimizer = NotApplicable
	}
	type key struct {
		p  float64
		sc string
	}
	rows := map[key]*SummaryRow{}
	var keys []key
	repeatSD := map[key][]scoring.Number{}
	masked, recorded := map[key]float64{}, map[key]bool{}
	oracle, nOracle := 0.0, 0
	for _, r := range results {
		s.Runs = append(s.Runs, r.Hash)
		s.Seconds += r.Seconds
		if r.OracleC != nil && r.Config.Train.PMiss == 0 {
			oracle += *r.OracleC
			nOracle++
		}
		for _, sc := range r.Scenarios {
			k := key{r.Config.Train.PMiss, sc.Scenario}
			row, ok := rows[k]
			if !ok {
				row = &SummaryRow{PMiss: k.p, Scenario: k.sc, NRepeats: sc.Repeats, BestFold: -1}
				rows[k] = row
				keys = append(keys, k)
				recorded[k] = true
			}
			row.PerFold = append(row.PerFold, sc.CMean)
			row.Folds++
			row.Eligible += sc.Eligible
			if sc.Scenario != train.ScenarioFull {
				mean, nobody, ok := sc.MaskedPerRepeat()
				recorded[k] = recorded[k] && ok
				masked[k] += mean
				if ok && nobody == len(sc.Masked) {
					row.FoldsMaskingNobody++
				}
			}
			repeatSD[k] = append(repeatSD[k], sc.CSD)
			if !math.IsNaN(float64(sc.CMean)) && (row.BestFold < 0 || sc.CMean > row.BestFoldC) {
				row.BestFold, row.BestFoldC = r.Config.Fold, sc.CMean
			}
		}
	}
	sort.SliceStable(keys, func(a, b int) bool {
		if keys[a].p != keys[b].p {
			return keys[a].p < keys[b].p
		}
		return scenarioOrder(keys[a].sc) < scenarioOrder(keys[b].sc)
	})
	for _, k := range keys {
		row := rows[k]
		row.CMean, row.CSD = train.MeanSD(row.PerFold)
		row.RepeatSD, _ = train.MeanSD(repeatSD[k])
		if k.sc != train.ScenarioFull && recorded[k] {
			m := masked[k]
			row.MaskedPerRepeat = &m
		}
		s.Configs = append(s.Configs, *row)
	}
	if nOracle > 0 {
		o := oracle / float64(nOracle)
		s.OracleC = &o
	}
	return s
}

func scenarioOrder(s string) int {
	for i, name := range []string{train.ScenarioFull, train.ScenarioRadMissing, train.ScenarioWSIMissing, train.ScenarioMixedMissing} {
		if s == name {
			return i
		}
	}
	return 99
}

// Degradation computes the supplement's Table 5 row of a protocol summary:
// the mean C over the three masking types at 5, 15 and 30 % missingness, the
// deltas and the per-10-point speeds.
func Degradation(s Summary) (survival.Degradation, error) {
	avg := map[float64][]float64{}
	for _, row := range s.Configs {
		if row.Scenario == train.ScenarioFull || math.IsNaN(float64(row.CMean)) {
			continue
		}
		avg[row.PMiss] = append(avg[row.PMiss], float64(row.CMean))
	}
	mean := func(p float64) (float64, error) {
		v := avg[p]
		if len(v) != 3 {
			return 0, fmt.Errorf("experiment: %d masked scenarios at p_miss %v, need 3", len(v), p)
		}
		return (v[0] + v[1] + v[2]) / 3, nil
	}
	a5, err := mean(0.05)
	if err != nil {
		return survival.Degradation{}, err
	}
	a15, err := mean(0.15)
	if err != nil {
		return survival.Degradation{}, err
	}
	a30, err := mean(0.30)
	if err != nil {
		return survival.Degradation{}, err
	}
	return survival.DegradationAnalysis(a5, a15, a30)
}

// RunProtocol runs (or loads) the whole protocol of one cohort and method and
// summarises it.
func RunProtocol(root string, spec data.CohortSpec, method string, base train.TrainConfig, eval train.EvalConfig, workers int,
	progress io.Writer, opts RunOptions) (*Summary, error) {
	if opts.Cohorts == nil {
		opts.Cohorts = &CohortCache{}
	}
	c, err := opts.Cohorts.Open(spec)
	if err != nil {
		return nil, err
	}
	runs := ProtocolRuns(spec, len(c.Folds), method, base, eval)
	results, err := RunAll(root, runs, workers, progress, opts)
	if err != nil {
		return nil, err
	}
	s := Summarize(results)
	return &s, nil
}
