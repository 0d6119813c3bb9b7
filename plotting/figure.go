// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/plotting/figlint"
)

// Figure is a drawable figure of a given size: one plot, or a grid of panels.
type Figure struct {
	// Panels holds the plots row by row; nil entries leave a blank.
	Panels        [][]*plot.Plot
	Width, Height vg.Length
	// Heights, when set, gives each row's share of the height (for example a
	// Kaplan–Meier plot above its number-at-risk table).
	Heights []float64
	// Widths, when set, gives each panel's share of the width in rows of
	// len(Widths) panels (for example a wider first panel that carries the
	// tick labels for the row); other rows share their width equally.
	Widths []float64
}

// Single wraps one plot made by this package's builders: their plots
// announce their data area to the figure lint, which refuses a panel that
// does not (a bare plot.New()).
func Single(p *plot.Plot, w, h vg.Length) *Figure {
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: w, Height: h}
}

// Draw draws the figure onto a canvas. Rows share the height in proportion
// to Heights (equally when it is nil); the plots of a row share its width,
// and the data areas of all panels in one column line up with each other.
func (f *Figure) Draw(c draw.Canvas) {
	heights := f.Heights
	if len(heights) == 0 {
		heights = make([]float64, len(f.Panels))
		for i := range heights {
			heights[i] = 1
		}
	}
	total := 0.0
	for _, h := range heights {
		total += h
	}
	pad := vg.Millimeter * 2
	c = draw.Crop(c, pad/2, -pad/2, pad/2, -pad/2) // outer margin
	cols := 0
	for _, row := range f.Panels {
		cols = max(cols, len(row))
	}
	cells := make([][]draw.Canvas, len(f.Panels))
	top := c.Max.Y
	for i, row := range f.Panels {
		h := vg.Length(heights[i]/total) * (c.Max.Y - c.Min.Y)
		n := len(row)
		shares := make([]float64, n)
		for j := range shares {
			shares[j] = 1
		}
		if len(f.Widths) == n {
			copy(shares, f.Widths)
		}
		sum := 0.0
		for _, v := range shares {
			sum += v
		}
		free := c.Max.X - c.Min.X - pad*vg.Length(n-1)
		x0 := c.Min.X
		for j := range row {
			w := free * vg.Length(shares[j]/sum)
			cells[i] = append(cells[i], draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x0, Y: top - h + pad/2}, Max: vg.Point{X: x0 + w, Y: top - pad/2}}})
			x0 += w + pad
		}
		top -= h
	}
	// Align the data areas of rows with as many panels as the widest row:
	// each panel is inset by the widest left and right margins of its column.
	for j := range cols {
		var left, right vg.Length
		for i, row := range f.Panels {
			if len(row) == cols && row[j] != nil {
				da := row[j].DataCanvas(cells[i][j])
				left, right = max(left, da.Min.X-cells[i][j].Min.X), max(right, cells[i][j].Max.X-da.Max.X)
			}
		}
		for i, row := range f.Panels {
			if len(row) == cols && row[j] != nil {
				da := row[j].DataCanvas(cells[i][j])
				cells[i][j].Min.X += left - (da.Min.X - cells[i][j].Min.X)
				cells[i][j].Max.X -= right - (cells[i][j].Max.X - da.Max.X)
			}
		}
	}
	// Align the data areas of each row's panels vertically: each is inset
	// by the row's tallest title above and tallest x axis below (a colour
	// bar beside heat maps, a panel with a one-line title beside two-line
	// ones).
	f.alignRows(cells)
	for i, row := range f.Panels {
		for j, p := range row {
			if p != nil {
				// A copy whose last plotter ends the data phase that
				// newPlot's first began, so that the figure lint can tell
				// the data from the axes and the legend drawn after it.
				q := *p
				q.Add(dataEnds{})
				q.Draw(cells[i][j])
				figlint.EndLegend(c.Canvas)
			}
		}
	}
}

// alignRows insets the cells of each row so that their panels' data areas
// share their top and bottom edges: the lowest top and the highest bottom
// of the row. The data area moves with the cell but not one for one
// (gonum/plot pads it for glyphs sized in points), so each edge is found by
// bisection; the data area's edge is monotone in the cell's.
func (f *Figure) alignRows(cells [][]draw.Canvas) {
	for i, row := range f.Panels {
		top, bottom := vg.Length(math.Inf(1)), vg.Length(math.Inf(-1))
		for j, p := range row {
			if p != nil {
				da := p.DataCanvas(cells[i][j])
				top, bottom = min(top, da.Max.Y), max(bottom, da.Min.Y)
			}
		}
		for j, p := range row {
			if p == nil {
				continue
			}
			c := &cells[i][j]
			// The top edge: the cell's top in [bottom, c.Max.Y].
			lo, hi := bottom, c.Max.Y
			for range 40 {
				c.Max.Y = (lo + hi) / 2
				if p.DataCanvas(*c).Max.Y > top {
					hi = c.Max.Y
				} else {
					lo = c.Max.Y
				}
			}
			c.Max.Y = lo
			// The bottom edge: the cell's bottom in [c.Min.Y, top].
			lo, hi = c.Min.Y, top
			for range 40 {
				c.Min.Y = (lo + hi) / 2
				if p.DataCanvas(*c).Min.Y < bottom {
					lo = c.Min.Y
				} else {
					hi = c.Min.Y
				}
			}
			c.Min.Y = hi
		}
	}
}

// panels is the number of plots the figure draws.
func (f *Figure) panels() int {
	n := 0
	for _, row := range f.Panels {
		for _, p := range row {
			if p != nil {
				n++
			}
		}
	}
	return n
}

// dataBegins is the first plotter of every plot: it tells a figure lint
// where the panel's data area is.
type dataBegins struct{ name string }

// Plot implements plot.Plotter.
func (d dataBegins) Plot(c draw.Canvas, p *plot.Plot) {
	figlint.BeginData(c, d.name, p.X.Padding, p.Y.Padding)
}

// dataEnds is appended at drawing: the data phase ends and the plot's own
// legend, drawn next, begins.
type dataEnds struct{}

// Plot implements plot.Plotter.
func (dataEnds) Plot(c draw.Canvas, _ *plot.Plot) {
	figlint.EndData(c.Canvas)
	figlint.BeginLegend(c.Canvas)
}

// Lint draws the figure onto a recording canvas and returns the rules of
// package figlint that it breaks.
func (f *Figure) Lint() []figlint.Problem {
	var lint *LintError
	if errors.As(f.drawLinted(nil), &lint) {
		return lint.Problems
	}
	return nil
}

// drawLinted draws the figure onto c through a recorder and returns a
// *LintError when it breaks the figure lint.
func (f *Figure) drawLinted(c vg.Canvas) error {
	rec := figlint.NewRecorder(c, f.Width, f.Height)
	f.Draw(draw.New(rec))
	if probs := rec.Check(f.panels()); len(probs) > 0 {
		return &LintError{Problems: probs}
	}
	return nil
}

// LintError is the error of a figure that breaks the figure lint.
type LintError struct{ Problems []figlint.Problem }

// Error lists the broken rules, one per line.
func (e *LintError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plotting: the figure breaks %d rule(s) of the figure lint:", len(e.Problems))
	for _, p := range figlint.Sorted(e.Problems) {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Render returns the figure in a format: "png" (at dpi) or "svg". A figure
// that breaks the figure lint (package figlint: overlapping or clipped text,
// data outside its axes, legend entries drawn alike, missing glyphs, numbers
// printed for machines) is not rendered: the error lists what is wrong.
func (f *Figure) Render(format string, dpi float64) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "svg":
		c := vgsvg.New(f.Width, f.Height)
		if err := f.drawLinted(c); err != nil {
			return nil, err
		}
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(int(dpi)))
		if err := f.drawLinted(c); err != nil {
			return nil, err
		}
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("plotting: format %q (want png or svg)", format)
	}
	return buf.Bytes(), nil
}

// DPI is the resolution of saved and displayed PNGs: sharp on screen,
// moderate in committed notebooks.
const DPI = 110

// Save writes the figure to dir/name.png and dir/name.svg, atomically, and
// returns the two paths.
func Save(f *Figure, dir, name string) ([]string, error) {
	var paths []string
	for _, format := range []string{"png", "svg"} {
		raw, err := f.Render(format, DPI)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, name+"."+format)
		if err := atomicfile.Write(path, raw); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
