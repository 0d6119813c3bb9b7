// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// FigureOptions are the settings shared by the figure pipelines: which
// cohorts, the profile, seeds, where finished runs are cached, and progress.
type FigureOptions struct {
	// Cohorts defaults to the three synthetic presets (seed 1).
	Cohorts []data.CohortSpec
	// Profile is quick (default), paper, authors or smoke.
	Profile string
	// Seed is the training and evaluation seed (default 1).
	Seed uint64
	// Root caches run results; "" means [DefaultCacheRoot].
	Root string
	// Workers trains that many runs at a time (default 1).
	Workers  int
	Progress io.Writer
	// Optimizer is the training step (default adamw).
	Optimizer string
	// PMiss is the training missing ratio of the models whose out-of-fold
	// predictions Figures 8 and 9 pool (default 0: trained with all
	// modalities; the supplement says "the best performing missing-modality
	// scenario" without naming it). Test patients keep all their modalities.
	PMiss float64
}

func (o FigureOptions) withDefaults() (FigureOptions, error) {
	if len(o.Cohorts) == 0 {
		for _, p := range data.Presets {
			o.Cohorts = append(o.Cohorts, data.CohortSpec{Source: "synth:" + p.Name, Seed: 1})
		}
	}
	if o.Profile == "" {
		o.Profile = ProfileQuick
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Optimizer == "" {
		o.Optimizer = "adamw"
	}
	if o.Root == "" {
		root, err := DefaultCacheRoot()
		if err != nil {
			return o, err
		}
		o.Root = root
	}
	return o, nil
}

// DefaultCacheRoot is $PARACHUTE_CACHE, or [OutDir]/cache.
func DefaultCacheRoot() (string, error) {
	if dir := os.Getenv("PARACHUTE_CACHE"); dir != "" {
		return dir, nil
	}
	out, err := OutDir()
	return filepath.Join(out, "cache"), err
}

// moduleRoot is the folder of the go.mod that contains the working
// directory, or "" outside a module.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
}

// ShortPath returns path relative to the module root when it lies inside
// it (out/figures/x.png), so that notebooks never print a machine's
// absolute paths; other paths are returned unchanged.
func ShortPath(path string) string {
	root, err := moduleRoot()
	if err != nil || root == "" {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return rel
	}
	return path
}

// OutDir is the folder for generated runs and figures: out/ under the Go
// module that contains the working directory (notebooks run inside the
// repository), or out/ under the working directory outside any module.
func OutDir() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	if root == "" {
		if root, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	return filepath.Join(root, "out"), nil
}

// Table4Row is one row of the supplement's Table 4.
type Table4Row struct {
	Cohort        string `json:"cohort"`
	HistoImages   int    `json:"histo_images"`
	RadImages     int    `json:"rad_images"`
	HistoPatients int    `json:"histo_patients"`
	RadPatients   int    `json:"rad_patients"`
	// Patients, Events and Folds are filled for the synthetic cohorts.
	Patients int `json:"patients,omitempty"`
	Events   int `json:"events,omitempty"`
	Folds    int `json:"folds,omitempty"`
}

// PaperTable4 is the supplement's Table 4 as printed.
var PaperTable4 = []Table4Row{
	{Cohort: "CPTAC-PDA", HistoImages: 553, RadImages: 232, HistoPatients: 76, RadPatients: 34},
	{Cohort: "CPTAC-UCEC", HistoImages: 883, RadImages: 192, HistoPatients: 34, RadPatients: 33},
	{Cohort: "MMIST-ccRCC", HistoImages: 438, RadImages: 379, HistoPatients: 601, RadPatients: 118},
}

// Table4 returns the counts of the synthetic presets (seed) in Table 4's
// layout, in the order of PaperTable4.
func Table4(seed uint64) ([]Table4Row, error) {
	var rows []Table4Row
	for i, p := range data.Presets {
		c, err := data.Synthesize(data.SynthOptions{Preset: p.Name, Seed: seed})
		if err != nil {
			return nil, err
		}
		n := c.Counts()
		rows = append(rows, Table4Row{Cohort: PaperTable4[i].Cohort + " (synthetic)", HistoImages: n.HistoImages,
			RadImages: n.RadImages, HistoPatients: n.HistoPatients, RadPatients: n.RadPatients,
			Patients: n.Patients, Events: n.Events, Folds: n.Folds})
	}
	return rows, nil
}

// Pooled is a cohort's out-of-fold predictions with all modalities, pooled
// over its folds: each patient predicted by the model that did not train on
// it, with that fold's Breslow baseline.
type Pooled struct {
	Cohort   string
	Outcomes survival.Outcomes
	Risk     []float64
	baseline []Baseline
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

// PoolOutOfFold pools the out-of-fold predictions of a cohort's runs (one
// per fold).
func PoolOutOfFold(results []*RunResult) (*Pooled, error) {
	if len(results) == 0 {
		return nil, fmt.Errorf("experiment: no runs to pool")
	}
	p := &Pooled{Cohort: results[0].Config.Cohort.Source}
	seen := map[string]bool{}
	for _, r := range results {
		for _, pr := range r.OutOfFold {
			if seen[pr.Patient] {
				return nil, fmt.Errorf("experiment: patient %s predicted by two folds", pr.Patient)
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
func foldRuns(spec data.CohortSpec, o FigureOptions, cohorts *CohortCache) ([]*RunResult, error) {
	c, err := cohorts.Open(spec)
	if err != nil {
		return nil, err
	}
	base, err := Profile(o.Profile)
	if err != nil {
		return nil, err
	}
	base.Optimizer, base.Seed = o.Optimizer, o.Seed
	eval := EvalProfile(o.Profile)
	eval.Seed = o.Seed
	var runs []RunConfig
	for _, r := range ProtocolRuns(spec, len(c.Folds), MethodParachute, base, eval) {
		if r.Train.PMiss == o.PMiss {
			runs = append(runs, r)
		}
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("experiment: p_miss %v is not one of the protocol's ratios", o.PMiss)
	}
	return RunAll(o.Root, runs, o.Workers, o.Progress, RunOptions{Cohorts: cohorts})
}

// pooledCohorts completes the options, trains (or loads) every fold of each
// cohort and pools the out-of-fold predictions per cohort.
func pooledCohorts(opts FigureOptions) (FigureOptions, []*Pooled, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return o, nil, err
	}
	cohorts := &CohortCache{}
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

// AUCPanel is one cohort's cumulative/dynamic AUC(t) of pooled out-of-fold
// predictions with a bootstrap 95 % band (supplement Figure 8).
type AUCPanel struct {
	Cohort       string    `json:"cohort"`
	Times        []float64 `json:"times"`
	AUC          []float64 `json:"auc"`
	Lower, Upper []float64
	MeanAUC      float64 `json:"mean_auc"`
	Patients     int     `json:"patients"`
	Events       int     `json:"events"`
	Replicates   int     `json:"replicates"`
}

// Figure8 computes supplement Figure 8 for each cohort: the models trained
// at opts.PMiss (default 0), their out-of-fold predictions pooled, and
// AUC(t) on 12 times from the 10th to the 90th percentile of the event
// times. The score at t is the predicted event probability by t (each fold's
// Breslow baseline), the censoring distribution that of the pooled cohort,
// and the band the 2.5–97.5 % percentiles of 200 seeded bootstrap resamples.
func Figure8(opts FigureOptions) ([]AUCPanel, error) {
	o, pools, err := pooledCohorts(opts)
	if err != nil {
		return nil, err
	}
	var panels []AUCPanel
	for _, pool := range pools {
		panel, err := pooledAUC(pool, o.Seed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pool.Cohort, err)
		}
		panels = append(panels, panel)
	}
	return panels, nil
}

func pooledAUC(p *Pooled, seed uint64) (AUCPanel, error) {
	o := p.Outcomes
	var ev []float64
	for i, t := range o.Time {
		if o.Event[i] {
			ev = append(ev, t)
		}
	}
	lo, hi := survival.Quantile(ev, 0.1), survival.Quantile(ev, 0.9)
	panel := AUCPanel{Cohort: p.Cohort, Patients: o.Len(), Events: o.Events(), Replicates: 200}
	maxT := slices.Max(o.Time)
	for k := range 12 {
		t := lo + (hi-lo)*float64(k)/11
		if t < maxT && t >= slices.Min(o.Time) {
			panel.Times = append(panel.Times, t)
		}
	}
	// aucAt scores the patients idx (a bootstrap resample, or all) at t
	// with their predicted event probabilities by t, prob.
	aucAt := func(idx []int, t float64, prob []float64) (float64, error) {
		sub := o.Subset(idx)
		score := make([]float64, len(idx))
		for k, i := range idx {
			score[k] = prob[i]
		}
		a, err := survival.CumulativeDynamicAUC(sub, score, []float64{t}, nil)
		if err != nil {
			return math.NaN(), err
		}
		return a.AUC[0], nil
	}
	all := make([]int, o.Len())
	for i := range all {
		all[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0xf18))
	var kept []float64
	for _, t := range panel.Times {
		prob := p.EventProbability(t) // once per time, not per resample
		a, err := aucAt(all, t, prob)
		if err != nil {
			continue
		}
		var reps []float64
		idx := make([]int, len(all))
		for range panel.Replicates {
			for i := range idx {
				idx[i] = rng.IntN(len(all))
			}
			if v, err := aucAt(idx, t, prob); err == nil {
				reps = append(reps, v)
			}
		}
		if len(reps) < 2 {
			continue
		}
		kept = append(kept, t)
		panel.AUC = append(panel.AUC, a)
		panel.Lower = append(panel.Lower, survival.Quantile(reps, 0.025))
		panel.Upper = append(panel.Upper, survival.Quantile(reps, 0.975))
	}
	panel.Times = kept
	if len(kept) == 0 {
		return panel, fmt.Errorf("experiment: AUC(t) undefined at every time")
	}
	// Mean AUC weighted by the pooled Kaplan–Meier decrements.
	mean, err := survival.KaplanMeierWeightedMean(o, kept, panel.AUC)
	panel.MeanAUC = mean
	return panel, err
}

// CalibrationPanel is one cohort's calibration at several horizons
// (supplement Figure 9).
type CalibrationPanel struct {
	Cohort string              `json:"cohort"`
	Curves []CalibrationResult `json:"curves"`
}

// Figure9 computes supplement Figure 9 for each cohort from the same pooled
// out-of-fold predictions as Figure8: at each event-time quartile (type 1)
// below the last follow-up, patients are cut into bins of predicted event
// probability and each bin's mean prediction is set against its Kaplan–Meier
// event probability with a 95 % interval.
func Figure9(opts FigureOptions) ([]CalibrationPanel, error) {
	o, pools, err := pooledCohorts(opts)
	if err != nil {
		return nil, err
	}
	bins := EvalProfile(o.Profile).CalibrationBins
	var panels []CalibrationPanel
	for _, pool := range pools {
		spec := pool.spec
		horizons, err := survival.EventTimeQuantiles(pool.Outcomes, 0.25, 0.5, 0.75)
		if err != nil {
			return nil, err
		}
		panel := CalibrationPanel{Cohort: spec.Source}
		for _, h := range horizons {
			if h >= slices.Max(pool.Outcomes.Time) {
				continue
			}
			cal, err := survival.CalibrationAt(pool.Outcomes, pool.EventProbability(h), h, bins, nil)
			if err != nil {
				return nil, fmt.Errorf("%s at %v: %w", spec.Source, h, err)
			}
			panel.Curves = append(panel.Curves, CalibrationResult{Horizon: h, Bins: cal.Bins})
		}
		panels = append(panels, panel)
	}
	return panels, nil
}

// ProfileOrEnv returns $PARACHUTE_PROFILE when it is set and def otherwise:
// the notebooks' profile switch, which CI sets to smoke.
func ProfileOrEnv(def string) string {
	if p := os.Getenv("PARACHUTE_PROFILE"); p != "" {
		return p
	}
	return def
}

// Describe says which data and profile the figures use, for the first lines
// of a notebook or a command's output.
func (o FigureOptions) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	var sources []string
	synthetic := true
	for _, c := range o.Cohorts {
		sources = append(sources, c.Source)
		synthetic = synthetic && strings.HasPrefix(c.Source, "synth:")
	}
	kind := "real feature files"
	if synthetic {
		kind = "synthetic cohorts (not patient data)"
	}
	train, err := Profile(o.Profile)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("data: %s, %s; profile: %s (d = %d, %d epochs, batch %d, %s); seed %d; runs cached in %s",
		kind, strings.Join(sources, ", "), o.Profile, train.Model.Dim, train.Epochs, train.BatchSize, o.Optimizer, o.Seed, ShortPath(o.Root)), nil
}
