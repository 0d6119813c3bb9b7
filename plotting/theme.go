// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Journal sizes: a single column and a full page width.
const (
	ColumnWidth = 3.5 * vg.Inch
	PageWidth   = 7 * vg.Inch
)

// Theme fixes fonts, line widths and colours.
type Theme struct {
	TitleSize, LabelSize, TickSize, LegendSize vg.Length
	LineWidth                                  vg.Length
	// Palette is cycled for series; BandAlpha is the opacity of bands.
	Palette   []color.Color
	BandAlpha uint8
	// Reference is the colour of reference lines (diagonals, chance level).
	Reference color.Color
}

// OkabeIto is the colour-blind-safe palette of Okabe and Ito (2008), black
// last.
var OkabeIto = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // bluish green
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{204, 121, 167, 255}, // reddish purple
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{240, 228, 66, 255},  // yellow
	color.RGBA{0, 0, 0, 255},       // black
}

// DefaultTheme is readable at PageWidth in a notebook and in print.
var DefaultTheme = Theme{TitleSize: 11, LabelSize: 10, TickSize: 8.5, LegendSize: 8.5, LineWidth: 1.4,
	Palette: OkabeIto, BandAlpha: 60, Reference: color.Gray{Y: 120}}

// Color returns the i-th series colour.
func (t Theme) Color(i int) color.Color { return t.Palette[i%len(t.Palette)] }

// Shape returns the i-th series marker: circles while the palette lasts,
// then the next markers of seriesShapes (triangles, squares, …), so that
// series i and i + len(Palette) share a colour but never a marker.
func (t Theme) Shape(i int) draw.GlyphDrawer {
	return seriesShapes[(i/len(t.Palette))%len(seriesShapes)]
}

// Band returns the i-th series colour at band opacity.
func (t Theme) Band(i int) color.Color { return translucent(t.Color(i), t.BandAlpha) }

// translucent returns an opaque colour c at opacity alpha (0–255).
func translucent(c color.Color, alpha uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: alpha}
}

// newPlot returns a plot with the theme's fonts, a title and axis labels.
func (t Theme) newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = t.TitleSize
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = t.LabelSize
		a.Tick.Label.Font.Size = t.TickSize
	}
	p.Legend.TextStyle.Font.Size = t.LegendSize
	p.Legend.Top = true
	p.X.Tick.Marker, p.Y.Tick.Marker = readableTicks{plot.DefaultTicks{}}, readableTicks{plot.DefaultTicks{}}
	p.Add(dataBegins{name: title})
	return p
}

// readableTicks relabels another ticker's labelled ticks of 1000 or more,
// and whole numbers it printed with an exponent (gonum's log ticks print
// 1e+02), for reading: whole numbers, with thousands separated by commas
// from 10,000 (gonum's default prints 22500.00), and three significant
// digits in exponent form from 10⁹.
type readableTicks struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (r readableTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := r.Ticker.Ticks(lo, hi)
	for i, tk := range ticks {
		whole := math.Abs(tk.Value) >= 1 && math.Abs(tk.Value-math.Round(tk.Value)) < 1e-9*math.Abs(tk.Value)
		if tk.Label != "" && (math.Abs(tk.Value) >= 1000 || whole && strings.ContainsAny(tk.Label, "eE")) {
			ticks[i].Label = tickThousands(tk.Value)
		}
	}
	return ticks
}

// tickThousands formats v (|v| ≥ 1) as a whole number, its thousands
// separated by commas from 10,000, or as 1.23e+09 from 10⁹.
func tickThousands(v float64) string {
	if math.Abs(v) >= 1e9 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	n := int(math.Round(math.Abs(v)))
	digits := fmt.Sprint(n)
	if n >= 10000 {
		digits = thousands(n)
	}
	if v < 0 {
		return "−" + digits
	}
	return digits
}
