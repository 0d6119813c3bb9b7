// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Pooled is a cohort's out-of-fold predictions with all modalities, pooled
// over its folds: each patient predicted by the model that did not train on
// it, with that fold's Breslow baseline.
type Pooled struct {
	Cohort   string
	Outcomes survival.Outcomes
	Risk     []float64
	baseline []*survival.BaselineHazard
	spec     data.CohortSpec
}

// EventProbability returns each patient's predicted probability of death by
// t, 1 − S(t | x) under its fold's baseline.
func (p *Pooled) EventProbability(t float64) []float64 {
	out := make([]float64, len(p.Risk))
	for i, r := range p.Risk {
		out[i] = 1 - p.baseline[i].Survival(t, r)
	}
	return out
}

// SurvivalAtOwnTime returns each patient's predicted survival at their own
// observed time, Ŝ_i(T_i) under its fold's baseline (the input of
// D-calibration).
func (p *Pooled) SurvivalAtOwnTime() []float64 {
	out := make([]float64, len(p.Risk))
	for i, r := range p.Risk {
		out[i] = p.baseline[i].Survival(p.Outcomes.Time[i], r)
	}
	return out
}

// PoolOutOfFold pools the out-of-fold predictions of a cohort's runs (one
// per fold).
func PoolOutOfFold(results []*experiment.RunResult) (*Pooled, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("figures: no runs to pool")
	}
	p := &Pooled{Cohort: results[0].Config.Cohort.Source}
	seen := map[string]bool{}
	for _, r := range results {
		for _, pr := range r.OutOfFold {
			if seen[pr.Patient] {
				return nil, fmt.Errorf("figures: patient %s predicted by two folds", pr.Patient)
			}
			if r.Baseline == nil {
				return nil, fmt.Errorf("figures: run %s has no Breslow baseline (no event in its training fold)", r.Hash)
			}
			seen[pr.Patient] = true
			p.Outcomes.Time = append(p.Outcomes.Time, pr.Time)
			p.Outcomes.Event = append(p.Outcomes.Event, pr.Event)
			p.Risk = append(p.Risk, pr.Risk)
			p.baseline = append(p.baseline, r.Baseline)
		}
	}
	return p, nil
}

// foldRuns trains (or loads) every fold of a cohort at the options' p_miss.
func foldRuns(spec data.CohortSpec, o Options, cohorts *experiment.CohortCache) ([]*experiment.RunResult, error) {
	return methodFoldRuns(spec, o, train.MethodParachute, cohorts)
}

// pooledCohorts completes the options, trains (or loads) every fold of each
// cohort and pools the out-of-fold predictions per cohort.
func pooledCohorts(opts Options) (Options, []*Pooled, error) {
	o, err := opts.WithDefaults()
	if err != nil {
		return o, nil, err
	}
	cohorts := &experiment.CohortCache{}
	var pools []*Pooled
	for _, spec := range o.Cohorts {
		results, err := foldRuns(spec, o, cohorts)
		if err != nil {
			return o, nil, err
		}
		pool, err := PoolOutOfFold(results)
		if err != nil {
			return o, nil, err
		}
		pool.spec = spec
		pools = append(pools, pool)
	}
	return o, pools, nil
}
