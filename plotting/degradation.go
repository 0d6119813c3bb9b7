// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/figures"
)

// speedNames label the three speeds of supplement Table 5.
var speedNames = []string{"5→15 %", "5→30 %", "15→30 %"}

// Table5 renders supplement Table 5: our rows (the C-index averaged over the
// three masking types at 5, 15 and 30 %, the deltas and the speeds per 10
// points of missingness, ± their SD over folds × seeds), then the
// supplement's rows. In each cohort the steepest speed is in bold; † marks
// the cells the supplement underlines in red.
func Table5(r *figures.Table5Result) string {
	header := []string{"Cohort", "Method", "Avg 5 %", "Avg 15 %", "Avg 30 %", "Δ(5→15)", "Δ(5→30)", "Δ(15→30)",
		"Speed(5→15)", "Speed(5→30)", "Speed(15→30)"}
	var rows [][]string
	row := func(d figures.DegradationRow, cohort string) []string {
		avg := func(v float64) string {
			if math.IsNaN(v) {
				return "—"
			}
			return fmt.Sprintf("%.3f", v)
		}
		out := []string{cohort, d.Method, avg(d.Avg5), avg(d.Avg15), avg(d.Avg30)}
		for _, v := range d.Deltas() {
			out = append(out, signed3(v))
		}
		for k, v := range d.Speeds() {
			cell := signed3(v)
			if !math.IsNaN(d.SpeedSD[k]) {
				cell += fmt.Sprintf(" ± %.3f", d.SpeedSD[k])
			}
			if d.Steepest[k] {
				cell = "**" + cell + "**"
			}
			if d.PaperMarked[k] {
				cell += " †"
			}
			out = append(out, cell)
		}
		return out
	}
	for _, d := range r.Rows {
		rows = append(rows, row(d, cohortTitle(d.Cohort)))
	}
	for _, d := range r.Paper {
		rows = append(rows, row(d, d.Cohort+" (supplement)"))
	}
	return Markdown(header, rows)
}

// signed3 prints a signed value to three decimals, and 0.000 for what
// rounds to zero (never -0.000).
func signed3(v float64) string {
	if math.Abs(v) < 0.0005 {
		return "0.000"
	}
	return fmt.Sprintf("%+.3f", v)
}

// DegradationSpeeds draws the speeds of Table 5, one panel per cohort: for
// each method its three speeds (C-index change per 10 points of missingness)
// with ±1 SD over folds × seeds, and the supplement's PARACHUTE row as grey
// rings for comparison (a real cohort, not ours). Within an interval the
// methods, then the ring, are set side by side, 0.2 apart or closer, across
// at most speedDodge of the unit spacing between intervals, so that groups never interleave;
// methods beyond the palette's eight colours change marker (Theme.Shape).
func DegradationSpeeds(r *figures.Table5Result, t Theme) (*Figure, error) {
	var cohorts []string
	for _, d := range r.Rows {
		if len(cohorts) == 0 || cohorts[len(cohorts)-1] != d.Cohort {
			cohorts = append(cohorts, d.Cohort)
		}
	}
	ticks := make([]plot.Tick, 3)
	for k, n := range speedNames {
		ticks[k] = plot.Tick{Value: float64(k + 1), Label: n}
	}
	var panels []*plot.Plot
	var legend []legendEntry
	for _, c := range cohorts {
		p := t.newPlot(cohortTitle(c), "Missing ratio interval", "ΔC per 10 points (mean ± 1 SD)")
		var series []figures.DegradationRow
		for _, d := range r.Rows {
			if d.Cohort == c {
				series = append(series, d)
			}
		}
		n := len(series) + 1 // the methods and the supplement's ring
		step := min(speedDodge/float64(n-1), 0.2)
		slot := func(i int) float64 { return step * (float64(i) - float64(n-1)/2) }
		lo, hi := 0.0, 0.0
		for i, d := range series {
			x, y, sd := make([]float64, 3), d.Speeds(), d.SpeedSD
			e := errorPoints{XYs: make(plotter.XYs, 3), YErrors: make(plotter.YErrors, 3)}
			for k := range 3 {
				x[k] = float64(k+1) + slot(i)
				e.XYs[k].X, e.XYs[k].Y = x[k], y[k]
				e.YErrors[k].Low, e.YErrors[k].High = sd[k], sd[k]
				lo, hi = math.Min(lo, y[k]-sd[k]), math.Max(hi, y[k]+sd[k])
			}
			bars, err := plotter.NewYErrorBars(e)
			if err != nil {
				return nil, err
			}
			bars.Color, bars.Width, bars.CapWidth = t.Color(i), t.LineWidth*0.6, vg.Points(2)
			pts, err := plotter.NewScatter(e.XYs)
			if err != nil {
				return nil, err
			}
			pts.Color, pts.Radius, pts.Shape = t.Color(i), vg.Points(2.4), t.Shape(i)
			p.Add(bars, pts)
			if !hasLabel(legend, d.Method) {
				legend = append(legend, legendEntry{d.Method, []plot.Thumbnailer{pts}})
			}
		}
		for _, d := range r.Paper {
			if d.Cohort != paperCohort[c] || !strings.HasPrefix(d.Method, "PARACHUTE") {
				continue
			}
			xy := make(plotter.XYs, 3)
			for k, v := range d.Speeds() {
				xy[k].X, xy[k].Y = float64(k+1)+slot(n-1), v
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			pts, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			pts.Color, pts.Radius, pts.Shape = t.Reference, vg.Points(3.2), draw.RingGlyph{}
			p.Add(pts)
			if !hasLabel(legend, "PARACHUTE (supplement, real cohort)") {
				legend = append(legend, legendEntry{"PARACHUTE (supplement, real cohort)", []plot.Thumbnailer{pts}})
			}
		}
		zero, err := t.referenceLine(0.5, 0, 3.5, 0)
		if err != nil {
			return nil, err
		}
		p.Add(zero)
		p.X.Min, p.X.Max = 0.5, 3.5
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		pad := 0.1 * (hi - lo)
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
		panels = append(panels, p)
	}
	return t.panelsWithLegend(panels, legend, PageWidth, 2.8*vg.Inch), nil
}

// speedDodge is the width, in units of the spacing between intervals, over
// which one interval's methods are set side by side.
const speedDodge = 0.8

func hasLabel(entries []legendEntry, label string) bool {
	for _, e := range entries {
		if e.label == label {
			return true
		}
	}
	return false
}
