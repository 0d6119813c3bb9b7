// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// orderedContour is a gonum contour plot whose paths are stroked in a fixed
// order. plotter.Contour gathers each level's paths from a map, so two
// renders of one surface stroke the same paths in different orders: the same
// picture, different SVG bytes, and a committed notebook that a clean rerun
// does not reproduce byte for byte. orderedContour records the strokes and
// replays each run of equally styled strokes (one level) sorted by its path;
// strokes of one style drawn in another order give the same image.
type orderedContour struct{ *plotter.Contour }

// newContour is plotter.NewContour with its first line style set, drawn in
// a fixed order.
func newContour(g plotter.GridXYZ, levels []float64, c color.Color, width vg.Length) orderedContour {
	h := plotter.NewContour(g, levels, nil)
	h.LineStyles[0].Color, h.LineStyles[0].Width = c, width
	return orderedContour{h}
}

// Plot implements plot.Plotter.
func (o orderedContour) Plot(c draw.Canvas, plt *plot.Plot) {
	rec := &strokeRecorder{Canvas: c.Canvas}
	o.Contour.Plot(draw.Canvas{Canvas: rec, Rectangle: c.Rectangle}, plt)
	rec.replay()
}

// recordedStroke is one Stroke call with the style set before it.
type recordedStroke struct {
	width  vg.Length
	dashes []vg.Length
	offset vg.Length
	color  color.Color
	path   vg.Path
	// style and key print the style and the path, to group and sort by.
	style, key string
}

// strokeRecorder passes every call to Canvas but style changes and strokes,
// which it keeps until replay.
type strokeRecorder struct {
	vg.Canvas
	cur     recordedStroke
	strokes []recordedStroke
}

func (r *strokeRecorder) SetLineWidth(w vg.Length) { r.cur.width = w }
func (r *strokeRecorder) SetLineDash(d []vg.Length, off vg.Length) {
	r.cur.dashes, r.cur.offset = slices.Clone(d), off
}
func (r *strokeRecorder) SetColor(c color.Color) { r.cur.color = c }
func (r *strokeRecorder) Stroke(p vg.Path) {
	s := r.cur
	s.path, s.style, s.key = p, fmt.Sprint(s.width, s.dashes, s.offset, s.color), fmt.Sprint(p)
	r.strokes = append(r.strokes, s)
}

// replay strokes what was recorded on the wrapped canvas, each run of one
// style sorted by path, the runs in their order.
func (r *strokeRecorder) replay() {
	for start := 0; start < len(r.strokes); {
		end := start + 1
		for end < len(r.strokes) && r.strokes[end].style == r.strokes[start].style {
			end++
		}
		run := r.strokes[start:end]
		slices.SortStableFunc(run, func(a, b recordedStroke) int { return strings.Compare(a.key, b.key) })
		for _, s := range run {
			r.Canvas.SetLineWidth(s.width)
			r.Canvas.SetLineDash(s.dashes, s.offset)
			r.Canvas.SetColor(s.color)
			r.Canvas.Stroke(s.path)
		}
		start = end
	}
	r.strokes = nil
}
