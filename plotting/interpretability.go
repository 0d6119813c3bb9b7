// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/interpret"
)

// Figure10 draws supplement Figure 10 as measured, two rows per cohort,
// lettered as the supplement's panels: (a) the five cell densities in the
// low- (first colour) and high-risk groups, on a log scale; (b–d) the
// tumour's volume and surface area (log scales) and sphericity by group. Each title gives the Mann–Whitney p-value and its Benjamini–Hochberg
// q over the eight features of the cohort.
func Figure10(r *figures.Figure10Result, t Theme) (*Figure, error) {
	var rows [][]*plot.Plot
	for _, p := range r.Panels {
		// The supplement's letters, repeated for each cohort: (a) the
		// densities, (b–d) the tumour's shape.
		letter := func(i int) rune { return rune('a' + i) }
		dens, err := t.densityBoxes(fmt.Sprintf("%s — (%c) cell densities, low risk (left box) and high risk (right box)", cohortTitle(p.Cohort), letter(0)), &p)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []*plot.Plot{dens})
		var row []*plot.Plot
		for i, f := range []int{5, 6, 7} {
			low, high := p.GroupValues(f)
			g := p.Tests[f]
			title := fmt.Sprintf("(%c) %s\np = %s, q = %s", letter(i+1), strings.Split(figures.Figure10Features[f], " (")[0], formatP(g.P), formatP(g.Q))
			// Volume and surface are skewed, with outliers an order of
			// magnitude out: on a log scale the boxes keep their size.
			ylabel, logY := figures.Figure10Features[f], f == 5 || f == 6
			if logY {
				ylabel = strings.TrimSuffix(ylabel, ")") + ", log scale)"
			}
			pl, err := t.boxPlotScaled(title, ylabel, []BoxGroup{{"low risk", low}, {"high risk", high}}, logY)
			if err != nil {
				return nil, err
			}
			row = append(row, pl)
		}
		rows = append(rows, row)
	}
	return &Figure{Panels: rows, Width: PageWidth, Height: 2.7 * vg.Inch * vg.Length(len(rows))}, nil
}

// densityBoxes draws the five densities, a low- and a high-risk box each, on
// a log scale; densities of 0, which it cannot show, are counted under
// their class (the tests in the titles use every patient).
func (t Theme) densityBoxes(title string, p *figures.Figure10Panel) (*plot.Plot, error) {
	pl := t.newPlot(title, "", "nuclei per mm² (log scale)")
	pl.Y.Tick.Marker = log10Ticks{} // log10 of the densities on a linear axis
	var names []string
	for c := range interpret.CellClasses {
		low, high := p.GroupValues(c)
		zeros := 0
		for g, vals := range [][]float64{low, high} {
			var pos []float64
			for _, v := range vals {
				if v > 0 {
					pos = append(pos, math.Log10(v))
				} else {
					zeros++
				}
			}
			if len(pos) == 0 {
				continue
			}
			b, err := plotter.NewBoxPlot(vg.Points(22), float64(3*c+g), plotter.Values(pos))
			if err != nil {
				return nil, err
			}
			b.FillColor = t.Band(g)
			b.BoxStyle.Color, b.MedianStyle.Color, b.WhiskerStyle.Color = t.Color(g), t.Color(g), t.Color(g)
			pl.Add(b)
		}
		name := fmt.Sprintf("%s\nq = %s", interpret.CellClasses[c], formatP(p.Tests[c].Q))
		if zeros > 0 { // a log scale cannot show them: said, not dropped silently
			name += fmt.Sprintf("\n%d at 0 not drawn", zeros)
		}
		names = append(names, name)
	}
	var ticks []plot.Tick
	for c, n := range names {
		ticks = append(ticks, plot.Tick{Value: float64(3*c) + 0.5, Label: n})
	}
	pl.X.Tick.Marker = plot.ConstantTicks(ticks)
	pl.X.Min, pl.X.Max = -1, float64(3*len(names)-1)
	return pl, nil
}

// Figure10KM draws each cohort's Kaplan–Meier curves of the two risk
// groups with the log-rank p-value, one figure per cohort.
func Figure10KM(r *figures.Figure10Result, t Theme) ([]*Figure, error) {
	var out []*Figure
	for _, p := range r.Panels {
		if p.Low == nil || p.High == nil {
			return nil, fmt.Errorf("plotting: %s has an empty risk group", p.Cohort)
		}
		f, err := KaplanMeier([]KMGroup{{"low risk", p.Low}, {"high risk", p.High}}, float64(p.LogRankP), nil, t)
		if err != nil {
			return nil, err
		}
		f.Panels[0][0].Title.Text = cohortTitle(p.Cohort) + ": " + f.Panels[0][0].Title.Text
		out = append(out, f)
	}
	return out, nil
}

// Figure10Table renders the group comparisons as Markdown: per cohort and
// feature, the groups' sizes and medians, W, p and the BH q.
func Figure10Table(r *figures.Figure10Result) string {
	header := []string{"Cohort", "Feature", "Low (n)", "High (n)", "Median low", "Median high", "W", "p", "q (BH)"}
	var rows [][]string
	for _, p := range r.Panels {
		for _, g := range p.Tests {
			exact := ""
			if g.Exact {
				exact = " (exact)"
			}
			rows = append(rows, []string{cohortTitle(p.Cohort), g.Feature, fmt.Sprint(g.NLow), fmt.Sprint(g.NHigh),
				fmt.Sprintf("%.4g", g.MedianLow), fmt.Sprintf("%.4g", g.MedianHigh), fmt.Sprintf("%.0f", g.W),
				formatP(g.P) + exact, formatP(g.Q)})
		}
		rows = append(rows, []string{cohortTitle(p.Cohort), "survival (log-rank)", "", "", "", "", "", formatP(float64(p.LogRankP)), ""})
	}
	return Markdown(header, rows)
}
