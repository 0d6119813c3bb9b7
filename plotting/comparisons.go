// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/stats"
)

// OptimizersVsMissing draws supplement Figure 5: each optimizer's C-index
// against the missing ratio, one panel per cohort, ±1 SD over folds × seeds
// as error bars (top row); below, the paired difference of the reference
// optimizer (GCS) minus each other one on the same folds, seeds and masks,
// with its 95 % bootstrap interval — what the fold-to-fold spread of the top
// row hides.
func OptimizersVsMissing(r *figures.Figure5Result, t Theme) (*Figure, error) {
	top, legend, err := missingPlots(r.Panels, "C-index (mean ± 1 SD)", MissingOptions{ErrorBars: true}, t)
	if err != nil {
		return nil, err
	}
	ref := figures.OptimizerLabel(r.Reference)
	var bottom []*plot.Plot
	for _, pan := range r.Panels {
		p := t.newPlot("", "Missing-modality ratio (%)", ref+" − other (95 % CI)")
		lo, hi := 0.0, 0.0
		for k, s := range pan.Series {
			if s.Label == ref {
				continue
			}
			var x, y []float64
			var e plotter.YErrors
			for _, pc := range r.ByRatio {
				if pc.Cohort != pan.Cohort || figures.OptimizerLabel(pc.Other) != s.Label {
					continue
				}
				x = append(x, 100*pc.Ratios[0]+0.5*(float64(k)-float64(len(pan.Series)-1)/2))
				y = append(y, pc.MeanDiff)
				e = append(e, struct{ Low, High float64 }{pc.MeanDiff - pc.Lower, pc.Upper - pc.MeanDiff})
				lo, hi = math.Min(lo, pc.Lower), math.Max(hi, pc.Upper)
			}
			if len(x) == 0 {
				continue
			}
			pts := errorPoints{XYs: xys(x, y), YErrors: e}
			bars, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return nil, err
			}
			bars.Color, bars.Width, bars.CapWidth = t.Color(k), t.LineWidth*0.8, vg.Points(3)
			dots, err := plotter.NewScatter(pts.XYs)
			if err != nil {
				return nil, err
			}
			dots.Color, dots.Radius, dots.Shape = t.Color(k), vg.Points(2.4), draw.CircleGlyph{}
			p.Add(bars, dots)
		}
		zero, err := t.referenceLine(-3, 0, 33, 0)
		if err != nil {
			return nil, err
		}
		p.Add(zero)
		pad := 0.1 * (hi - lo)
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
		p.X.Min, p.X.Max = -3, 33
		p.X.Tick.Marker = top[0].X.Tick.Marker
		bottom = append(bottom, p)
	}
	legendRow, lines := t.newLegendRow(legend, PageWidth)
	lh := legendHeight * vg.Length(lines)
	rowH := 2.6 * vg.Inch
	return &Figure{Panels: [][]*plot.Plot{top, bottom, {legendRow}}, Width: PageWidth, Height: 2*rowH + lh,
		Heights: []float64{float64(rowH), float64(rowH), float64(lh)}}, nil
}

// PairedComparisons renders paired comparisons as a Markdown table: the
// fold pairs (and units behind them), the two means, the mean difference
// with its interval, the relative gain, folds won and lost, the Wilcoxon p,
// its Holm adjustment and the verdict, with the rule stated under the table
// ([stats.RuleNote], naming the family of the first comparison).
func PairedComparisons(cs []figures.PairedComparison) string {
	header := []string{"Cohort", "Missing ratio", "Comparison", "Fold pairs (units)", "Mean (ref.)", "Mean (other)",
		"Difference [95 % CI]", "Relative", "Folds won / lost", "Wilcoxon p", "Holm p", "Verdict"}
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
			figures.OptimizerLabel(c.Reference) + " vs " + figures.OptimizerLabel(c.Other), fmt.Sprintf("%d (%d)", c.Pairs, c.Units),
			fmt.Sprintf("%.4f", c.MeanReference), fmt.Sprintf("%.4f", c.MeanOther),
			fmt.Sprintf("%+.4f [%+.4f, %+.4f]", c.MeanDiff, c.Lower, c.Upper), fmt.Sprintf("%+.2f %%", c.RelativePercent),
			fmt.Sprintf("%d / %d", c.Wins, c.Losses), fmt.Sprintf("%.3g%s", c.P, exact), fmt.Sprintf("%.3g", c.PAdjusted), c.Said()})
	}
	table := Markdown(header, rows)
	if len(cs) > 0 {
		table += "\n" + stats.RuleNote(cs[0].FamilyName) + "\n"
	}
	return table
}

// EncoderAblation draws supplement Figure 7, one row per cohort: (a) and
// (b) the pathology encoders with each radiology encoder, (c) every pair.
// A pathology encoder keeps its colour in every panel; in (c) solid lines
// are the first radiology encoder (MedImageInsight) and dashed lines the
// second (MedSAM2). ±1 SD as error bars in (a) and (b); (c), which repeats
// their series, draws the means only.
func EncoderAblation(r *figures.Figure7Result, t Theme) (*Figure, error) {
	index := func(notes []figures.EncoderNote, name string) int {
		for i, n := range notes {
			if n.Name == name {
				return i
			}
		}
		return 0
	}
	var rows [][]*plot.Plot
	for _, c := range r.Cohorts {
		panels := append(slices.Clone(c.ByRadiology), c.Pairs)
		for i := range panels {
			panels[i].Title = fmt.Sprintf("(%c) %s", 'a'+i, panels[i].Title)
			if len(r.Cohorts) > 1 {
				panels[i].Title = cohortTitle(c.Cohort) + " " + panels[i].Title
			}
		}
		style := func(p, i int) (int, bool) {
			path, rad, _ := strings.Cut(panels[p].Series[i].Label, " + ")
			return index(r.Pathology, path), rad != "" && index(r.Radiology, rad) > 0
		}
		row, _, err := missingPlots(panels[:len(panels)-1], "C-index (mean ± 1 SD)", MissingOptions{ErrorBars: true, Style: style}, t)
		if err != nil {
			return nil, err
		}
		// Panel (c) draws the means only: (a) and (b) show every pair's SD.
		pairs, _, err := missingPlots(panels[len(panels)-1:], "C-index (mean)", MissingOptions{LinesOnly: true,
			Style: func(_, i int) (int, bool) { return style(len(panels)-1, i) }}, t)
		if err != nil {
			return nil, err
		}
		row = append(row, pairs...)
		// One scale for the row, so that the panels compare at a glance.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range row {
			lo, hi = math.Min(lo, p.Y.Min), math.Max(hi, p.Y.Max)
		}
		for _, p := range row {
			p.Y.Min, p.Y.Max = lo, hi
		}
		rows = append(rows, row)
	}
	var legend []legendEntry
	for i, n := range r.Pathology {
		legend = append(legend, legendEntry{n.Name, []plot.Thumbnailer{t.legendLine(t.Color(i), false)}})
	}
	for i, n := range r.Radiology {
		legend = append(legend, legendEntry{"(c) with " + n.Name, []plot.Thumbnailer{t.legendLine(t.Reference, i > 0)}})
	}
	w := PageWidth * 1.15
	legendRow, lines := t.newLegendRow(legend, w)
	rowH, lh := 2.8*vg.Inch, legendHeight*vg.Length(lines)
	f := &Figure{Panels: append(rows, []*plot.Plot{legendRow}), Width: w, Height: rowH*vg.Length(len(rows)) + lh}
	for range rows {
		f.Heights = append(f.Heights, float64(rowH))
	}
	f.Heights = append(f.Heights, float64(lh))
	return f, nil
}

// legendLine is a line thumbnail of a colour, solid or dashed.
func (t Theme) legendLine(c color.Color, dashed bool) plot.Thumbnailer {
	l := &plotter.Line{LineStyle: draw.LineStyle{Color: c, Width: t.LineWidth}}
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
	}
	return l
}
