// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
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
	base    train.TrainConfig
}

// methodCells lists the cells of every cohort × variant × seed, in that
// order, each variant trained in the profile with its method and optimizer.
func methodCells(o Options, variants []MethodVariant, seeds []uint64) ([]protocolCell, error) {
	var cells []protocolCell
	for _, spec := range o.Cohorts {
		for _, v := range variants {
			for _, seed := range seeds {
				base, err := train.Profile(o.Profile)
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
		eval := train.EvalProfile(o.Profile)
		eval.Seed = cell.seed
		method := cell.method
		if method == "" {
			method = train.MethodParachute
		}
		runs = append(runs, experiment.ProtocolRuns(cell.spec, len(c.Folds), method, cell.base, eval)...)
		first[i+1] = len(runs)
	}
	backend.ShareCores(o.Workers)
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
			want = train.ScenarioFull
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
		m, sd := stats.MeanSD(s.C[k])
		s.Mean, s.SD = append(s.Mean, m), append(s.SD, sd)
	}
	return s, units
}

// PairedComparison compares a reference variant with another on the same
// units (same folds, seeds and evaluation masks) by the project's one rule,
// [stats.Compare] and [stats.Decide]: the units are averaged within their
// fold first, and the verdict is set when the whole family is known
// ([decide]).
type PairedComparison struct {
	// Cohort is the panel, or "all cohorts" when pooled.
	Cohort string `json:"cohort"`
	// Ratios are the missing ratios pooled (one, or several).
	Ratios    []float64 `json:"ratios"`
	Reference string    `json:"reference"`
	Other     string    `json:"other"`
	stats.Comparison
	// RelativePercent is 100 · MeanDiff / MeanOther, the kind of "gain" the
	// supplement quotes.
	RelativePercent float64 `json:"relative_percent"`
	// Reading, when set, words the verdict for the quantity compared
	// ("flatter" for a lower sharpness); Verdict stays the rule's.
	Reading string `json:"reading,omitempty"`
}

// Said is the comparison's verdict as a reader should read it: Reading
// when set, else the rule's Verdict.
func (pc PairedComparison) Said() string {
	if pc.Reading != "" {
		return pc.Reading
	}
	return string(pc.Verdict)
}

// comparePaired builds a PairedComparison of the units (reference and other
// on each, clustered by cohort and fold); the bootstrap is seeded. The
// verdict is left to decide.
func comparePaired(cohort string, ratios []float64, refName, otherName string, units []stats.Unit, seed uint64) (PairedComparison, error) {
	c, err := stats.Compare(units, seed)
	if err != nil {
		return PairedComparison{}, fmt.Errorf("figures: %s, %s vs %s: %w", cohort, refName, otherName, err)
	}
	return PairedComparison{Cohort: cohort, Ratios: ratios, Reference: refName, Other: otherName, Comparison: c,
		RelativePercent: 100 * c.MeanDiff / c.MeanOther}, nil
}

// pairUnits pairs ref[u] with other[u] on each unit of a cohort's panel,
// clustered by cohort and fold (the seeds of a fold share its test
// patients).
func pairUnits(cohort string, units []Unit, ref, other []float64) ([]stats.Unit, error) {
	if len(ref) != len(units) || len(other) != len(units) {
		return nil, fmt.Errorf("figures: %s: %d and %d values for %d units", cohort, len(ref), len(other), len(units))
	}
	out := make([]stats.Unit, len(units))
	for i, u := range units {
		out[i] = stats.Unit{Cluster: fmt.Sprintf("%s fold %d", cohort, u.Fold), Reference: ref[i], Other: other[i]}
	}
	return out, nil
}

// decide applies [stats.Decide] to the comparisons of several tables as
// one family named name (Holm across all of them), in place.
func decide(name string, tables ...[]PairedComparison) {
	var flat []stats.Comparison
	for _, t := range tables {
		for _, c := range t {
			flat = append(flat, c.Comparison)
		}
	}
	stats.Decide(flat, name)
	i := 0
	for _, t := range tables {
		for j := range t {
			t[j].Comparison = flat[i]
			i++
		}
	}
}

// scenarioLabel names a scenario for titles.
func scenarioLabel(s string) string {
	return map[string]string{train.ScenarioFull: "all modalities", train.ScenarioRadMissing: "radiology missing",
		train.ScenarioWSIMissing: "WSI missing", train.ScenarioMixedMissing: "mixed missing"}[s]
}
