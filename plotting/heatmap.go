// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Surface is a function sampled on a regular grid: Values[i][j] at
// (X[j], Y[i]) (a loss surface L(θ + α v1 + β v2) with α = X, β = Y).
type Surface struct {
	X, Y   []float64
	Values [][]float64
}

// grid adapts Surface to plotter.GridXYZ.
type grid struct{ s Surface }

func (g grid) Dims() (c, r int)   { return len(g.s.X), len(g.s.Y) }
func (g grid) Z(c, r int) float64 { return g.s.Values[r][c] }
func (g grid) X(c int) float64    { return g.s.X[c] }
func (g grid) Y(r int) float64    { return g.s.Y[r] }

// HeatMap draws a surface as a heat map with `levels` contour lines and a
// star (★) at the origin (the unperturbed optimum of a loss landscape).
func HeatMap(title, xlabel, ylabel string, s Surface, levels int, t Theme) (*Figure, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	lo, hi := s.bounds()
	p, err := heatMapPlot(title, xlabel, ylabel, s, levels, lo, hi, t)
	if err != nil {
		return nil, err
	}
	p.Title.Text = fmt.Sprintf("%s\nloss from %.3g (blue) to %.3g (red)", title, lo, hi)
	return Single(p, ColumnWidth*1.2, ColumnWidth*1.1), nil
}

func (s Surface) check() error {
	if len(s.Y) != len(s.Values) || len(s.X) == 0 || len(s.Values) == 0 || len(s.Values[0]) != len(s.X) {
		return fmt.Errorf("plotting: surface of %d rows for %d x and %d y", len(s.Values), len(s.X), len(s.Y))
	}
	return nil
}

// crop returns the part of the surface on the grid points within
// [x0, x1] × [y0, y1], at least two points each way (the nearest ones when
// the window falls between grid points).
func (s Surface) crop(x0, x1, y0, y1 float64) Surface {
	span := func(v []float64, a, b float64) (int, int) {
		i, j := len(v), -1
		for k, x := range v {
			if x >= a && x <= b {
				i, j = min(i, k), max(j, k)
			}
		}
		if j < 0 { // nothing inside: the nearest pair
			i = sort.SearchFloat64s(v, a)
			j = i
		}
		i, j = max(0, min(i, len(v)-2)), max(j, min(i+1, len(v)-1))
		return i, j
	}
	ci, cj := span(s.X, x0, x1)
	ri, rj := span(s.Y, y0, y1)
	out := Surface{X: s.X[ci : cj+1], Y: s.Y[ri : rj+1]}
	for _, row := range s.Values[ri : rj+1] {
		out.Values = append(out.Values, row[ci:cj+1])
	}
	return out
}

// bounds returns the smallest and largest values.
func (s Surface) bounds() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range s.Values {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo, hi
}

// heatMapPlot draws the heat map with colours from lo (blue) to hi (red),
// so that several panels can share one scale.
func heatMapPlot(title, xlabel, ylabel string, s Surface, levels int, lo, hi float64, t Theme) (*plot.Plot, error) {
	if hi <= lo {
		hi = lo + 1e-9*math.Max(1, math.Abs(lo))
	}
	p := t.newPlot(title, xlabel, ylabel)
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	h := plotter.NewHeatMap(grid{s}, pal.Palette(64))
	h.Min, h.Max = lo, hi
	h.Rasterized = true // one image: no seams between cells
	p.Add(h)
	if levels > 0 {
		var ls []float64
		for k := 1; k <= levels; k++ {
			ls = append(ls, lo+(hi-lo)*float64(k)/float64(levels+1))
		}
		p.Add(newContour(grid{s}, ls, t.Reference, 0.7))
	}
	star, err := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
	if err != nil {
		return nil, err
	}
	star.Shape, star.Radius, star.Color = starGlyph{}, vg.Points(6), t.Color(7)
	p.Add(star)
	return p, nil
}

// colourBar is a vertical colour bar of the heat maps' scale from lo
// (blue) to hi (red), labelled ylabel, to stand beside them.
func (t Theme) colourBar(lo, hi float64, ylabel string) *plot.Plot {
	if hi <= lo {
		hi = lo + 1e-9*math.Max(1, math.Abs(lo))
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(lo)
	pal.SetMax(hi)
	return t.colourBarOf(pal, ylabel)
}

// colourBarOf is a vertical colour bar of a colour map, labelled ylabel.
func (t Theme) colourBarOf(cmap palette.ColorMap, ylabel string) *plot.Plot {
	p := t.newPlot("", "", ylabel)
	p.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true})
	p.HideX()
	return p
}

// sequential is a colour map for values that only grow (weights in [0,
// 1]): from white to the palette's blue, darkened, linear in each channel.
type sequential struct{ lo, hi, alpha float64 }

var (
	sequentialLow  = color.NRGBA{R: 255, G: 255, B: 255, A: 255}
	sequentialHigh = color.NRGBA{R: 0, G: 60, B: 110, A: 255}
)

func newSequential(lo, hi float64) *sequential { return &sequential{lo: lo, hi: hi, alpha: 1} }

// At implements palette.ColorMap.
func (s *sequential) At(v float64) (color.Color, error) {
	if v < s.lo || v > s.hi || math.IsNaN(v) {
		return nil, palette.ErrOverflow
	}
	f := (v - s.lo) / (s.hi - s.lo)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + f*(float64(b)-float64(a)))) }
	return color.NRGBA{R: mix(sequentialLow.R, sequentialHigh.R), G: mix(sequentialLow.G, sequentialHigh.G),
		B: mix(sequentialLow.B, sequentialHigh.B), A: uint8(255 * s.alpha)}, nil
}

// Max, SetMax, Min, SetMin, Alpha and SetAlpha implement palette.ColorMap.
func (s *sequential) Max() float64       { return s.hi }
func (s *sequential) SetMax(v float64)   { s.hi = v }
func (s *sequential) Min() float64       { return s.lo }
func (s *sequential) SetMin(v float64)   { s.lo = v }
func (s *sequential) Alpha() float64     { return s.alpha }
func (s *sequential) SetAlpha(a float64) { s.alpha = a }

// Palette implements palette.ColorMap.
func (s *sequential) Palette(n int) palette.Palette {
	colours := make([]color.Color, n)
	for i := range colours {
		colours[i], _ = s.At(s.lo + (s.hi-s.lo)*float64(i)/float64(max(1, n-1)))
	}
	return palette.Palette(paletteOf(colours))
}

// paletteOf is a fixed list of colours as a palette.Palette.
type paletteOf []color.Color

// Colors implements palette.Palette.
func (p paletteOf) Colors() []color.Color { return p }

// starGlyph is a filled five-pointed star (★) of outer radius sty.Radius.
type starGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	for k := range 10 {
		r := sty.Radius
		if k%2 == 1 {
			r *= 0.4
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		q := vg.Point{X: pt.X + r*vg.Length(math.Cos(a)), Y: pt.Y + r*vg.Length(math.Sin(a))}
		if k == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}
