// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/figures"
)

// OptimizersVsMissing draws supplement Figure 5: each optimizer's C-index
// against the missing ratio, one panel per cohort, ±1 SD as error bars.
func OptimizersVsMissing(r *figures.Figure5Result, t Theme) (*Figure, error) {
	return MetricVsMissing(r.Panels, "C-index (mean ± 1 SD)", MissingOptions{ErrorBars: true}, t)
}

// PairedComparisons renders paired comparisons as a Markdown table: the
// pairs, the two means, the mean difference with its interval, the relative
// gain, wins and losses, the Wilcoxon p-value and the verdict.
func PairedComparisons(cs []figures.PairedComparison) string {
	header := []string{"Cohort", "Missing ratio", "Comparison", "Pairs", "Mean (ref.)", "Mean (other)",
		"Difference [95 % CI]", "Relative", "Won / lost", "Wilcoxon p", "Verdict"}
	var rows [][]string
	for _, c := range cs {
		var ratios []string
		for _, r := range c.Ratios {
			ratios = append(ratios, fmt.Sprintf("%.0f %%", 100*r))
		}
		exact := ""
		if c.Exact {
			exact = " (exact)"
		}
		rows = append(rows, []string{cohortTitle(c.Cohort), strings.Join(ratios, ", "),
			figures.OptimizerLabel(c.Reference) + " vs " + figures.OptimizerLabel(c.Other), fmt.Sprint(c.N),
			fmt.Sprintf("%.4f", c.MeanReference), fmt.Sprintf("%.4f", c.MeanOther),
			fmt.Sprintf("%+.4f [%+.4f, %+.4f]", c.MeanDiff, c.Lower, c.Upper), fmt.Sprintf("%+.2f %%", c.RelativePercent),
			fmt.Sprintf("%d / %d", c.Wins, c.Losses), fmt.Sprintf("%.3g%s", c.P, exact), c.Verdict})
	}
	return Markdown(header, rows)
}
