// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// protocolCell is one whole protocol (every fold at every missing ratio)
// of one cohort, one variant of the training (an optimizer, a method, a
// pair of encoders) and one seed.
type protocolCell struct {
	cohort  string // the panel it belongs to
	variant string
	seed    uint64
	spec    data.CohortSpec
	method  string // "" means experiment.MethodParachute
	base    experiment.TrainConfig
}

// methodCells lists the cells of every cohort × variant × seed, in that
// order, each variant trained in the profile with its method and optimizer.
func methodCells(o Options, variants []MethodVariant, seeds []uint64) ([]protocolCell, error) {
	var cells []protocolCell
	for _, spec := range o.Cohorts {
		for _, v := range variants {
			for _, seed := range seeds {
				base, err := experiment.Profile(o.Profile)
				if err != nil {
					return nil, err
				}
				base.Optimizer, base.Seed = v.Optimizer, seed
				cells = append(cells, protocolCell{cohort: spec.Source, variant: v.Label, seed: seed, spec: spec, method: v.Method, base: base})
			}
		}
	}
	return cells, nil
}

// protocolRuns is a cell with its finished runs (every ratio, every fold).
type protocolRuns struct {
	cell protocolCell
	runs []*experiment.RunResult
}

// runProtocols trains (or loads from the cache) every cell's protocol in
// one pool of workers.
func runProtocols(o Options, cells []protocolCell) ([]protocolRuns, error) {
	cohorts := &experiment.CohortCache{}
	var runs []experiment.RunConfig
	first := make([]int, len(cells)+1)
	for i, cell := range cells {
		c, err := cohorts.Open(cell.spec)
		if err != nil {
			return nil, err
		}
		eval := experiment.EvalProfile(o.Profile)
		eval.Seed = cell.seed
		method := cell.method
		if method == "" {
			method = experiment.MethodParachute
		}
		runs = append(runs, experiment.ProtocolRuns(cell.spec, len(c.Folds), method, cell.base, eval)...)
		first[i+1] = len(runs)
	}
	results, err := experiment.RunAll(o.Root, runs, o.Workers, o.Progress, experiment.RunOptions{Cohorts: cohorts, Stack: o.Stack, StackMemory: o.StackMemory})
	if err != nil {
		return nil, err
	}
	out := make([]protocolRuns, len(cells))
	for i, cell := range cells {
		out[i] = protocolRuns{cell: cell, runs: results[first[i]:first[i+1]]}
	}
	return out, nil
}

// protocolCurve is a cell's C-index under one scenario at each ratio: one
// value per fold (the mean over the scenario's mask repeats).
type protocolCurve struct {
	cell protocolCell
	// c[k][f] is fold f's C at experiment.MissingRatios[k].
	c [][]float64
}

// curve extracts a cell's C under the scenario at p_miss > 0 and with all
// modalities at p_miss 0.
func (p protocolRuns) curve(scenario string) (protocolCurve, error) {
	cv := protocolCurve{cell: p.cell, c: make([][]float64, len(experiment.MissingRatios))}
	for _, r := range p.runs {
		want := scenario
		if r.Config.Train.PMiss == 0 {
			want = experiment.ScenarioFull
		}
		v, err := scenarioC(r, want)
		if err != nil {
			return cv, fmt.Errorf("%s, %s, seed %d, fold %d: %w", p.cell.cohort, p.cell.variant, p.cell.seed, r.Config.Fold, err)
		}
		k := ratioIndex(r.Config.Train.PMiss)
		cv.c[k] = append(cv.c[k], v)
	}
	return cv, nil
}

// curves extracts every cell's curve under the scenario.
func curves(ps []protocolRuns, scenario string) ([]protocolCurve, error) {
	out := make([]protocolCurve, len(ps))
	for i, p := range ps {
		var err error
		if out[i], err = p.curve(scenario); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func ratioIndex(p float64) int {
	for k, r := range experiment.MissingRatios {
		if r == p {
			return k
		}
	}
	panic(fmt.Sprintf("figures: p_miss %v is not a protocol ratio", p))
}

// scenarioC returns a run's mean C over the repeats of a scenario.
func scenarioC(r *experiment.RunResult, scenario string) (float64, error) {
	for _, sc := range r.Scenarios {
		if sc.Scenario == scenario {
			if math.IsNaN(float64(sc.CMean)) {
				return 0, fmt.Errorf("C-index undefined under %s", scenario)
			}
			return float64(sc.CMean), nil
		}
	}
	return 0, fmt.Errorf("no %s scenario in run %s", scenario, r.Hash)
}

// Series is one variant's C-index at each missing ratio on one cohort:
// the mean and sample SD over its units (fold × seed).
type Series struct {
	Label  string    `json:"label"`
	Ratios []float64 `json:"ratios"`
	Mean   []float64 `json:"mean"`
	SD     []float64 `json:"sd"`
	// C[k] holds the values behind Mean[k], one per unit, in the order of
	// the panel's Units.
	C [][]float64 `json:"c"`
}

// Unit is one paired unit of a panel: a fold trained with a seed.
type Unit struct {
	Fold int    `json:"fold"`
	Seed uint64 `json:"seed"`
}

// seriesOf pools the curves of one variant over seeds: units are (seed,
// fold), seeds outer.
func seriesOf(label string, curves []protocolCurve) (Series, []Unit) {
	s := Series{Label: label, Ratios: experiment.MissingRatios, C: make([][]float64, len(experiment.MissingRatios))}
	var units []Unit
	for _, cv := range curves {
		for k := range s.C {
			s.C[k] = append(s.C[k], cv.c[k]...)
		}
		for f := range cv.c[0] {
			units = append(units, Unit{Fold: f, Seed: cv.cell.seed})
		}
	}
	for k := range s.C {
		m, sd := meanSD(s.C[k])
		s.Mean, s.SD = append(s.Mean, m), append(s.SD, sd)
	}
	return s, units
}

// meanSD returns the mean and the sample SD (0 for one value).
func meanSD(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	if len(x) == 1 {
		return m, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return m, math.Sqrt(ss / float64(len(x)-1))
}

// PairedComparison compares a reference variant with another on the same
// units (same folds, seeds and evaluation masks): the mean of the paired
// differences reference − other with a percentile bootstrap interval, the
// Wilcoxon signed-rank test, and a plain verdict.
type PairedComparison struct {
	// Cohort is the panel, or "all cohorts" when pooled.
	Cohort string `json:"cohort"`
	// Ratios are the missing ratios pooled (one, or several).
	Ratios    []float64 `json:"ratios"`
	Reference string    `json:"reference"`
	Other     string    `json:"other"`
	// N counts the pairs; Wins and Losses those where the reference is
	// higher and lower.
	N      int `json:"n"`
	Wins   int `json:"wins"`
	Losses int `json:"losses"`
	// MeanReference and MeanOther are the two means; MeanDiff their
	// difference in C-index points, Lower and Upper its BandLevel bootstrap
	// interval (2,000 resamples of the pairs, seeded), and RelativePercent
	// 100 · MeanDiff / MeanOther, the kind of "gain" the supplement quotes.
	MeanReference   float64 `json:"mean_reference"`
	MeanOther       float64 `json:"mean_other"`
	MeanDiff        float64 `json:"mean_diff"`
	Lower           float64 `json:"lower"`
	Upper           float64 `json:"upper"`
	RelativePercent float64 `json:"relative_percent"`
	// P is the two-sided Wilcoxon signed-rank p-value (R's wilcox.test,
	// paired); NaN when every difference is zero.
	P     float64 `json:"p"`
	Exact bool    `json:"exact"`
	// Verdict is "better" when the interval lies above 0, "worse" when it
	// lies below, and "no difference shown" otherwise.
	Verdict string `json:"verdict"`
}

// comparePaired builds a PairedComparison of ref and other (pairs in
// order); the bootstrap is seeded.
func comparePaired(cohort string, ratios []float64, refName, otherName string, ref, other []float64, seed uint64) (PairedComparison, error) {
	if len(ref) != len(other) || len(ref) < 2 {
		return PairedComparison{}, fmt.Errorf("figures: %d and %d paired values", len(ref), len(other))
	}
	pc := PairedComparison{Cohort: cohort, Ratios: ratios, Reference: refName, Other: otherName, N: len(ref), P: math.NaN()}
	d := make([]float64, len(ref))
	for i := range ref {
		d[i] = ref[i] - other[i]
		switch {
		case d[i] > 0:
			pc.Wins++
		case d[i] < 0:
			pc.Losses++
		}
	}
	pc.MeanReference, _ = meanSD(ref)
	pc.MeanOther, _ = meanSD(other)
	mean := func(idx []int) (float64, error) {
		s := 0.0
		for _, i := range idx {
			s += d[i]
		}
		return s / float64(len(idx)), nil
	}
	iv, err := survival.Bootstrap(len(d), mean, survival.BootstrapOptions{Replicates: 2000, Level: BandLevel, Seed: seed})
	if err != nil {
		return pc, err
	}
	pc.MeanDiff, pc.Lower, pc.Upper = iv.Estimate, iv.Lower, iv.Upper
	pc.RelativePercent = 100 * pc.MeanDiff / pc.MeanOther
	if w, err := stats.WilcoxonSignedRank(ref, other); err == nil {
		pc.P, pc.Exact = w.P, w.Exact
	}
	switch {
	case pc.Lower > 0:
		pc.Verdict = "better"
	case pc.Upper < 0:
		pc.Verdict = "worse"
	default:
		pc.Verdict = "no difference shown"
	}
	return pc, nil
}

// scenarioLabel names a scenario for titles.
func scenarioLabel(s string) string {
	return map[string]string{experiment.ScenarioFull: "all modalities", experiment.ScenarioRadMissing: "radiology missing",
		experiment.ScenarioWSIMissing: "WSI missing", experiment.ScenarioMixedMissing: "mixed missing"}[s]
}
