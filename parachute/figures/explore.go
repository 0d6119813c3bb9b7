// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// ExploreSettings are the choices of the exploration notebook: one cohort,
// one method trained with one optimizer at one missing ratio, scored under
// one scenario, in one profile.
type ExploreSettings struct {
	// Cohort is a synthetic preset (pda, ucec, ccrcc) or a CohortSpec
	// source; Method one of experiment.Methods; Optimizer its training step
	// (ignored by the linear baselines).
	Cohort, Method, Optimizer string
	// PMiss is the training missing ratio; Scenario the evaluation (at
	// p_miss 0 only "full" exists).
	PMiss    float64
	Scenario string
	Profile  string
	Seed     uint64
	// Root is the run cache ("" means experiment.DefaultCacheRoot);
	// Progress receives training progress.
	Root     string
	Progress io.Writer
}

// ExploreChoices are the values the notebook's widgets offer, the first of
// each the default.
var ExploreChoices = struct {
	Cohorts, Methods, Optimizers, Scenarios, Profiles []string
	PMiss                                             []float64
}{
	Cohorts:    []string{"ucec", "pda", "ccrcc"},
	Methods:    train.Methods,
	Optimizers: []string{"gcs", "adamw", "sam", "crsam", "gradvac"},
	Scenarios:  []string{train.ScenarioMixedMissing, train.ScenarioFull, train.ScenarioRadMissing, train.ScenarioWSIMissing},
	Profiles:   []string{train.ProfileSmoke, train.ProfileQuick},
	PMiss:      []float64{0.30, 0.15, 0.05, 0},
}

// DefaultExploreSettings are the first choice of each widget, in profile
// (the notebook's $PARACHUTE_PROFILE or quick).
func DefaultExploreSettings(profile string) ExploreSettings {
	c := ExploreChoices
	return ExploreSettings{Cohort: c.Cohorts[0], Method: c.Methods[0], Optimizer: c.Optimizers[0], Scenario: c.Scenarios[0],
		Profile: profile, PMiss: c.PMiss[0], Seed: 1}
}

// ExploreFold is one fold's scores under the chosen scenario.
type ExploreFold struct {
	Fold int
	// C is Harrell's C under the scenario (mean over its mask repeats), CSD
	// its SD over the repeats; UnoC and IBS are the all-modality scores.
	C, CSD, UnoC, IBS float64
	Cached            bool
}

// ExploreResult is what the exploration notebook draws: the folds' scores
// and the pooled out-of-fold predictions (all modalities).
type ExploreResult struct {
	Settings ExploreSettings
	Scenario string // the scenario scored (full at p_miss 0)
	Folds    []ExploreFold
	Pooled   *Pooled
	// MeanC and SDC summarise the folds' C.
	MeanC, SDC float64
}

// Explore trains (or reads from the cache) every fold of the settings' run
// and scores it.
func Explore(s ExploreSettings) (*ExploreResult, error) {
	spec := data.CohortSpec{Source: s.Cohort, Seed: 1}
	if slices.ContainsFunc(data.Presets, func(p data.Preset) bool { return p.Name == s.Cohort }) {
		spec.Source = "synth:" + s.Cohort
	}
	o, err := (Options{Cohorts: []data.CohortSpec{spec}, Profile: s.Profile, Seed: s.Seed, Root: s.Root, Workers: 1,
		Progress: s.Progress, Optimizer: s.Optimizer, PMiss: s.PMiss}).WithDefaults()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(train.Methods, s.Method) {
		return nil, fmt.Errorf("figures: method %q (want one of %v)", s.Method, train.Methods)
	}
	cohorts := &experiment.CohortCache{}
	runs, err := methodFoldRuns(spec, o, s.Method, cohorts)
	if err != nil {
		return nil, err
	}
	scenario := s.Scenario
	if s.PMiss == 0 {
		scenario = train.ScenarioFull
	}
	r := &ExploreResult{Settings: s, Scenario: scenario}
	var cs []float64
	for _, run := range runs {
		f := ExploreFold{Fold: run.Config.Fold, C: math.NaN(), CSD: math.NaN(), UnoC: float64(run.Metrics.UnoC), IBS: float64(run.Metrics.IBS)}
		for _, sc := range run.Scenarios {
			if sc.Scenario == scenario {
				f.C, f.CSD = float64(sc.CMean), float64(sc.CSD)
			}
		}
		if !math.IsNaN(f.C) {
			cs = append(cs, f.C)
		}
		r.Folds = append(r.Folds, f)
	}
	r.MeanC, r.SDC = stats.MeanSD(cs)
	if r.Pooled, err = PoolOutOfFold(runs); err != nil {
		return nil, err
	}
	return r, nil
}

// methodFoldRuns is foldRuns for any method.
func methodFoldRuns(spec data.CohortSpec, o Options, method string, cohorts *experiment.CohortCache) ([]*experiment.RunResult, error) {
	c, err := cohorts.Open(spec)
	if err != nil {
		return nil, err
	}
	base, err := train.Profile(o.Profile)
	if err != nil {
		return nil, err
	}
	base.Optimizer, base.Seed = o.Optimizer, o.Seed
	eval := train.EvalProfile(o.Profile)
	eval.Seed = o.Seed
	var runs []experiment.RunConfig
	for _, r := range experiment.ProtocolRuns(spec, len(c.Folds), method, base, eval) {
		if r.Train.PMiss == o.PMiss {
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("figures: p_miss %v is not one of the protocol's ratios", o.PMiss)
	}
	backend.ShareCores(o.Workers)
	return experiment.RunAll(o.Root, runs, o.Workers, o.Progress, experiment.RunOptions{Cohorts: cohorts, Stack: o.Stack, StackMemory: o.StackMemory})
}
