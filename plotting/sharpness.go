// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// Trajectories draws tutorial 3's toy: the training loss as a heat map with
// contours and each optimizer's path from the start (a square) to its end
// (one marker per optimizer), on the whole valley (left) and zoomed onto the
// paths (right, the same colours on the grid points inside the zoom). Paths
// that run together stay visible: the first is drawn widest and the later
// ones thinner and dashed on top.
func Trajectories(r *tutorial.SharpnessResult, t Theme) (*Figure, error) {
	s := Surface{X: r.X, Y: r.Y, Values: r.Loss}
	if err := s.check(); err != nil {
		return nil, err
	}
	lo, hi := s.bounds()
	// The zoom: the paths' extent, padded by a third on each side.
	x0, x1, y0, y1 := r.Start[0], r.Start[0], r.Start[1], r.Start[1]
	for _, tr := range r.Trajectories {
		for _, th := range tr.Theta {
			x0, x1, y0, y1 = math.Min(x0, th[0]), math.Max(x1, th[0]), math.Min(y0, th[1]), math.Max(y1, th[1])
		}
	}
	side := math.Max(x1-x0, y1-y0)
	cx, cy := (x0+x1)/2, (y0+y1)/2
	half := side/2 + side/3 + 2*(r.X[1]-r.X[0])
	zoom := s.crop(cx-half, cx+half, cy-half, cy+half)
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}}
	var legend []legendEntry
	var panels []*plot.Plot
	for k, surf := range []Surface{s, zoom} {
		title := "The toy valley"
		if k == 1 {
			title = "Zoomed onto the paths"
		}
		p := t.newPlot(title, "θ₁", "θ₂")
		pal := moreland.SmoothBlueRed()
		pal.SetMin(lo)
		pal.SetMax(hi)
		h := plotter.NewHeatMap(grid{surf}, pal.Palette(64))
		h.Min, h.Max, h.Rasterized = lo, hi, true
		p.Add(h)
		var levels []float64
		for l := 1; l <= 12; l++ {
			levels = append(levels, lo+(hi-lo)*float64(l)/13)
		}
		p.Add(newContour(grid{surf}, levels, t.Reference, 0.6))
		for i, tr := range r.Trajectories {
			xy := make(plotter.XYs, len(tr.Theta))
			for n, th := range tr.Theta {
				xy[n].X, xy[n].Y = th[0], th[1]
			}
			line, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			colour := t.Color(i)
			if i == 0 {
				colour = t.Color(7) // black reads best on the map
			}
			line.Color, line.Width = colour, t.LineWidth*vg.Length(2.4-0.45*float64(i))
			if i > 0 {
				line.Dashes = []vg.Length{vg.Points(5 - float64(i)), vg.Points(2.5)}
			}
			end, err := plotter.NewScatter(xy[len(xy)-1:])
			if err != nil {
				return nil, err
			}
			end.Shape, end.Radius, end.Color = shapes[i%len(shapes)], vg.Points(4), colour
			p.Add(line, end)
			if k == 0 {
				legend = append(legend, legendEntry{tr.Method, []plot.Thumbnailer{line, end}})
			}
		}
		start, err := plotter.NewScatter(plotter.XYs{{X: r.Start[0], Y: r.Start[1]}})
		if err != nil {
			return nil, err
		}
		start.Shape, start.Radius, start.Color = draw.BoxGlyph{}, vg.Points(3.5), t.Color(7)
		p.Add(start)
		panels = append(panels, p)
	}
	panels[0].Title.Text = fmt.Sprintf("%s: loss from %.2f (blue) to %.2f (red)\nstart ■, each optimizer's end marked as in the legend", panels[0].Title.Text, lo, hi)
	panels[1].Title.Text += fmt.Sprintf("\nθ₁ %.2f to %.2f, θ₂ %.2f to %.2f", zoom.X[0], zoom.X[len(zoom.X)-1], zoom.Y[0], zoom.Y[len(zoom.Y)-1])
	f := t.panelsWithLegend(panels, legend, PageWidth, 3.4*vg.Inch)
	f.Widths = []float64{1.5, 1}
	return f, nil
}

// GateTrace draws, along a GCS trajectory, each step's per-sample curvature
// c = rᵀHr, H the sample's loss Hessian (left), the same relative to the
// batch's mean |c| (middle) and the gate ω (right): the mean over the step's samples, and the
// smallest and largest.
func GateTrace(tr tutorial.Trajectory, t Theme) (*Figure, error) {
	if len(tr.Gate) == 0 {
		return nil, fmt.Errorf("plotting: %s has no gate (not a GCS trajectory)", tr.Method)
	}
	relative := make([][]float64, len(tr.Curvature))
	for k, c := range tr.Curvature {
		m := 0.0
		for _, v := range c {
			m += math.Abs(v) / float64(len(c))
		}
		for _, v := range c {
			relative[k] = append(relative[k], v/(m+1e-12))
		}
	}
	panel := func(title, ylabel string, values [][]float64) (*plot.Plot, error) {
		p := t.newPlot(title, "step", ylabel)
		x := make([]float64, len(values))
		mean, lo, hi := make([]float64, len(values)), make([]float64, len(values)), make([]float64, len(values))
		for k, v := range values {
			x[k] = float64(k + 1)
			lo[k], hi[k] = math.Inf(1), math.Inf(-1)
			for _, w := range v {
				mean[k] += w / float64(len(v))
				lo[k], hi[k] = math.Min(lo[k], w), math.Max(hi[k], w)
			}
		}
		poly, err := band(x, lo, hi, nil)
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = t.Band(0), 0
		line, err := plotter.NewLine(xys(x, mean))
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = t.Color(0), t.LineWidth
		p.Add(poly, line)
		return p, nil
	}
	left, err := panel("per-sample curvature c = rᵀ H r\n(H: the sample's loss Hessian)", "curvature", tr.Curvature)
	if err != nil {
		return nil, err
	}
	middle, err := panel("relative curvature ĉ = c / mean |c|\n(mean over the step's samples)", "relative curvature", relative)
	if err != nil {
		return nil, err
	}
	right, err := panel("gate ω = σ(a ĉ + b ĝ + e m + k)\nper sample", "gate", tr.Gate)
	if err != nil {
		return nil, err
	}
	right.Y.Min, right.Y.Max = 0, 1
	legend := []legendEntry{{"mean over the step's samples", []plot.Thumbnailer{&plotter.Line{LineStyle: draw.LineStyle{Color: t.Color(0), Width: t.LineWidth}}}},
		{"smallest to largest", []plot.Thumbnailer{&plotter.Polygon{Color: t.Band(0)}}}}
	return t.panelsWithLegend([]*plot.Plot{left, middle, right}, legend, PageWidth*1.2, 2.5*vg.Inch), nil
}

// EndPoints renders where each optimizer of tutorial 3 ended: the training
// loss, the Hessian's eigenvalues (sharpness) and the mean loss after random
// shifts of length 0.2.
func EndPoints(r *tutorial.SharpnessResult) string {
	var rows [][]string
	for _, tr := range r.Trajectories {
		e := tr.Theta[len(tr.Theta)-1]
		rows = append(rows, []string{tr.Method, fmt.Sprintf("(%.3f, %.3f)", e[0], e[1]), fmt.Sprintf("%.4f", tr.EndLoss),
			fmt.Sprintf("%.2f, %.2f", tr.EndEigen[0], tr.EndEigen[1]), fmt.Sprintf("%.4f", tr.EndPerturbed)})
	}
	return Markdown([]string{"optimizer", "end θ", "training loss", "Hessian eigenvalues", "loss after shifts of 0.2"}, rows)
}

// ProbeTable renders tutorial 3's probe study: Hutchinson's rᵀHr against
// the supplement's line 11, gᵀr/ε, at two ε.
func ProbeTable(p tutorial.ProbeStudy) string {
	rows := [][]string{{"rᵀ H r (Hutchinson; what GCS uses)", fmt.Sprintf("%.3f", p.HutchinsonMean), fmt.Sprintf("%.3f", p.HutchinsonSD),
		fmt.Sprintf("tr H = %.3f", p.Trace)}}
	for e, eps := range p.Epsilon {
		rows = append(rows, []string{fmt.Sprintf("line 11: (gᵀr − gᵀ(−r)) / (2ε), ε = %g", eps), fmt.Sprintf("%.3f", p.Line11Mean[e]),
			fmt.Sprintf("%.1f", p.Line11SD[e]), "0 (whatever H is)"})
	}
	return Markdown([]string{fmt.Sprintf("estimate over %d Rademacher probes at θ = (%.2f, %.2f)", p.Probes, p.Point[0], p.Point[1]),
		"mean", "SD", "its expectation"}, rows)
}
