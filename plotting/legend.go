// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/plotting/figlint"
)

// legendEntry is one item of a shared legend: a label and the thumbnails
// (line, points, band) that stand for it.
type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// legendRow is a plot.Plotter that lays legend entries out side by side,
// centred, on as many lines as the width needs: the legend shared by the
// panels of a figure, drawn in its own row so that it never covers data.
type legendRow struct {
	entries []legendEntry
	style   draw.TextStyle
}

const (
	legendGap   = 14 // points between entries
	legendThumb = 20 // points of a thumbnail
)

// entryWidth is the width of entry i: thumbnail, space, label.
func (l *legendRow) entryWidth(i int) vg.Length {
	return vg.Points(legendThumb+4) + l.style.Width(l.entries[i].label)
}

// lines splits the entries into as few lines no wider than width as the
// width allows, balanced: the narrowest width that needs no more lines is
// used, so that no entry is left alone on a last line when the others could
// share it.
func (l *legendRow) lines(width vg.Length) [][]int {
	lines := l.greedy(width)
	if len(lines) <= 1 {
		return lines
	}
	lo, hi := vg.Length(0), width
	for range 30 {
		mid := (lo + hi) / 2
		if len(l.greedy(mid)) <= len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return l.greedy(hi)
}

// greedy fills each line with as many entries as fit in width.
func (l *legendRow) greedy(width vg.Length) [][]int {
	var lines [][]int
	var line []int
	var used vg.Length
	for i := range l.entries {
		w := l.entryWidth(i)
		if len(line) > 0 && used+vg.Points(legendGap)+w > width {
			lines, line, used = append(lines, line), nil, 0
		}
		if len(line) > 0 {
			used += vg.Points(legendGap)
		}
		line, used = append(line, i), used+w
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

// Plot implements plot.Plotter.
func (l *legendRow) Plot(c draw.Canvas, _ *plot.Plot) {
	figlint.BeginData(c, "legend", 0, 0)
	figlint.BeginLegend(c.Canvas)
	defer figlint.EndLegend(c.Canvas)
	lines := l.lines(c.Max.X - c.Min.X)
	h := l.style.Height("M")
	step := (c.Max.Y - c.Min.Y) / vg.Length(len(lines))
	for n, line := range lines {
		var total vg.Length
		for _, i := range line {
			total += l.entryWidth(i)
		}
		total += vg.Points(legendGap) * vg.Length(len(line)-1)
		x := c.Min.X + (c.Max.X-c.Min.X-total)/2
		y := c.Max.Y - step*(vg.Length(n)+0.5)
		for _, i := range line {
			e := l.entries[i]
			thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - h/2}, Max: vg.Point{X: x + vg.Points(legendThumb), Y: y + h/2}}}
			for _, t := range e.thumbs {
				t.Thumbnail(&thumb)
			}
			c.FillText(l.style, vg.Point{X: x + vg.Points(legendThumb+4), Y: y}, e.label)
			x += l.entryWidth(i) + vg.Points(legendGap)
		}
	}
}

// newLegendRow returns a plot with hidden axes that shows the entries,
// centred, and the number of lines they take at the given width.
func (t Theme) newLegendRow(entries []legendEntry, width vg.Length) (*plot.Plot, int) {
	p := plot.New()
	p.HideAxes()
	style := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, t.LegendSize),
		XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
	row := &legendRow{entries: entries, style: style}
	p.Add(row)
	// The figure's outer margin and the plot's own padding take about
	// 10 mm of the width.
	return p, max(1, len(row.lines(width-10*vg.Millimeter)))
}

// legendHeight is the height of one line of a shared legend.
const legendHeight = 0.3 * vg.Inch

// panelsWithLegend is a figure of one row of panels above a shared legend.
func (t Theme) panelsWithLegend(row []*plot.Plot, entries []legendEntry, w, h vg.Length) *Figure {
	legend, lines := t.newLegendRow(entries, w)
	lh := legendHeight * vg.Length(lines)
	if lines > 1 {
		lh = legendHeight * (0.4 + 0.6*vg.Length(lines))
	}
	return &Figure{Panels: [][]*plot.Plot{row, {legend}}, Width: w, Height: h + lh,
		Heights: []float64{float64(h), float64(lh)}}
}
