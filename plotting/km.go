// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// KMGroup is one group's Kaplan–Meier curve.
type KMGroup struct {
	Label string
	Curve *survival.Curve
}

// KaplanMeier draws Kaplan–Meier curves by group as right-continuous steps
// with their pointwise confidence bands and censoring ticks, the log-rank
// p-value (pValue < 0 omits it), and a number-at-risk table at atRiskTimes
// (nil: the labelled ticks of the time axis) below the plot.
func KaplanMeier(groups []KMGroup, pValue float64, atRiskTimes []float64, t Theme) (*Figure, error) {
	title := "Kaplan–Meier survival by group"
	if pValue >= 0 {
		title = fmt.Sprintf("%s (log-rank p = %s)", title, formatP(pValue))
	}
	p := t.newPlot(title, "Time (days)", "Survival probability")
	maxT := 0.0
	var legend []legendEntry
	for _, g := range groups {
		maxT = math.Max(maxT, g.Curve.MaxTime())
	}
	for k, g := range groups {
		c := g.Curve
		x := append([]float64{0}, c.Time...)
		s := append([]float64{1}, c.Surv...)
		lo := append([]float64{1}, c.Lower...)
		hi := append([]float64{1}, c.Upper...)
		poly, err := stepBand(x, lo, hi)
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = t.Band(k), 0
		line, err := plotter.NewLine(xys(x, s))
		if err != nil {
			return nil, err
		}
		line.StepStyle = plotter.PostStep
		line.Color, line.Width = t.Color(k), t.LineWidth
		var ticks plotter.XYs
		for j, tm := range c.Time {
			if c.Censored[j] > 0 {
				ticks = append(ticks, plotter.XY{X: tm, Y: c.Surv[j]})
			}
		}
		p.Add(poly, line)
		if len(ticks) > 0 {
			sc, err := plotter.NewScatter(ticks)
			if err != nil {
				return nil, err
			}
			sc.Shape, sc.Color, sc.Radius = draw.PlusGlyph{}, t.Color(k), vg.Points(2.5)
			p.Add(sc)
		}
		legend = append(legend, legendEntry{fmt.Sprintf("%s (n = %d)", g.Label, c.AtRisk[0]), []plot.Thumbnailer{poly, line}})
	}
	p.Y.Min, p.Y.Max, p.X.Min, p.X.Max = 0, 1.02, 0, maxT
	if atRiskTimes == nil {
		// The labelled ticks of the time axis.
		for _, tick := range p.X.Tick.Marker.Ticks(0, maxT) {
			if tick.Label != "" {
				atRiskTimes = append(atRiskTimes, tick.Value)
			}
		}
	}
	table, err := atRiskTable(groups, atRiskTimes, maxT, t)
	if err != nil {
		return nil, err
	}
	tableHeight := vg.Points(14) * vg.Length(len(groups)+2)
	width := ColumnWidth * 1.6
	legendRow, lines := t.newLegendRow(legend, width)
	lh := legendHeight * vg.Length(lines)
	return &Figure{Panels: [][]*plot.Plot{{p}, {legendRow}, {table}}, Width: width,
		Height:  2.6*vg.Inch + lh + tableHeight,
		Heights: []float64{float64(2.6 * vg.Inch), float64(lh), float64(tableHeight)}}, nil
}

// stepBand is the polygon between two right-continuous step functions.
func stepBand(x, lo, hi []float64) (*plotter.Polygon, error) {
	var pts plotter.XYs
	for i := range x {
		if i > 0 {
			pts = append(pts, plotter.XY{X: x[i], Y: lo[i-1]})
		}
		pts = append(pts, plotter.XY{X: x[i], Y: lo[i]})
	}
	for i := len(x) - 1; i >= 0; i-- {
		pts = append(pts, plotter.XY{X: x[i], Y: hi[i]})
		if i > 0 {
			pts = append(pts, plotter.XY{X: x[i], Y: hi[i-1]})
		}
	}
	return plotter.NewPolygon(pts)
}

// atRiskTable is a text panel: one row per group, the number at risk at each
// time, aligned with the curves' x axis.
func atRiskTable(groups []KMGroup, times []float64, maxT float64, t Theme) (*plot.Plot, error) {
	p := t.newPlot("", "", "")
	p.Title.Text = ""
	var labels plotter.XYLabels
	for k, g := range groups {
		y := float64(len(groups) - k)
		for _, tm := range times {
			n := 0
			for j, tj := range g.Curve.Time {
				if tj >= tm {
					n = g.Curve.AtRisk[j]
					break
				}
			}
			labels.XYs = append(labels.XYs, plotter.XY{X: tm, Y: y})
			labels.Labels = append(labels.Labels, fmt.Sprint(n))
		}
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font.Size = t.TickSize
		l.TextStyle[i].XAlign = draw.XCenter
	}
	p.Add(l)
	p.X.Min, p.X.Max = 0, maxT
	p.Y.Min, p.Y.Max = 0.3, float64(len(groups))+0.7
	p.Title.Text = "Number at risk"
	p.Title.TextStyle.Font.Size = t.TickSize
	p.X.LineStyle.Width, p.Y.LineStyle.Width, p.Y.Tick.LineStyle.Width = 0, 0, 0
	var ticks []plot.Tick
	for k, g := range groups {
		ticks = append(ticks, plot.Tick{Value: float64(len(groups) - k), Label: g.Label})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Marker = plot.ConstantTicks(nil)
	return p, nil
}

func formatP(p float64) string {
	if p < 1e-4 {
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.4f", p)
}

// log10Ticks marks an axis that carries log10 of its values: at 1, 2 and 5
// times each power of ten, labelled with the value (readably: 100, 2000,
// 10,000); only the powers are labelled when the axis spans more than a
// decade and a half.
type log10Ticks struct{}

// Ticks implements plot.Ticker.
func (log10Ticks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for k := math.Floor(lo); k <= math.Ceil(hi); k++ {
		for _, m := range []float64{1, 2, 5} {
			at := k + math.Log10(m)
			if at < lo || at > hi {
				continue
			}
			tk := plot.Tick{Value: at}
			if m == 1 || hi-lo <= 1.5 {
				v := m * math.Pow(10, k)
				tk.Label = strconv.FormatFloat(v, 'g', -1, 64)
				if v >= 1000 {
					tk.Label = tickThousands(v)
				}
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

// BoxGroup is one box of a box plot.
type BoxGroup struct {
	Label  string
	Values []float64
}

// BoxPlots draws box plots side by side (for example a feature in the high-
// and low-risk groups, supplement Figure 10), with the y label and title.
func BoxPlots(title, ylabel string, groups []BoxGroup, t Theme) (*Figure, error) {
	p, err := t.boxPlot(title, ylabel, groups)
	if err != nil {
		return nil, err
	}
	return Single(p, ColumnWidth, 2.8*vg.Inch), nil
}

// boxPlot is BoxPlots' plot: one box per group, coloured by position.
func (t Theme) boxPlot(title, ylabel string, groups []BoxGroup) (*plot.Plot, error) {
	return t.boxPlotScaled(title, ylabel, groups, false)
}

// boxPlotScaled is boxPlot, on a log y scale when logY is set; it refuses
// a value ≤ 0 there rather than drop it.
func (t Theme) boxPlotScaled(title, ylabel string, groups []BoxGroup, logY bool) (*plot.Plot, error) {
	p := t.newPlot(title, "", ylabel)
	if logY {
		for _, g := range groups {
			for _, v := range g.Values {
				if !(v > 0) {
					return nil, fmt.Errorf("plotting: %q on a log scale: group %q has the value %v", title, g.Label, v)
				}
			}
		}
		// log10 of the values on a linear axis, ticks labelled with the
		// values: gonum's LogScale pads box plots' data areas far too much.
		groups = slices.Clone(groups)
		for k, g := range groups {
			logs := make([]float64, len(g.Values))
			for i, v := range g.Values {
				logs[i] = math.Log10(v)
			}
			groups[k].Values = logs
		}
		p.Y.Tick.Marker = log10Ticks{}
	}
	var names []string
	for k, g := range groups {
		b, err := plotter.NewBoxPlot(vg.Points(28), float64(k), plotter.Values(g.Values))
		if err != nil {
			return nil, err
		}
		b.FillColor = t.Band(k)
		b.BoxStyle.Color, b.MedianStyle.Color, b.WhiskerStyle.Color = t.Color(k), t.Color(k), t.Color(k)
		b.MedianStyle.Width = t.LineWidth
		p.Add(b)
		names = append(names, fmt.Sprintf("%s\n(n = %d)", g.Label, len(g.Values)))
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.7, float64(len(groups))-0.3
	return p, nil
}
