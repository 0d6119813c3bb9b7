// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"bytes"
	"fmt"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// Figure is a drawable figure of a given size: one plot, or a grid of panels.
type Figure struct {
	// Panels holds the plots row by row; nil entries leave a blank.
	Panels        [][]*plot.Plot
	Width, Height vg.Length
	// Heights, when set, gives each row's share of the height (for example a
	// Kaplan–Meier plot above its number-at-risk table).
	Heights []float64
}

// Single wraps one plot.
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
		w := (c.Max.X - c.Min.X - pad*vg.Length(n-1)) / vg.Length(n)
		for j := range row {
			x0 := c.Min.X + vg.Length(j)*(w+pad)
			cells[i] = append(cells[i], draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x0, Y: top - h + pad/2}, Max: vg.Point{X: x0 + w, Y: top - pad/2}}})
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
	for i, row := range f.Panels {
		for j, p := range row {
			if p != nil {
				p.Draw(cells[i][j])
			}
		}
	}
}

// Render returns the figure in a format: "png" (at dpi) or "svg".
func (f *Figure) Render(format string, dpi float64) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "svg":
		c := vgsvg.New(f.Width, f.Height)
		f.Draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(int(dpi)))
		dc := draw.New(c)
		f.Draw(dc)
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
