// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// paperCohort names the real cohort a synthetic preset is shaped after.
var paperCohort = map[string]string{"synth:pda": "CPTAC-PDA", "synth:ucec": "CPTAC-UCEC", "synth:ccrcc": "MMIST-ccRCC"}

func meanSD3(m, sd float64) string {
	if math.IsNaN(m) {
		return "—"
	}
	return fmt.Sprintf("%.3f ± %.3f", m, sd)
}

// Section4Table renders the supplement's Section 4 (Tables 1–2) on our
// cohorts: each method's C-index with all modalities and at 30 % mixed
// missingness (mean ± SD over folds × seeds), then the values the
// supplement quotes for the real cohorts.
func Section4Table(r *figures.Section4Result) string {
	header := []string{"Cohort", "Method", "All modalities", "30 % mixed missing", "Units"}
	var rows [][]string
	for i, cohort := range r.Cohorts {
		for _, c := range r.Cells[i] {
			rows = append(rows, []string{cohortTitle(cohort), c.Method, meanSD3(c.Full, c.FullSD), meanSD3(c.Mixed30, c.Mixed30SD),
				fmt.Sprint(len(c.FullC))})
		}
	}
	opt := func(v *float64, note string) string {
		switch {
		case v != nil:
			return fmt.Sprintf("%.4f", *v)
		case note != "":
			return note
		}
		return "not quoted"
	}
	for _, p := range r.Paper {
		rows = append(rows, []string{p.Cohort + " (supplement)", p.Method, opt(p.Full, ""), opt(p.Mixed30, p.Note), "—"})
	}
	return Markdown(header, rows)
}

// Section4 draws the supplement's Section 4, one panel per cohort, methods
// down the side (named once, on the left panel) and Harrell's C along: each
// method's C-index with all modalities (circles) and at 30 % mixed
// missingness (triangles), ±1 SD over folds × seeds, and the values the
// supplement quotes for the real cohort of the same name as grey rings (all
// modalities) and grey triangles (30 % mixed), on the row of their method.
func Section4(r *figures.Section4Result, t Theme) (*Figure, error) {
	n := len(r.Methods)
	// Methods from the top: method j sits at y = n-1-j.
	row := func(j int) float64 { return float64(n - 1 - j) }
	var panels []*plot.Plot
	var legend []legendEntry
	for i, cohort := range r.Cohorts {
		p := t.newPlot(cohortTitle(cohort), "Harrell's C (mean ± 1 SD)", "")
		for s, at := range []struct {
			label string
			shape draw.GlyphDrawer
			dy    float64
			mean  func(figures.Section4Cell) (float64, float64)
		}{
			{"all modalities", draw.CircleGlyph{}, 0.15, func(c figures.Section4Cell) (float64, float64) { return c.Full, c.FullSD }},
			{"30 % mixed missing", draw.TriangleGlyph{}, -0.15, func(c figures.Section4Cell) (float64, float64) { return c.Mixed30, c.Mixed30SD }},
		} {
			e := horizontalErrors{XYs: make(plotter.XYs, len(r.Cells[i])), XErrors: make(plotter.XErrors, len(r.Cells[i]))}
			for j, c := range r.Cells[i] {
				m, sd := at.mean(c)
				e.XYs[j].X, e.XYs[j].Y = m, row(j)+at.dy
				e.XErrors[j].Low, e.XErrors[j].High = sd, sd
			}
			bars, err := plotter.NewXErrorBars(e)
			if err != nil {
				return nil, err
			}
			bars.Color, bars.Width, bars.CapWidth = t.Color(s), t.LineWidth*0.8, vg.Points(3)
			pts, err := plotter.NewScatter(e.XYs)
			if err != nil {
				return nil, err
			}
			pts.Color, pts.Radius, pts.Shape = t.Color(s), vg.Points(3), at.shape
			p.Add(bars, pts)
			if !hasLabel(legend, at.label) {
				legend = append(legend, legendEntry{at.label, []plot.Thumbnailer{pts}})
			}
		}
		for j, m := range r.Methods {
			for _, q := range r.Paper {
				if q.Cohort != paperCohort[cohort] || !(q.Method == m || q.Method == "PARACHUTE" && j == 0) {
					continue
				}
				for _, v := range []struct {
					val   *float64
					dy    float64
					shape draw.GlyphDrawer
					label string
				}{{q.Full, 0.15, draw.RingGlyph{}, "supplement, real cohort: all modalities"},
					{q.Mixed30, -0.15, draw.TriangleGlyph{}, "supplement, real cohort: 30 % mixed"}} {
					if v.val == nil {
						continue
					}
					pts, err := plotter.NewScatter(plotter.XYs{{X: *v.val, Y: row(j) + v.dy}})
					if err != nil {
						return nil, err
					}
					pts.Color, pts.Radius, pts.Shape = t.Reference, vg.Points(4.2), v.shape
					p.Add(pts)
					if !hasLabel(legend, v.label) {
						legend = append(legend, legendEntry{v.label, []plot.Thumbnailer{pts}})
					}
				}
			}
		}
		half, err := t.referenceLine(0.5, -0.5, 0.5, float64(n)-0.5)
		if err != nil {
			return nil, err
		}
		p.Add(half)
		p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
		ticks := make([]plot.Tick, n)
		for j, m := range r.Methods {
			ticks[j] = plot.Tick{Value: row(j)}
			if i == 0 {
				ticks[j].Label = m
			}
		}
		p.Y.Tick.Marker = plot.ConstantTicks(ticks)
		p.X.Min, p.X.Max = 0.3, 1
		panels = append(panels, p)
	}
	f := t.panelsWithLegend(panels, legend, PageWidth, 0.9*vg.Inch+0.42*vg.Inch*vg.Length(n))
	// The first panel is wider by its method names, so that the three data
	// areas are as wide as each other.
	style := draw.TextStyle{Font: font.From(plot.DefaultFont, t.TickSize), Handler: plot.DefaultTextHandler}
	var names vg.Length
	for _, m := range r.Methods {
		names = max(names, style.Width(m))
	}
	data := (PageWidth - names) / vg.Length(len(panels))
	f.Widths = make([]float64, len(panels))
	for i := range f.Widths {
		f.Widths[i] = float64(data)
	}
	f.Widths[0] += float64(names)
	return f, nil
}

// horizontalErrors is points with horizontal error bars.
type horizontalErrors struct {
	plotter.XYs
	plotter.XErrors
}

// MethodsTable renders the methods table, one Markdown table per cohort:
// each method's C-index (mean ± SD over folds × seeds) in every column of
// the protocol (training ratio × evaluation scenario), the best per column
// in bold.
func MethodsTable(r *figures.MethodsTableResult) string {
	scenario := map[string]string{train.ScenarioFull: "all", train.ScenarioRadMissing: "rad. missing",
		train.ScenarioWSIMissing: "WSI missing", train.ScenarioMixedMissing: "mixed"}
	header := []string{"Method"}
	for _, c := range r.Columns {
		header = append(header, fmt.Sprintf("%.0f %% %s", 100*c.PMiss, scenario[c.Scenario]))
	}
	out := ""
	for i, cohort := range r.Cohorts {
		var rows [][]string
		for j, m := range r.Methods {
			row := []string{m}
			for _, cell := range r.Cells[i][j] {
				v := meanSD3(cell.Mean, cell.SD)
				if cell.Best {
					v = "**" + v + "**"
				}
				row = append(row, v)
			}
			rows = append(rows, row)
		}
		out += "**" + cohortTitle(cohort) + "**\n\n" + Markdown(header, rows) + "\n"
	}
	return out
}
