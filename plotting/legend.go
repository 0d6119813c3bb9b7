// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendEntry is one item of a shared legend: a label and the thumbnails
// (line, points, band) that stand for it.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// legendRow is a plot.Plotter that lays legend entries out side by side,
// centred: the legend shared by the panels of a figure, drawn in its own
// row so that it never covers data.
type legendRow struct {
	entries []legendEntry
	style   draw.TextStyle
}

// Plot implements plot.Plotter.
func (l *legendRow) Plot(c draw.Canvas, _ *plot.Plot) {
	const gap = 14 // points between entries
	thumbW := vg.Points(20)
	widths := make([]vg.Length, len(l.entries))
	var total vg.Length
	for i, e := range l.entries {
		widths[i] = thumbW + vg.Points(4) + l.style.Width(e.label)
		total += widths[i]
	}
	total += vg.Points(gap) * vg.Length(len(l.entries)-1)
	x := c.Min.X + (c.Max.X-c.Min.X-total)/2
	h := l.style.Height("M")
	y := (c.Min.Y + c.Max.Y) / 2
	for i, e := range l.entries {
		thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: y - h/2}, Max: vg.Point{X: x + thumbW, Y: y + h/2}}}
		for _, t := range e.thumbs {
			t.Thumbnail(&thumb)
		}
		c.FillText(l.style, vg.Point{X: x + thumbW + vg.Points(4), Y: y}, e.label)
		x += widths[i] + vg.Points(gap)
	}
}

// newLegendRow returns a plot with hidden axes that shows the entries in one
// centred row.
func (t Theme) newLegendRow(entries []legendEntry) *plot.Plot {
	p := plot.New()
	p.HideAxes()
	style := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, t.LegendSize),
		XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
	p.Add(&legendRow{entries: entries, style: style})
	return p
}

// legendHeight is the height of a shared legend row.
const legendHeight = 0.3 * vg.Inch

// panelsWithLegend is a figure of one row of panels above a shared legend.
func (t Theme) panelsWithLegend(row []*plot.Plot, entries []legendEntry, w, h vg.Length) *Figure {
	return &Figure{Panels: [][]*plot.Plot{row, {t.newLegendRow(entries)}}, Width: w, Height: h + legendHeight,
		Heights: []float64{float64(h), float64(legendHeight)}}
}
