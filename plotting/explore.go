// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/parachute/figures"
)

// ExploreFigure draws the exploration notebook's figure: Kaplan–Meier
// curves of the pooled out-of-fold predictions split at their median risk,
// with the log-rank p-value, titled with the settings.
func ExploreFigure(r *figures.ExploreResult, t Theme) (*Figure, error) {
	f, err := KaplanMeierByRisk(r.Pooled.Outcomes, r.Pooled.Risk, 2, t)
	if err != nil {
		return nil, err
	}
	s := r.Settings
	f.Panels[0][0].Title.Text = fmt.Sprintf("%s, %s (%s), p_miss %.2f: pooled out-of-fold risk groups\n%s",
		cohortTitle(r.Pooled.Cohort), s.Method, figures.OptimizerLabel(s.Optimizer), s.PMiss, f.Panels[0][0].Title.Text)
	return f, nil
}

// ExploreTable renders the folds' scores as Markdown: Harrell's C under the
// scenario (± its SD over the mask repeats), Uno's C and the IBS with all
// modalities, and the mean ± SD over the folds.
func ExploreTable(r *figures.ExploreResult) string {
	header := []string{"Fold", "C (" + r.Scenario + ")", "SD over masks", "Uno's C (all)", "IBS (all)"}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "—"
		}
		return fmt.Sprintf("%.4f", v)
	}
	var rows [][]string
	for _, f := range r.Folds {
		rows = append(rows, []string{fmt.Sprint(f.Fold), num(f.C), num(f.CSD), num(f.UnoC), num(f.IBS)})
	}
	rows = append(rows, []string{"mean ± SD", fmt.Sprintf("**%.4f ± %.4f**", r.MeanC, r.SDC), "", "", ""})
	return Markdown(header, rows)
}
