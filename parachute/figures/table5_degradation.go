// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// MethodVariant is one row of a methods table: a method of the protocol
// trained with one optimizer.
type MethodVariant struct {
	Label     string `json:"label"`
	Method    string `json:"method"`
	Optimizer string `json:"optimizer"`
}

// MethodVariants lists every variant the protocol can run: PARACHUTE with
// AdamW and with GCS, and every other method of experiment.Methods with
// AdamW (the method baselines join the tables through that list).
func MethodVariants() []MethodVariant {
	var out []MethodVariant
	for _, m := range train.Methods {
		if m == train.MethodParachute {
			out = append(out, MethodVariant{"PARACHUTE (AdamW)", m, "adamw"}, MethodVariant{"PARACHUTE (GCS)", m, "gcs"})
			continue
		}
		label := train.MethodLabels[m]
		if label == "" {
			label = m
		}
		out = append(out, MethodVariant{label, m, "adamw"})
	}
	return out
}

// labelsOf returns the variants' labels, in order.
func labelsOf(methods []MethodVariant) []string {
	out := make([]string, len(methods))
	for i, m := range methods {
		out[i] = m.Label
	}
	return out
}

// Table5Options configures [Table5].
type Table5Options struct {
	Options
	// Methods are the rows (default MethodVariants()).
	Methods []MethodVariant
	// Seeds are the training seeds per fold (default 1, 2, 3, as Figure 5,
	// whose runs these are).
	Seeds []uint64
	// Reference is the row every other row's degradation is compared with
	// (default "PARACHUTE (GCS)", the supplement's model).
	Reference string
}

func (o Table5Options) withDefaults() (Table5Options, error) {
	var err error
	if o.Options, err = o.Options.WithDefaults(); err != nil {
		return o, err
	}
	if len(o.Methods) == 0 {
		o.Methods = MethodVariants()
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1, 2, 3}
	}
	if o.Reference == "" {
		o.Reference = "PARACHUTE (GCS)"
	}
	if !slices.Contains(labelsOf(o.Methods), o.Reference) {
		return o, fmt.Errorf("figures: Table 5's reference %q is not among the methods %v", o.Reference, labelsOf(o.Methods))
	}
	return o, nil
}

// Describe says which data, profile, methods and seeds the table uses.
func (o Table5Options) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	return o.describe("methods "+strings.Join(labelsOf(o.Methods), ", "), seedList(o.Seeds)+" per fold")
}

// DegradationRow is one method's degradation on one cohort (supplement
// Table 5): the C-index averaged over the three masking types at 5, 15 and
// 30 % missing, the deltas and the speeds per 10 points of missingness,
// with the SD of each speed over the units (fold × seed).
type DegradationRow struct {
	Cohort string `json:"cohort"`
	Method string `json:"method"`
	survival.Degradation
	// SpeedSD are the SDs over units of Speed5to15, Speed5to30, Speed15to30.
	SpeedSD [3]float64 `json:"speed_sd"`
	Units   int        `json:"units"`
	// Steepest marks, per speed, the steepest (most negative) degradation
	// among the rows of the cohort.
	Steepest [3]bool `json:"steepest"`
	// PaperMarked, for the supplement's rows, are the speeds it underlines
	// in red as steep degradations.
	PaperMarked [3]bool `json:"paper_marked,omitempty"`
}

// Speeds returns Speed5to15, Speed5to30 and Speed15to30 in order.
func (r DegradationRow) Speeds() [3]float64 {
	return [3]float64{r.Speed5to15, r.Speed5to30, r.Speed15to30}
}

// Deltas returns Δ(5→15), Δ(5→30) and Δ(15→30) in order.
func (r DegradationRow) Deltas() [3]float64 {
	return [3]float64{r.Delta5to15, r.Delta5to30, r.Delta15to30}
}

// Table5Result holds our rows and the supplement's, each with the steepest
// degradation per cohort and speed marked.
type Table5Result struct {
	Rows  []DegradationRow `json:"rows"`
	Paper []DegradationRow `json:"paper"`
	// Reference is the row the others are compared with; Comparisons are
	// its Speed5to30 minus each other row's, paired over units (fold ×
	// seed, averaged within the fold), per cohort and pooled over the
	// cohorts, decided as one family: "worse" means the reference loses
	// C-index faster.
	Reference   string             `json:"reference"`
	Comparisons []PairedComparison `json:"comparisons"`
}

// Table5 trains (or loads) every method's protocol on every cohort with the
// seeds, and computes supplement Table 5 from the C-index averaged over the
// radiology-missing, WSI-missing and mixed-missing evaluations at each
// ratio; each unit's speeds give the SDs.
func Table5(opts Table5Options) (*Table5Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cells, err := methodCells(o.Options, o.Methods, o.Seeds)
	if err != nil {
		return nil, err
	}
	done, err := runProtocols(o.Options, cells)
	if err != nil {
		return nil, err
	}
	masked := []string{train.ScenarioRadMissing, train.ScenarioWSIMissing, train.ScenarioMixedMissing}
	byScenario := make([][]protocolCurve, len(masked))
	for s, sc := range masked {
		if byScenario[s], err = curves(done, sc); err != nil {
			return nil, err
		}
	}
	res := &Table5Result{Paper: PaperTable5(), Reference: o.Reference}
	var speeds [][]float64 // speeds[row][u]: unit u's Speed5to30
	var folds [][]Unit
	for i := 0; i < len(cells); i += len(o.Seeds) {
		cell := cells[i]
		// units[u][k]: unit u's average over the masking types at 5, 15, 30 %.
		var units [][3]float64
		var unitOf []Unit
		for j := i; j < i+len(o.Seeds); j++ {
			for f := range byScenario[0][j].c[1] {
				unitOf = append(unitOf, Unit{Fold: f, Seed: cells[j].seed})
				var avg [3]float64
				for k := range 3 {
					for s := range masked {
						avg[k] += byScenario[s][j].c[k+1][f] / float64(len(masked))
					}
				}
				units = append(units, avg)
			}
		}
		row, unitSpeeds, err := degradationRow(cell.cohort, cell.variant, units)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
		var sp []float64
		for _, u := range unitSpeeds {
			sp = append(sp, u[1]) // Speed5to30
		}
		speeds, folds = append(speeds, sp), append(folds, unitOf)
	}
	markSteepest(res.Rows)
	if err := res.compareSpeeds(speeds, folds, o.Seed); err != nil {
		return nil, err
	}
	return res, nil
}

// compareSpeeds compares the reference row's Speed5to30 with every other
// row's on the same units, per cohort and pooled over the cohorts, as one
// family.
func (res *Table5Result) compareSpeeds(speeds [][]float64, folds [][]Unit, seed uint64) error {
	ref := map[string]int{}
	for i, r := range res.Rows {
		if r.Method == res.Reference {
			ref[r.Cohort] = i
		}
	}
	var perCohort []PairedComparison
	pooled := map[string][]stats.Unit{}
	var order []string
	for i, r := range res.Rows {
		j, ok := ref[r.Cohort]
		if !ok || i == j {
			continue
		}
		units, err := pairUnits(r.Cohort, folds[i], speeds[j], speeds[i])
		if err != nil {
			return err
		}
		pc, err := comparePaired(r.Cohort, []float64{0.05, 0.30}, res.Reference, r.Method, units, seed)
		if err != nil {
			return err
		}
		perCohort = append(perCohort, pc)
		if _, seen := pooled[r.Method]; !seen {
			order = append(order, r.Method)
		}
		pooled[r.Method] = append(pooled[r.Method], units...)
	}
	var all []PairedComparison
	if len(ref) > 1 {
		for _, m := range order {
			pc, err := comparePaired("all cohorts", []float64{0.05, 0.30}, res.Reference, m, pooled[m], seed)
			if err != nil {
				return err
			}
			all = append(all, pc)
		}
	}
	decide(fmt.Sprintf("the %d comparisons of Table 5's speeds (the reference's 5→30 %% speed against each method's, per cohort and pooled)",
		len(perCohort)+len(all)), perCohort, all)
	res.Comparisons = append(perCohort, all...)
	return nil
}

// Verdict answers the supplement's claim that PARACHUTE does not degrade
// faster than the other methods: the pooled comparisons of the 5→30 %
// speed (or the per-cohort ones when there is one cohort), and the cohorts
// where a PARACHUTE row is itself marked steepest.
func (r *Table5Result) Verdict() string {
	var b strings.Builder
	pooled := false
	for _, pc := range r.Comparisons {
		pooled = pooled || pc.Cohort == "all cohorts"
	}
	count := map[stats.Verdict][]string{}
	for _, pc := range r.Comparisons {
		if pooled != (pc.Cohort == "all cohorts") {
			continue
		}
		count[pc.Verdict] = append(count[pc.Verdict], pc.Other)
	}
	fmt.Fprintf(&b, "Speed 5→30 %% of %s against each method (%s): ", r.Reference, map[bool]string{true: "pooled over the cohorts", false: "per cohort"}[pooled])
	var parts []string
	for _, v := range []stats.Verdict{stats.Worse, stats.Better, stats.NoDifference, stats.TooFewPairs} {
		if len(count[v]) == 0 {
			continue
		}
		word := map[stats.Verdict]string{stats.Worse: "degrades faster than", stats.Better: "degrades more slowly than",
			stats.NoDifference: "no difference shown from", stats.TooFewPairs: "too few fold pairs to compare with"}[v]
		parts = append(parts, word+" "+strings.Join(count[v], ", "))
	}
	b.WriteString(strings.Join(parts, "; ") + ".")
	if len(count[stats.Worse]) == 0 {
		fmt.Fprintf(&b, " The claim that PARACHUTE does not degrade faster is not contradicted here")
		if len(count[stats.Better]) == 0 {
			b.WriteString(", nor is it shown to degrade more slowly")
		}
		b.WriteString(".")
	} else {
		b.WriteString(" The claim that PARACHUTE does not degrade faster fails against these methods.")
	}
	for _, row := range r.Rows {
		if strings.HasPrefix(row.Method, "PARACHUTE") {
			for k, steep := range row.Steepest {
				if steep {
					fmt.Fprintf(&b, " Note: %s has %s's steepest %s speed (%+.3f per 10 points), marked in bold like any other row.",
						row.Method, row.Cohort, []string{"5→15 %", "5→30 %", "15→30 %"}[k], row.Speeds()[k])
				}
			}
		}
	}
	return b.String()
}

// degradationRow computes a row from each unit's averages at 5, 15, 30 %,
// and each unit's three speeds.
func degradationRow(cohort, method string, units [][3]float64) (DegradationRow, [][3]float64, error) {
	row := DegradationRow{Cohort: cohort, Method: method, Units: len(units)}
	var mean [3]float64
	speeds := make([][3]float64, len(units))
	for u, avg := range units {
		d, err := survival.DegradationAnalysis(avg[0], avg[1], avg[2])
		if err != nil {
			return row, nil, fmt.Errorf("%s, %s: %w", cohort, method, err)
		}
		for k := range 3 {
			mean[k] += avg[k] / float64(len(units))
		}
		speeds[u] = [3]float64{d.Speed5to15, d.Speed5to30, d.Speed15to30}
	}
	d, err := survival.DegradationAnalysis(mean[0], mean[1], mean[2])
	if err != nil {
		return row, nil, err
	}
	row.Degradation = d
	for k := range 3 {
		col := make([]float64, len(speeds))
		for u := range speeds {
			col[u] = speeds[u][k]
		}
		_, row.SpeedSD[k] = stats.MeanSD(col)
	}
	return row, speeds, nil
}

// markSteepest marks, within each cohort, the row with the most negative
// value of each speed (none when no speed is negative).
func markSteepest(rows []DegradationRow) {
	for k := range 3 {
		best := map[string]int{}
		for i, r := range rows {
			v := r.Speeds()[k]
			j, seen := best[r.Cohort]
			if v < 0 && (!seen || v < rows[j].Speeds()[k]) {
				best[r.Cohort] = i
			}
		}
		for _, i := range best {
			rows[i].Steepest[k] = true
		}
	}
}

// paperTable5 is the supplement's Table 5 as printed: Δ(5→15), Δ(5→30),
// Δ(15→30) and the three speeds, per cohort and method.
var paperTable5 = []struct {
	cohort, method string
	values         [6]float64
	marked         [3]bool // speeds underlined in red
}{
	{"CPTAC-PDA", "CoxPH", [6]float64{+0.015, +0.011, -0.005, +0.015, +0.004, -0.003}, [3]bool{}},
	{"CPTAC-PDA", "DRIM", [6]float64{+0.027, -0.031, -0.058, +0.027, -0.012, -0.038}, [3]bool{}},
	{"CPTAC-PDA", "AttentionMOI", [6]float64{+0.040, -0.056, -0.096, 0.040, -0.022, -0.064}, [3]bool{false, false, true}},
	{"CPTAC-PDA", "MMD", [6]float64{-0.040, -0.113, -0.073, -0.040, -0.045, -0.049}, [3]bool{}},
	{"CPTAC-PDA", "ShaSpec", [6]float64{-0.040, -0.109, -0.069, -0.040, -0.043, -0.046}, [3]bool{}},
	{"CPTAC-PDA", "PARACHUTE", [6]float64{-0.064, -0.145, -0.081, -0.064, -0.058, -0.054}, [3]bool{}},
	{"CPTAC-UCEC", "CoxPH", [6]float64{+0.058, -0.036, -0.093, +0.058, -0.014, -0.062}, [3]bool{false, true, true}},
	{"CPTAC-UCEC", "DRIM", [6]float64{+0.006, +0.019, +0.013, +0.006, +0.008, +0.009}, [3]bool{}},
	{"CPTAC-UCEC", "AttentionMOI", [6]float64{-0.009, +0.010, +0.019, -0.009, +0.004, +0.013}, [3]bool{}},
	{"CPTAC-UCEC", "MMD", [6]float64{-0.016, -0.020, -0.004, -0.016, -0.008, -0.003}, [3]bool{}},
	{"CPTAC-UCEC", "ShaSpec", [6]float64{-0.031, -0.050, -0.019, -0.031, -0.020, -0.013}, [3]bool{true, true, true}},
	{"CPTAC-UCEC", "PARACHUTE", [6]float64{-0.028, -0.034, -0.006, -0.028, -0.014, -0.004}, [3]bool{}},
	{"MMIST-ccRCC", "CoxPH", [6]float64{-0.013, +0.049, +0.062, -0.013, +0.020, +0.041}, [3]bool{true, false, false}},
	{"MMIST-ccRCC", "DRIM", [6]float64{+0.066, -0.017, -0.083, +0.066, -0.007, -0.055}, [3]bool{false, false, true}},
	{"MMIST-ccRCC", "AttentionMOI", [6]float64{-0.007, -0.004, +0.003, -0.007, -0.002, +0.002}, [3]bool{}},
	{"MMIST-ccRCC", "MMD", [6]float64{-0.004, -0.080, -0.076, -0.004, -0.032, -0.051}, [3]bool{false, true, true}},
	{"MMIST-ccRCC", "ShaSpec", [6]float64{+0.030, -0.042, -0.072, +0.030, -0.017, -0.048}, [3]bool{false, false, true}},
	{"MMIST-ccRCC", "PARACHUTE", [6]float64{+0.023, -0.022, -0.045, 0.023, -0.009, -0.030}, [3]bool{}},
}

// PaperTable5 returns the supplement's Table 5 as printed (three decimals;
// the averages are not printed and stay NaN), with its red underlines in
// PaperMarked. Steepest is computed from the printed values, like ours: the
// supplement underlines the steep drops of the competing methods, several
// per column at times, and never PARACHUTE's, even where PARACHUTE's printed
// speed is the most negative of its cohort.
func PaperTable5() []DegradationRow {
	var rows []DegradationRow
	for _, r := range paperTable5 {
		v := r.values
		rows = append(rows, DegradationRow{Cohort: r.cohort, Method: r.method, Degradation: survival.Degradation{
			Avg5: math.NaN(), Avg15: math.NaN(), Avg30: math.NaN(),
			Delta5to15: v[0], Delta5to30: v[1], Delta15to30: v[2], Speed5to15: v[3], Speed5to30: v[4], Speed15to30: v[5]},
			SpeedSD: [3]float64{math.NaN(), math.NaN(), math.NaN()}, PaperMarked: r.marked})
	}
	markSteepest(rows)
	return rows
}
