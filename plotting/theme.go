// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
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

// Band returns the i-th series colour at band opacity.
func (t Theme) Band(i int) color.Color {
	r, g, b, _ := t.Color(i).RGBA()
	a := uint32(t.BandAlpha)
	// Premultiplied alpha.
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(a)}
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
	return p
}
