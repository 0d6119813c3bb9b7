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

// OptimizersVsMissing draws supplement Figure 5: (a–c) each optimizer's
// C-index against the missing ratio, one panel per cohort, ±1 SD over folds
// × seeds as thin error bars behind the means; (d–f) the paired difference
// of the reference optimizer (GCS) minus each other one on the same folds,
// seeds and masks, with its 95 % bootstrap interval — what the fold-to-fold
// spread of the top row hides. Each optimizer keeps one colour and one
// marker in both rows; GCS's vermilion has no near neighbour (CR-SAM is
// black).
func OptimizersVsMissing(r *figures.Figure5Result, t Theme) (*Figure, error) {
	colours := map[string]int{"AdamW": 0, "GCS": 1, "SAM": 2, "CR-SAM": 7, "GradVac": 4}
	colour := func(label string, k int) int {
		if c, ok := colours[label]; ok {
			return c
		}
		return k
	}
	panels := slices.Clone(r.Panels)
	for i := range panels {
		panels[i].Title = fmt.Sprintf("(%c) %s", 'a'+i, cohortTitle(panels[i].Cohort))
	}
	style := func(p, k int) (int, bool) { return colour(panels[p].Series[k].Label, k), false }
	top, legend, err := missingPlots(panels, "C-index (mean ± 1 SD)", MissingOptions{ErrorBars: true, Style: style, Markers: true}, t)
	if err != nil {
		return nil, err
	}
	ref := figures.OptimizerLabel(r.Reference)
	for i := range legend {
		if legend[i].label == ref {
			legend[i].label = ref + " (the reference of the lower row)"
		}
	}
	at, ticks := ratioAxis(panels)
	var bottom []*plot.Plot
	for i, pan := range panels {
		p := t.newPlot(fmt.Sprintf("(%c) %s − other, paired", 'a'+len(panels)+i, ref), "Missing-modality ratio (%)", ref+" − other (95 % CI)")
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
				x = append(x, at(pc.Ratios[0])+ratioDodge*(float64(k)-float64(len(pan.Series)-1)/2))
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
			c := colour(s.Label, k)
			bars.Color, bars.Width, bars.CapWidth = t.Color(c), t.LineWidth*0.8, vg.Points(2.5)
			dots, err := plotter.NewScatter(pts.XYs)
			if err != nil {
				return nil, err
			}
			dots.Color, dots.Radius, dots.Shape = t.Color(c), vg.Points(2.6), seriesShapes[k%len(seriesShapes)]
			p.Add(bars, dots)
		}
		zero, err := t.referenceLine(-0.5, 0, float64(len(ticks))-0.5, 0)
		if err != nil {
			return nil, err
		}
		p.Add(zero)
		pad := 0.1 * (hi - lo)
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
		p.X.Min, p.X.Max = -0.5, float64(len(ticks))-0.5
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		bottom = append(bottom, p)
	}
	legendRow, lines := t.newLegendRow(legend, PageWidth)
	lh := legendHeight * vg.Length(lines)
	rowH := 2.6 * vg.Inch
	return &Figure{Panels: [][]*plot.Plot{top, bottom, {legendRow}}, Width: PageWidth, Height: 2*rowH + lh,
		Heights: []float64{float64(rowH), float64(rowH), float64(lh)}}, nil
}

// encoderPairs draws Figure 7(c): one row per pathology encoder (its
// colour), one marker per radiology encoder, at the pair's C-index averaged
// over the missing ratios.
func (t Theme) encoderPairs(pan figures.Panel, r *figures.Figure7Result, index func([]figures.EncoderNote, string) int) (*plot.Plot, error) {
	p := t.newPlot(pan.Title+"\nmean over the missing ratios", "C-index (mean over ratios)", "")
	n := len(r.Pathology)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range pan.Series {
		path, rad, _ := strings.Cut(s.Label, " + ")
		if len(s.Mean) == 0 {
			continue
		}
		mean := 0.0
		for _, m := range s.Mean {
			mean += m / float64(len(s.Mean))
		}
		lo, hi = math.Min(lo, mean), math.Max(hi, mean)
		i, j := index(r.Pathology, path), index(r.Radiology, rad)
		pts, err := plotter.NewScatter(plotter.XYs{{X: mean, Y: float64(n-1-i) + 0.12*(0.5-float64(j))}})
		if err != nil {
			return nil, err
		}
		g := pairMarker(t, t.Color(i), j)
		pts.GlyphStyle = g.GlyphStyle
		p.Add(pts)
	}
	ticks := make([]plot.Tick, n)
	for i, e := range r.Pathology {
		ticks[i] = plot.Tick{Value: float64(n - 1 - i), Label: e.Name}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	pad := math.Max(0.01, 0.15*(hi-lo))
	p.X.Min, p.X.Max = lo-pad, hi+pad
	return p, nil
}

// pairMarker is Figure 7(c)'s marker of radiology encoder j (a circle, then
// a triangle) in a colour.
func pairMarker(t Theme, c color.Color, j int) *plotter.Scatter {
	s, _ := plotter.NewScatter(plotter.XYs{{}})
	s.Color, s.Radius, s.Shape = c, vg.Points(3.2), seriesShapes[j%len(seriesShapes)]
	return s
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
		// One scale for the row, so that the panels compare at a glance.
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range row {
			lo, hi = math.Min(lo, p.Y.Min), math.Max(hi, p.Y.Max)
		}
		for _, p := range row {
			p.Y.Min, p.Y.Max = lo, hi
		}
		// Panel (c): every pair at once, as a dot plot of its C-index
		// averaged over the missing ratios — twelve lines would tangle.
		pairs, err := t.encoderPairs(panels[len(panels)-1], r, index)
		if err != nil {
			return nil, err
		}
		rows = append(rows, append(row, pairs))
	}
	var legend []legendEntry
	for i, n := range r.Pathology {
		legend = append(legend, legendEntry{n.Name, []plot.Thumbnailer{t.legendLine(t.Color(i), false)}})
	}
	for i, n := range r.Radiology {
		legend = append(legend, legendEntry{"(c) with " + n.Name, []plot.Thumbnailer{pairMarker(t, t.Reference, i)}})
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
