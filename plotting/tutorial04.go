// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// RitzConvergence draws tutorial 4's Lanczos run: after each step k (x),
// the k Ritz values (dots) against the matrix's eigenvalues (grey lines).
// The extreme ones converge first.
func RitzConvergence(r *tutorial.HessiansResult, t Theme) (*Figure, error) {
	p := t.newPlot("Lanczos step by step on a 40 × 40 matrix", "step k (Krylov dimension)", "Ritz values θ")
	for _, l := range r.Eigenvalues {
		line, err := t.referenceLine(0.5, l, float64(len(r.Ritz))+0.5, l)
		if err != nil {
			return nil, err
		}
		line.Color = t.Reference
		p.Add(line)
	}
	var pts plotter.XYs
	for k, vals := range r.Ritz {
		for _, v := range vals {
			pts = append(pts, plotter.XY{X: float64(k + 1), Y: v})
		}
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	s.Shape, s.Radius, s.Color = draw.CircleGlyph{}, vg.Points(2), t.Color(0)
	p.Add(s)
	p.Title.Text += fmt.Sprintf("\nλ₁ to 1e-10: Lanczos %d products, power iteration %d", r.LanczosProducts, r.PowerProducts)
	return Single(p, ColumnWidth*1.3, ColumnWidth), nil
}

// HVPCheck draws the relative error of central differences of gradients
// against the double-backprop Hessian-vector product, by step size (log
// scales): truncation error on the right, rounding on the left.
func HVPCheck(r *tutorial.HessiansResult, t Theme) (*Figure, error) {
	// The formula goes in the title: as the y label it would be longer
	// than the axis and gonum/plot would shrink the data area to fit it.
	p := t.newPlot("Central differences vs double backprop:\nrelative error ‖Hv(ε) − Hv‖ / ‖Hv‖", "step ε", "relative error")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = powerTicks{}, powerTicks{}
	var pts plotter.XYs
	for _, e := range r.HVP {
		pts = append(pts, plotter.XY{X: e.Eps, Y: math.Max(e.Relative, 1e-16)})
	}
	line, points, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, err
	}
	line.Color, points.Color = t.Color(0), t.Color(0)
	p.Add(line, points)
	return Single(p, ColumnWidth*1.3, ColumnWidth), nil
}

// LossSlices draws the network's loss along its top Hessian eigenvector and
// along a random unit direction, each with its second-order Taylor model
// (dashed).
func LossSlices(r *tutorial.HessiansResult, t Theme) (*Figure, error) {
	p := t.newPlot(fmt.Sprintf("Loss along two unit directions (λ₁ = %.3g)", r.Lambda1), "α", "L(θ + α v) − L(θ)")
	centre := r.AlongTop[len(r.Alphas)/2]
	var legend []legendEntry
	for i, c := range []struct {
		name       string
		loss, quad []float64
	}{{"top eigenvector v₁", r.AlongTop, r.QuadraticTop}, {"random direction", r.AlongRandom, r.QuadraticRandom}} {
		for dashed, ys := range [][]float64{c.loss, c.quad} {
			pts := make(plotter.XYs, len(r.Alphas))
			for k, a := range r.Alphas {
				pts[k] = plotter.XY{X: a, Y: ys[k] - centre}
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = t.Color(i), t.LineWidth
			if dashed == 1 {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			p.Add(l)
		}
		legend = append(legend, legendEntry{c.name, []plot.Thumbnailer{t.legendLine(t.Color(i), false)}})
	}
	legend = append(legend, legendEntry{"second-order model (dashed)", []plot.Thumbnailer{t.legendLine(t.Reference, true)}})
	return t.panelsWithLegend([]*plot.Plot{p}, legend, ColumnWidth*1.6, ColumnWidth), nil
}

// powerTicks marks the powers of ten of a log axis, labelled 1e-k.
type powerTicks struct{}

// Ticks implements plot.Ticker.
func (powerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	first, last := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := max(1, (last-first)/8)
	for e := first; e <= last; e++ {
		v := math.Pow(10, float64(e))
		if v < lo || v > hi {
			continue
		}
		label := ""
		if (e-first)%step == 0 {
			label = fmt.Sprintf("1e%d", e)
			if e == 0 {
				label = "1"
			}
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}

// SpectralDensity draws the SLQ estimate of the eigenvalue density of the
// network's Hessian, on a log scale (values below 1e-6 of the peak shown at
// that floor), so that the few large eigenvalues show beside the bulk.
func SpectralDensity(r *tutorial.HessiansResult, t Theme) (*Figure, error) {
	p := t.newPlot(fmt.Sprintf("Hessian eigenvalue density (SLQ, Gaussian width %.2g)", r.DensitySigma), "eigenvalue", "density (log scale)")
	floor := 0.0
	for _, d := range r.Density {
		floor = math.Max(floor, d)
	}
	floor *= 1e-6
	pts := make(plotter.XYs, len(r.DensityGrid))
	for k, x := range r.DensityGrid {
		pts[k] = plotter.XY{X: x, Y: math.Max(r.Density[k], floor)}
	}
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, powerTicks{}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = t.Color(0), t.LineWidth
	p.Add(l)
	return Single(p, ColumnWidth*1.3, ColumnWidth), nil
}

// HessianSummary states tutorial 4's sharpness numbers in one line.
func HessianSummary(r *tutorial.HessiansResult) string {
	return fmt.Sprintf("%s: %d parameters; λ₁ = %.4g, λ₂ = %.4g; tr H ≈ %.4g ± %.2g (%d Rademacher probes), so the mean eigenvalue is %.2g: λ₁ is %.0f× the average curvature",
		r.Network, r.Parameters, r.Lambda1, r.Lambda2, r.Trace, r.TraceSE, len(r.TraceSamples), r.Trace/float64(r.Parameters),
		r.Lambda1/(r.Trace/float64(r.Parameters)))
}
