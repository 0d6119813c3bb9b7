// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"slices"
	"strconv"
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
// horizon, the quantile bins' mean predicted against Kaplan–Meier observed
// event probability and 95 % intervals, and the diagonal of perfect
// calibration, both axes on a square-root scale (sqrtScale).
func Calibration(panels []figures.CalibrationPanel, t Theme) (*Figure, error) {
	row := make([]*plot.Plot, len(panels))
	var legend []legendEntry
	for i, pan := range panels {
		var horizons []string
		for _, c := range pan.Curves {
			horizons = append(horizons, fmt.Sprintf("%.0f", c.Horizon))
		}
		p := t.newPlot(fmt.Sprintf("%s\nt = %s days", cohortTitle(pan.Cohort), strings.Join(horizons, ", ")),
			"Predicted event probability (√ scale)", "Observed (KM, √ scale)")
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
		// Both axes on a square-root scale: predictions skewed towards 0
		// (few events by an early horizon) no longer stack into one clump,
		// and the diagonal stays straight.
		p.X.Scale, p.Y.Scale = sqrtScale{}, sqrtScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = probabilityTicks, probabilityTicks
		row[i] = p
		if i == len(panels)-1 {
			legend = append(legend, legendEntry{"perfect calibration", []plot.Thumbnailer{diag}})
		}
	}
	return t.panelsWithLegend(row, legend, PageWidth, 2.9*vg.Inch), nil
}

// sqrtScale is a plot.Normalizer on a square-root scale, for
// probabilities: 0.01 and 0.05 sit apart, and y = x stays a straight line
// when both axes use it.
type sqrtScale struct{}

// Normalize implements plot.Normalizer.
func (sqrtScale) Normalize(lo, hi, x float64) float64 {
	a, b := math.Sqrt(math.Max(lo, 0)), math.Sqrt(math.Max(hi, 0))
	return (math.Sqrt(math.Max(x, 0)) - a) / (b - a)
}

// probabilityTicks label a square-root probability axis at 0, 0.05, 0.2,
// 0.5 and 1 (about evenly spaced on it), with unlabelled ticks between.
var probabilityTicks = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 0.01}, {Value: 0.05, Label: "0.05"},
	{Value: 0.1}, {Value: 0.2, Label: "0.2"}, {Value: 0.3}, {Value: 0.4}, {Value: 0.5, Label: "0.5"},
	{Value: 0.6}, {Value: 0.7}, {Value: 0.8}, {Value: 0.9}, {Value: 1, Label: "1"}}

// calibrationHorizonNames label the horizons of [figures.Figure9]: the
// quartiles of the event times.
var calibrationHorizonNames = []string{"t = 25 % event-time quantile", "t = median event time", "t = 75 % event-time quantile", "t = later horizon"}

// MissingOptions style [MetricVsMissing]. The zero value draws ±1 SD bands
// and colours the series in order.
type MissingOptions struct {
	// ErrorBars draws ±1 SD as error bars, the series set slightly apart
	// along the ratio axis, instead of bands: for more than three series.
	ErrorBars bool
	// Style gives series i of panel p its colour index and a dashed line
	// (nil: colour i, solid), so that two factors can be read from one
	// legend.
	Style func(p, i int) (colour int, dashed bool)
	// Height is the panels' height (default 2.8 in).
	Height vg.Length
	// LinesOnly draws the means without any spread (for a panel whose
	// series' spreads other panels show).
	LinesOnly bool
	// Markers gives each series of a panel its own marker (circle,
	// triangle, square, diamond, cross), so that lines of similar colours
	// stay apart.
	Markers bool
}

// seriesShapes are the markers of MissingOptions.Markers.
var seriesShapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}}

// ratioAxis places missing ratios at evenly spaced positions 0, 1, 2, …
// in increasing order — 0 % and 5 % would otherwise crowd together beside
// 15 % and 30 % — and returns the position of a ratio and the ticks that
// label the positions with the ratios in percent.
func ratioAxis(panels []figures.Panel) (func(float64) float64, []plot.Tick) {
	var ratios []float64
	for _, pan := range panels {
		for _, s := range pan.Series {
			for _, r := range s.Ratios {
				if !slices.Contains(ratios, r) {
					ratios = append(ratios, r)
				}
			}
		}
	}
	slices.Sort(ratios)
	ticks := make([]plot.Tick, len(ratios))
	for i, r := range ratios {
		ticks[i] = plot.Tick{Value: float64(i), Label: strconv.FormatFloat(100*r, 'g', -1, 64)}
	}
	return func(r float64) float64 {
		i, _ := slices.BinarySearch(ratios, r)
		return float64(i)
	}, ticks
}

// MetricVsMissing draws a metric (the C-index) against the missing-modality
// ratio, one panel per cohort and one line per series, with ±1 SD over each
// series' units (supplement Figures 5 and 7).
func MetricVsMissing(panels []figures.Panel, metric string, opts MissingOptions, t Theme) (*Figure, error) {
	if opts.Height == 0 {
		opts.Height = 2.8 * vg.Inch
	}
	row, legend, err := missingPlots(panels, metric, opts, t)
	if err != nil {
		return nil, err
	}
	return t.panelsWithLegend(row, legend, PageWidth, opts.Height), nil
}

// missingPlots draws MetricVsMissing's panels and returns them with the
// legend entries of their series (one per label, first seen first). The
// ratios sit at evenly spaced positions (ratioAxis); error bars are thin
// and translucent, the series set apart by a small dodge, so that the
// means' lines stay readable over the spread.
func missingPlots(panels []figures.Panel, metric string, opts MissingOptions, t Theme) ([]*plot.Plot, []legendEntry, error) {
	style := opts.Style
	if style == nil {
		style = func(_, i int) (int, bool) { return i, false }
	}
	at, ticks := ratioAxis(panels)
	row := make([]*plot.Plot, len(panels))
	var legend []legendEntry
	for i, pan := range panels {
		title := cohortTitle(pan.Cohort)
		if pan.Title != "" {
			title = pan.Title
		}
		p := t.newPlot(title, "Missing-modality ratio (%)", metric)
		lo, hi := math.Inf(1), math.Inf(-1)
		for k, s := range pan.Series {
			colour, dashed := style(i, k)
			offset := 0.0
			if opts.ErrorBars && !opts.LinesOnly {
				offset = ratioDodge * (float64(k) - float64(len(pan.Series)-1)/2)
			}
			x := make([]float64, len(s.Ratios))
			l, u := make([]float64, len(s.Mean)), make([]float64, len(s.Mean))
			for j := range x {
				x[j] = at(s.Ratios[j]) + offset
				l[j], u[j] = s.Mean[j]-s.SD[j], s.Mean[j]+s.SD[j]
				lo, hi = math.Min(lo, l[j]), math.Max(hi, u[j])
			}
			line, points, err := plotter.NewLinePoints(xys(x, s.Mean))
			if err != nil {
				return nil, nil, err
			}
			line.Color, line.Width = t.Color(colour), t.LineWidth
			if dashed {
				line.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
			}
			points.Color, points.Radius = t.Color(colour), vg.Points(2.2)
			if opts.Markers {
				points.Shape, points.Radius = seriesShapes[k%len(seriesShapes)], vg.Points(2.6)
			}
			thumbs := []plot.Thumbnailer{line, points}
			switch {
			case opts.LinesOnly:
			case opts.ErrorBars:
				bars, err := plotter.NewYErrorBars(newErrorPoints(x, s.Mean, s.SD))
				if err != nil {
					return nil, nil, err
				}
				bars.Color, bars.Width, bars.CapWidth = translucent(t.Color(colour), 110), t.LineWidth*0.6, vg.Points(2)
				p.Add(bars)
			default:
				poly, err := band(x, l, u, nil)
				if err != nil {
					return nil, nil, err
				}
				poly.Color, poly.LineStyle.Width = t.Band(colour), 0
				p.Add(poly)
				thumbs = append([]plot.Thumbnailer{poly}, thumbs...)
			}
			p.Add(line, points)
			if !hasLabel(legend, s.Label) {
				legend = append(legend, legendEntry{s.Label, thumbs})
			}
		}
		p.Y.Min, p.Y.Max = math.Max(0, lo-0.02), math.Min(1, hi+0.02)
		p.X.Min, p.X.Max = -0.5, float64(len(ticks))-0.5
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		row[i] = p
	}
	return row, legend, nil
}

// ratioDodge sets series apart along the ratio axis, in units of the
// spacing between ratios.
const ratioDodge = 0.07

// errorPoints pairs each (x, y) with a symmetric error sd.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

func newErrorPoints(x, y, sd []float64) errorPoints {
	e := errorPoints{XYs: xys(x, y), YErrors: make(plotter.YErrors, len(sd))}
	for i, v := range sd {
		e.YErrors[i].Low, e.YErrors[i].High = v, v
	}
	return e
}
