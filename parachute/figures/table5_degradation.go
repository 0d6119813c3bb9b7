// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"math"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/survival"
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
	for _, m := range experiment.Methods {
		if m == experiment.MethodParachute {
			out = append(out, MethodVariant{"PARACHUTE (AdamW)", m, "adamw"}, MethodVariant{"PARACHUTE (GCS)", m, "gcs"})
			continue
		}
		label := experiment.MethodLabels[m]
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
}

func (o Table5Options) withDefaults() (Table5Options, error) {
	var err error
	if o.Options, err = o.Options.withDefaults(); err != nil {
		return o, err
	}
	if len(o.Methods) == 0 {
		o.Methods = MethodVariants()
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1, 2, 3}
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
	masked := []string{experiment.ScenarioRadMissing, experiment.ScenarioWSIMissing, experiment.ScenarioMixedMissing}
	byScenario := make([][]protocolCurve, len(masked))
	for s, sc := range masked {
		if byScenario[s], err = curves(done, sc); err != nil {
			return nil, err
		}
	}
	res := &Table5Result{Paper: PaperTable5()}
	for i := 0; i < len(cells); i += len(o.Seeds) {
		cell := cells[i]
		// units[u][k]: unit u's average over the masking types at 5, 15, 30 %.
		var units [][3]float64
		for j := i; j < i+len(o.Seeds); j++ {
			for f := range byScenario[0][j].c[1] {
				var avg [3]float64
				for k := range 3 {
					for s := range masked {
						avg[k] += byScenario[s][j].c[k+1][f] / float64(len(masked))
					}
				}
				units = append(units, avg)
			}
		}
		row, err := degradationRow(cell.cohort, cell.variant, units)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
	}
	markSteepest(res.Rows)
	return res, nil
}

// degradationRow computes a row from each unit's averages at 5, 15, 30 %.
func degradationRow(cohort, method string, units [][3]float64) (DegradationRow, error) {
	row := DegradationRow{Cohort: cohort, Method: method, Units: len(units)}
	var mean [3]float64
	speeds := make([][3]float64, len(units))
	for u, avg := range units {
		d, err := survival.DegradationAnalysis(avg[0], avg[1], avg[2])
		if err != nil {
			return row, fmt.Errorf("%s, %s: %w", cohort, method, err)
		}
		for k := range 3 {
			mean[k] += avg[k] / float64(len(units))
		}
		speeds[u] = [3]float64{d.Speed5to15, d.Speed5to30, d.Speed15to30}
	}
	d, err := survival.DegradationAnalysis(mean[0], mean[1], mean[2])
	if err != nil {
		return row, err
	}
	row.Degradation = d
	for k := range 3 {
		col := make([]float64, len(speeds))
		for u := range speeds {
			col[u] = speeds[u][k]
		}
		_, row.SpeedSD[k] = meanSD(col)
	}
	return row, nil
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
