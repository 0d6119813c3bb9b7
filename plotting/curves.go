// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/figures"
)

// cohortTitle turns a cohort source ("synth:pda") into a panel title.
func cohortTitle(source string) string {
	names := map[string]string{"pda": "CPTAC-PDA", "ucec": "CPTAC-UCEC", "ccrcc": "MMIST-ccRCC"}
	if p, ok := strings.CutPrefix(source, "synth:"); ok {
		if n, ok := names[p]; ok {
			return n + " (synthetic)"
		}
		return p + " (synthetic)"
	}
	return source
}

// band returns a polygon between lower and upper over x.
func band(x, lower, upper []float64, c plotter.XYs) (*plotter.Polygon, error) {
	pts := make(plotter.XYs, 0, 2*len(x))
	for i := range x {
		pts = append(pts, plotter.XY{X: x[i], Y: lower[i]})
	}
	for i := len(x) - 1; i >= 0; i-- {
		pts = append(pts, plotter.XY{X: x[i], Y: upper[i]})
	}
	return plotter.NewPolygon(pts)
}

func xys(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return pts
}

// referenceLine draws a dashed line through two points.
func (t Theme) referenceLine(x0, y0, x1, y1 float64) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
	if err != nil {
		return nil, err
	}
	l.Color = t.Reference
	l.Width = 1
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	return l, nil
}

// AUCCurves draws supplement Figure 8: one panel per cohort with the pooled
// out-of-fold AUC(t), its bootstrap 95 % band and the chance level 0.5.
func AUCCurves(panels []figures.AUCPanel, t Theme) (*Figure, error) {
	row := make([]*plot.Plot, len(panels))
	var legend []legendEntry
	for i, pan := range panels {
		p := t.newPlot(fmt.Sprintf("%s\nn = %d, %d events, mean AUC %.2f", cohortTitle(pan.Cohort), pan.Patients, pan.Events, pan.MeanAUC),
			"Time (days)", "AUC(t)")
		poly, err := band(pan.Times, pan.Lower, pan.Upper, nil)
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = t.Band(0), 0
		line, points, err := plotter.NewLinePoints(xys(pan.Times, pan.AUC))
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = t.Color(0), t.LineWidth
		points.Color, points.Shape, points.Radius = t.Color(0), draw.CircleGlyph{}, vg.Points(2)
		chance, err := t.referenceLine(pan.Times[0], 0.5, pan.Times[len(pan.Times)-1], 0.5)
		if err != nil {
			return nil, err
		}
		p.Add(poly, chance, line, points)
		p.Y.Min, p.Y.Max = math.Min(0.3, math.Floor(10*slices.Min(pan.Lower))/10), 1.0
		row[i] = p
		legend = []legendEntry{{"AUC(t) of pooled out-of-fold predictions", []plot.Thumbnailer{line, points}},
			{"95 % bootstrap band", []plot.Thumbnailer{poly}}, {"chance", []plot.Thumbnailer{chance}}}
	}
	return t.panelsWithLegend(row, legend, PageWidth, 2.8*vg.Inch), nil
}

// Calibration draws supplement Figure 9: one panel per cohort with, for each
// horizon, the bins' mean predicted against Kaplan–Meier observed event
// probability and 95 % intervals, and the diagonal of perfect calibration.
func Calibration(panels []figures.CalibrationPanel, t Theme) (*Figure, error) {
	row := make([]*plot.Plot, len(panels))
	var legend []legendEntry
	for i, pan := range panels {
		var horizons []string
		for _, c := range pan.Curves {
			horizons = append(horizons, fmt.Sprintf("%.0f", c.Horizon))
		}
		p := t.newPlot(fmt.Sprintf("%s\nt = %s days", cohortTitle(pan.Cohort), strings.Join(horizons, ", ")),
			"Predicted event probability", "Observed event probability (KM)")
		diag, err := t.referenceLine(0, 0, 1, 1)
		if err != nil {
			return nil, err
		}
		p.Add(diag)
		for k, curve := range pan.Curves {
			var x, y, lo, hi []float64
			for _, b := range curve.Bins {
				x, y = append(x, b.Predicted), append(y, b.Observed)
				lo, hi = append(lo, b.Lower), append(hi, b.Upper)
			}
			line, points, err := plotter.NewLinePoints(xys(x, y))
			if err != nil {
				return nil, err
			}
			line.Color, line.Width = t.Color(k), t.LineWidth
			points.Color, points.Radius = t.Color(k), vg.Points(2.2)
			points.Shape = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}}[k%3]
			errs := make(plotter.YErrors, len(y))
			for j := range y {
				errs[j] = struct{ Low, High float64 }{y[j] - lo[j], hi[j] - y[j]}
			}
			bars, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{xys(x, y), errs})
			if err != nil {
				return nil, err
			}
			bars.Color, bars.Width = t.Color(k), 0.8
			p.Add(bars, line, points)
			if k >= len(legend) {
				legend = append(legend, legendEntry{calibrationHorizonNames[min(k, len(calibrationHorizonNames)-1)], []plot.Thumbnailer{line, points}})
			}
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
		row[i] = p
		if i == len(panels)-1 {
			legend = append(legend, legendEntry{"perfect calibration", []plot.Thumbnailer{diag}})
		}
	}
	return t.panelsWithLegend(row, legend, PageWidth, 2.9*vg.Inch), nil
}

// calibrationHorizonNames label the horizons of [figures.Figure9]: the
// quartiles of the event times.
var calibrationHorizonNames = []string{"t = 25 % event-time quantile", "t = median event time", "t = 75 % event-time quantile", "t = later horizon"}

// MissingSeries is one method's metric at each missing ratio.
type MissingSeries struct {
	Label  string
	Ratios []float64 // in [0, 1]
	Mean   []float64
	SD     []float64
}

// MissingPanel is one cohort's series.
type MissingPanel struct {
	Title  string
	Series []MissingSeries
}

// MetricVsMissing draws a metric (the C-index) against the missing-modality
// ratio with ±1 SD bands, one panel per cohort (supplement Figures 5 and 7).
func MetricVsMissing(panels []MissingPanel, metric string, t Theme) (*Figure, error) {
	row := make([]*plot.Plot, len(panels))
	var legend []legendEntry
	for i, pan := range panels {
		p := t.newPlot(pan.Title, "Missing-modality ratio (%)", metric)
		lo, hi := math.Inf(1), math.Inf(-1)
		for k, s := range pan.Series {
			x := make([]float64, len(s.Ratios))
			l, u := make([]float64, len(s.Mean)), make([]float64, len(s.Mean))
			for j := range x {
				x[j] = 100 * s.Ratios[j]
				l[j], u[j] = s.Mean[j]-s.SD[j], s.Mean[j]+s.SD[j]
				lo, hi = math.Min(lo, l[j]), math.Max(hi, u[j])
			}
			poly, err := band(x, l, u, nil)
			if err != nil {
				return nil, err
			}
			poly.Color, poly.LineStyle.Width = t.Band(k), 0
			line, points, err := plotter.NewLinePoints(xys(x, s.Mean))
			if err != nil {
				return nil, err
			}
			line.Color, line.Width = t.Color(k), t.LineWidth
			points.Color, points.Radius = t.Color(k), vg.Points(2.2)
			p.Add(poly, line, points)
			if k >= len(legend) {
				legend = append(legend, legendEntry{s.Label + " (±1 SD)", []plot.Thumbnailer{poly, line, points}})
			}
		}
		p.Y.Min, p.Y.Max = math.Max(0, lo-0.02), math.Min(1, hi+0.02)
		row[i] = p
	}
	return t.panelsWithLegend(row, legend, PageWidth, 2.8*vg.Inch), nil
}
