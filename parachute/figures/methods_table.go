// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// MethodsTableOptions configures [MethodsTable].
type MethodsTableOptions struct {
	Options
	// Methods are the rows (default MethodVariants(): every method the
	// protocol runs).
	Methods []MethodVariant
	// Seeds are the training seeds per fold (default 1, 2, 3, as Figure 5,
	// Table 5 and Section 4, whose runs these are).
	Seeds []uint64
	// Reference is the row every other is compared with (default
	// "PARACHUTE (GCS)").
	Reference string
}

func (o MethodsTableOptions) withDefaults() (MethodsTableOptions, error) {
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
	return o, nil
}

// Describe says which data, profile, methods and seeds the table uses.
func (o MethodsTableOptions) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	return o.describe("methods "+strings.Join(labelsOf(o.Methods), ", ")+"; reference "+o.Reference, seedList(o.Seeds)+" per fold")
}

// MethodsColumn is one column of the methods table: the training missing
// ratio and the evaluation scenario at that ratio.
type MethodsColumn struct {
	PMiss    float64 `json:"pmiss"`
	Scenario string  `json:"scenario"`
}

// MethodsCell is one method's C-index in one column on one cohort: the mean
// and sample SD over the units (fold × seed), the values, and whether the
// mean is the column's best on that cohort.
type MethodsCell struct {
	Mean float64   `json:"mean"`
	SD   float64   `json:"sd"`
	C    []float64 `json:"c"`
	Best bool      `json:"best"`
}

// MethodsTableResult is every method under every scenario of the protocol.
type MethodsTableResult struct {
	Cohorts   []string        `json:"cohorts"`
	Methods   []string        `json:"methods"`
	Reference string          `json:"reference"`
	Columns   []MethodsColumn `json:"columns"`
	// Cells[i][j][k] is cohort i, method j, column k.
	Cells [][][]MethodsCell `json:"cells"`
	// Comparisons are the reference minus each other method on each
	// cohort, on each unit's mean C over all the columns (paired units).
	Comparisons []PairedComparison `json:"comparisons"`
}

// MethodsTable trains (or loads) every method's protocol on every cohort
// and tabulates the C-index per column (training ratio × scenario), marks
// the best method per column and cohort, and compares the reference with
// each method.
func MethodsTable(opts MethodsTableOptions) (*MethodsTableResult, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ref := -1
	for j, m := range o.Methods {
		if m.Label == o.Reference {
			ref = j
		}
	}
	if ref < 0 {
		return nil, fmt.Errorf("figures: reference %q is not among the methods", o.Reference)
	}
	cells, err := methodCells(o.Options, o.Methods, o.Seeds)
	if err != nil {
		return nil, err
	}
	done, err := runProtocols(o.Options, cells)
	if err != nil {
		return nil, err
	}
	res := &MethodsTableResult{Reference: o.Reference, Columns: methodsColumns(), Methods: labelsOf(o.Methods)}
	col := map[MethodsColumn]int{}
	for k, c := range res.Columns {
		col[c] = k
	}
	per := len(o.Methods) * len(o.Seeds)
	for c := 0; c < len(done); c += per {
		cohort := done[c].cell.cohort
		res.Cohorts = append(res.Cohorts, cohort)
		table := make([][]MethodsCell, len(o.Methods))
		var units []Unit // the units of every column, in their order
		for j := range o.Methods {
			table[j] = make([]MethodsCell, len(res.Columns))
			for s := range o.Seeds {
				p := done[c+j*len(o.Seeds)+s]
				// Runs come ratio by ratio, fold by fold: append in that order
				// per column, so units line up across methods (seeds outer).
				for _, r := range p.runs {
					for _, sc := range r.Scenarios {
						k, ok := col[MethodsColumn{r.Config.Train.PMiss, sc.Scenario}]
						if !ok {
							continue
						}
						table[j][k].C = append(table[j][k].C, float64(sc.CMean))
						if j == 0 && k == 0 {
							units = append(units, Unit{Fold: r.Config.Fold, Seed: o.Seeds[s]})
						}
					}
				}
			}
			for k := range table[j] {
				table[j][k].Mean, table[j][k].SD = stats.MeanSD(table[j][k].C)
			}
		}
		for k := range res.Columns {
			best := 0
			for j := range table {
				if table[j][k].Mean > table[best][k].Mean {
					best = j
				}
			}
			for j := range table {
				table[j][k].Best = table[j][k].Mean == table[best][k].Mean
			}
		}
		res.Cells = append(res.Cells, table)
		unitMeans := func(j int) []float64 {
			n := len(table[j][0].C)
			out := make([]float64, n)
			for k := range res.Columns {
				for u := range n {
					out[u] += table[j][k].C[u] / float64(len(res.Columns))
				}
			}
			return out
		}
		for j, m := range o.Methods {
			if j == ref {
				continue
			}
			pairs, err := pairUnits(cohort, units, unitMeans(ref), unitMeans(j))
			if err != nil {
				return nil, err
			}
			pc, err := comparePaired(cohort, experiment.MissingRatios, o.Reference, m.Label, pairs, 5)
			if err != nil {
				return nil, err
			}
			res.Comparisons = append(res.Comparisons, pc)
		}
	}
	decide(fmt.Sprintf("the %d comparisons of the methods table (the reference against each method, per cohort)", len(res.Comparisons)), res.Comparisons)
	return res, nil
}

// methodsColumns lists the protocol's columns: all modalities after
// full-modality training, then at each missing ratio all modalities and
// the three masking types.
func methodsColumns() []MethodsColumn {
	cols := []MethodsColumn{{0, train.ScenarioFull}}
	for _, p := range experiment.MissingRatios[1:] {
		for _, sc := range []string{train.ScenarioFull, train.ScenarioRadMissing, train.ScenarioWSIMissing, train.ScenarioMixedMissing} {
			cols = append(cols, MethodsColumn{p, sc})
		}
	}
	return cols
}

// Verdict states, per cohort, how the reference compares with each method
// on the units' mean C over every column.
func (r *MethodsTableResult) Verdict() string {
	var b strings.Builder
	for _, pc := range r.Comparisons {
		fmt.Fprintf(&b, "%s: %s − %s = %+.3f [%+.3f, %+.3f] (%d fold pairs, Wilcoxon p = %.3g, Holm-adjusted %.3g): %s.\n", pc.Cohort, pc.Reference, pc.Other,
			pc.MeanDiff, pc.Lower, pc.Upper, pc.Pairs, pc.P, pc.PAdjusted, pc.Verdict)
	}
	return strings.TrimSpace(b.String())
}
