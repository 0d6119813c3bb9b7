// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Section4Methods are the rows of the supplement's Section 4 (Tables 1–2):
// PARACHUTE trained with GCS, the multimodal CoxNet on the concatenated
// modalities, and the two unimodal CoxNets.
func Section4Methods() []MethodVariant {
	label := func(m string) string { return train.MethodLabels[m] }
	return []MethodVariant{
		{"PARACHUTE (GCS)", train.MethodParachute, "gcs"},
		{label(train.MethodCoxNet), train.MethodCoxNet, "adamw"},
		{label(train.MethodCoxNetPathology), train.MethodCoxNetPathology, "adamw"},
		{label(train.MethodCoxNetRadiology), train.MethodCoxNetRadiology, "adamw"},
	}
}

// Section4Options configures [Section4].
type Section4Options struct {
	Options
	// Seeds are the training seeds per fold (default 1, 2, 3, as Figure 5
	// and Table 5, whose PARACHUTE runs these are).
	Seeds []uint64
}

func (o Section4Options) withDefaults() (Section4Options, error) {
	var err error
	if o.Options, err = o.Options.WithDefaults(); err != nil {
		return o, err
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1, 2, 3}
	}
	return o, nil
}

// Describe says which data, profile, methods and seeds the section uses.
func (o Section4Options) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	return o.describe("methods "+strings.Join(labelsOf(Section4Methods()), ", "), seedList(o.Seeds)+" per fold")
}

// Section4Cell is one method on one cohort: the C-index with all
// modalities after full-modality training (Table 1) and under 30 % mixed
// missingness after training at p_miss 0.30 (Table 2), each the mean and
// sample SD over the units (fold × seed), with the values behind them.
type Section4Cell struct {
	Cohort    string    `json:"cohort"`
	Method    string    `json:"method"`
	Full      float64   `json:"full"`
	FullSD    float64   `json:"full_sd"`
	Mixed30   float64   `json:"mixed30"`
	Mixed30SD float64   `json:"mixed30_sd"`
	FullC     []float64 `json:"full_c"`
	Mixed30C  []float64 `json:"mixed30_c"`
}

// Section4Paper is a value the supplement's Section 4 text quotes (Tables 1
// and 2 are not printed in the supplement's text).
type Section4Paper struct {
	Cohort  string   `json:"cohort"`
	Method  string   `json:"method"`
	Full    *float64 `json:"full,omitempty"`
	Mixed30 *float64 `json:"mixed30,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// Section4Result is Section 4 on our cohorts.
type Section4Result struct {
	Cohorts []string `json:"cohorts"`
	Methods []string `json:"methods"`
	// Cells[i][j] is cohort i, method j.
	Cells [][]Section4Cell `json:"cells"`
	// Comparisons are PARACHUTE minus each other method on the same units,
	// per cohort, with all modalities and then at 30 % mixed missingness.
	Comparisons []PairedComparison `json:"comparisons"`
	Paper       []Section4Paper    `json:"paper"`
}

// Section4 trains (or loads) the protocol of every Section 4 method on every
// cohort with the seeds and compares PARACHUTE with the concatenating and
// unimodal CoxNets.
func Section4(opts Section4Options) (*Section4Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	methods := Section4Methods()
	cells, err := methodCells(o.Options, methods, o.Seeds)
	if err != nil {
		return nil, err
	}
	done, err := runProtocols(o.Options, cells)
	if err != nil {
		return nil, err
	}
	cvs, err := curves(done, train.ScenarioMixedMissing)
	if err != nil {
		return nil, err
	}
	res := &Section4Result{Paper: PaperSection4(), Methods: labelsOf(methods)}
	last := len(experiment.MissingRatios) - 1
	per := len(methods) * len(o.Seeds)
	for c := 0; c < len(cvs); c += per {
		cohort := cvs[c].cell.cohort
		res.Cohorts = append(res.Cohorts, cohort)
		var row []Section4Cell
		var units []Unit
		for j, m := range methods {
			s, u := seriesOf(m.Label, cvs[c+j*len(o.Seeds):c+(j+1)*len(o.Seeds)])
			row = append(row, Section4Cell{Cohort: cohort, Method: m.Label, Full: s.Mean[0], FullSD: s.SD[0],
				Mixed30: s.Mean[last], Mixed30SD: s.SD[last], FullC: s.C[0], Mixed30C: s.C[last]})
			units = u
		}
		res.Cells = append(res.Cells, row)
		for j := 1; j < len(row); j++ {
			for _, at := range []struct {
				ratio       float64
				ref, others []float64
			}{{0, row[0].FullC, row[j].FullC}, {experiment.MissingRatios[last], row[0].Mixed30C, row[j].Mixed30C}} {
				pairs, err := pairUnits(cohort, units, at.ref, at.others)
				if err != nil {
					return nil, err
				}
				pc, err := comparePaired(cohort, []float64{at.ratio}, row[0].Method, row[j].Method, pairs, 4)
				if err != nil {
					return nil, err
				}
				res.Comparisons = append(res.Comparisons, pc)
			}
		}
	}
	decide(fmt.Sprintf("the %d comparisons of Section 4 (PARACHUTE against each CoxNet, per cohort, at 0 %% and 30 %%)", len(res.Comparisons)), res.Comparisons)
	return res, nil
}

// Verdict states, per cohort, where PARACHUTE stands against the multimodal
// CoxNet and the best unimodal CoxNet with all modalities, as measured.
func (r *Section4Result) Verdict() string {
	var b strings.Builder
	for i, cohort := range r.Cohorts {
		row := r.Cells[i]
		best := 2
		if row[3].Full > row[2].Full {
			best = 3
		}
		fmt.Fprintf(&b, "%s: PARACHUTE %.3f, concatenation %.3f, best unimodal (%s) %.3f with all modalities", cohort,
			row[0].Full, row[1].Full, row[best].Method, row[best].Full)
		for _, pc := range r.Comparisons {
			if pc.Cohort == cohort && pc.Ratios[0] == 0 && (pc.Other == row[1].Method || pc.Other == row[best].Method) {
				fmt.Fprintf(&b, "; vs %s: %+.3f [%+.3f, %+.3f], Holm-adjusted p %.3g, %s", pc.Other, pc.MeanDiff, pc.Lower, pc.Upper, pc.PAdjusted, pc.Verdict)
			}
		}
		b.WriteString(".\n")
	}
	return strings.TrimSpace(b.String())
}

// PaperSection4 returns the values the supplement's Section 4 quotes.
func PaperSection4() []Section4Paper {
	v := func(x float64) *float64 { return &x }
	return []Section4Paper{
		{Cohort: "CPTAC-PDA", Method: "PARACHUTE", Full: v(0.7848), Mixed30: v(0.6196)},
		{Cohort: "CPTAC-PDA", Method: "CoxNet (concatenation)", Full: v(0.6114)},
		{Cohort: "CPTAC-PDA", Method: "CoxNet (pathology only)", Full: v(0.7743)},
		{Cohort: "CPTAC-UCEC", Method: "PARACHUTE", Full: v(0.8367), Note: "30 % mixed: \"remains above 0.74\""},
		{Cohort: "CPTAC-UCEC", Method: "CoxNet (concatenation)", Full: v(0.4975)},
		{Cohort: "MMIST-ccRCC", Method: "PARACHUTE", Full: v(0.7436), Mixed30: v(0.6485)},
		{Cohort: "MMIST-ccRCC", Method: "CoxNet (concatenation)", Full: v(0.5653)},
	}
}
