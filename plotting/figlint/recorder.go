// SPDX-License-Identifier: Apache-2.0

package figlint

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Recorder is a vg.Canvas that records what is drawn on it — each string
// with the ink box of its glyphs, each path with its bounding box, colour and
// dash — in canvas coordinates, after the transforms in force, and forwards
// every call to an inner canvas when it has one. [Recorder.Problems] applies
// the rules to what was recorded.
type Recorder struct {
	inner         vg.Canvas
	width, height vg.Length

	state state
	stack []state

	texts   []text
	marks   []mark
	legends []legend
	panels  []panel
	missing []Problem

	// Phase of the drawing: which panel's data area is being drawn, whether
	// inside a named exemption, and the legend being drawn, if any.
	data   int // index into panels, -1 outside a data phase
	exempt []string
	legend *legend
}

// state is what Push saves and Pop restores.
type state struct {
	m     affine
	color color.Color
	width vg.Length
	dash  []vg.Length
}

// affine maps (x, y) to (a x + c y + e, b x + d y + f).
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

// then returns m∘n: n applied first, then m.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

// text is one string as drawn: its ink box on the canvas (the corners of
// the box in the string's own frame, after rotation, and their bounding
// box).
type text struct {
	s       string
	corners [4]vg.Point
	box     vg.Rectangle
}

// mark is one stroked or filled path, or an image, as drawn.
type mark struct {
	box    vg.Rectangle
	panel  int    // the data phase it was drawn in, -1 outside one
	exempt string // the named annotation it belongs to, if any
}

// legend is one legend as drawn: entries in order.
type legend struct {
	entries []legendEntry
	pending []string // styles of the thumbnail paths since the last label
}

// legendEntry is one label and the styles of the thumbnails drawn before it.
type legendEntry struct {
	label  string
	styles []string
}

// panel is one data area announced by [BeginData].
type panel struct {
	name string
	area vg.Rectangle
}

// NewRecorder returns a recorder for a canvas of the given size that forwards
// to inner (nil: records only).
func NewRecorder(inner vg.Canvas, width, height vg.Length) *Recorder {
	return &Recorder{inner: inner, width: width, height: height, data: -1,
		state: state{m: identity, color: color.Black, width: 1}}
}

// Size implements vg.CanvasSizer.
func (r *Recorder) Size() (vg.Length, vg.Length) { return r.width, r.height }

// SetLineWidth implements vg.Canvas.
func (r *Recorder) SetLineWidth(w vg.Length) {
	r.state.width = w
	if r.inner != nil {
		r.inner.SetLineWidth(w)
	}
}

// SetLineDash implements vg.Canvas.
func (r *Recorder) SetLineDash(pattern []vg.Length, offset vg.Length) {
	r.state.dash = append([]vg.Length(nil), pattern...)
	if r.inner != nil {
		r.inner.SetLineDash(pattern, offset)
	}
}

// SetColor implements vg.Canvas.
func (r *Recorder) SetColor(c color.Color) {
	if c == nil {
		c = color.Black
	}
	r.state.color = c
	if r.inner != nil {
		r.inner.SetColor(c)
	}
}

// Rotate implements vg.Canvas.
func (r *Recorder) Rotate(rad float64) {
	s, c := math.Sincos(rad)
	r.state.m = r.state.m.then(affine{a: c, b: s, c: -s, d: c})
	if r.inner != nil {
		r.inner.Rotate(rad)
	}
}

// Translate implements vg.Canvas.
func (r *Recorder) Translate(pt vg.Point) {
	r.state.m = r.state.m.then(affine{a: 1, d: 1, e: float64(pt.X), f: float64(pt.Y)})
	if r.inner != nil {
		r.inner.Translate(pt)
	}
}

// Scale implements vg.Canvas.
func (r *Recorder) Scale(x, y float64) {
	r.state.m = r.state.m.then(affine{a: x, d: y})
	if r.inner != nil {
		r.inner.Scale(x, y)
	}
}

// Push implements vg.Canvas.
func (r *Recorder) Push() {
	r.stack = append(r.stack, r.state)
	if r.inner != nil {
		r.inner.Push()
	}
}

// Pop implements vg.Canvas.
func (r *Recorder) Pop() {
	if n := len(r.stack); n > 0 {
		r.state, r.stack = r.stack[n-1], r.stack[:n-1]
	}
	if r.inner != nil {
		r.inner.Pop()
	}
}

// Stroke implements vg.Canvas.
func (r *Recorder) Stroke(p vg.Path) {
	if r.state.width > 0 {
		r.record(p, "stroke")
	}
	if r.inner != nil {
		r.inner.Stroke(p)
	}
}

// Fill implements vg.Canvas.
func (r *Recorder) Fill(p vg.Path) {
	r.record(p, "fill")
	if r.inner != nil {
		r.inner.Fill(p)
	}
}

// DrawImage implements vg.Canvas.
func (r *Recorder) DrawImage(rect vg.Rectangle, img image.Image) {
	r.addMark(r.boxOf([]vg.Point{rect.Min, rect.Max, {X: rect.Min.X, Y: rect.Max.Y}, {X: rect.Max.X, Y: rect.Min.Y}}))
	if r.inner != nil {
		r.inner.DrawImage(rect, img)
	}
}

// FillString implements vg.Canvas: it records the ink box of the string's
// glyphs (advance widths along the baseline, the glyphs' own ascent and
// descent across it) and any rune the font has no glyph for.
func (r *Recorder) FillString(f font.Face, pt vg.Point, s string) {
	if r.inner != nil {
		r.inner.FillString(f, pt, s)
	}
	if f.Font.Size == 0 || s == "" {
		return
	}
	name := fontName(f)
	top, bottom, missing := inkExtent(f, s)
	for _, m := range missing {
		r.missing = append(r.missing, Problem{Rule: MissingGlyph,
			Detail: "the font " + name + " has no glyph for " + quoteRune(m) + " in " + quote(s)})
	}
	w := f.Width(s)
	local := []vg.Point{{X: pt.X, Y: pt.Y + bottom}, {X: pt.X + w, Y: pt.Y + bottom},
		{X: pt.X + w, Y: pt.Y + top}, {X: pt.X, Y: pt.Y + top}}
	t := text{s: s, box: r.boxOf(local)}
	for i, q := range local {
		t.corners[i] = r.state.m.apply(q)
	}
	r.texts = append(r.texts, t)
	if r.legend != nil {
		r.legend.entries = append(r.legend.entries, legendEntry{label: s, styles: r.legend.pending})
		r.legend.pending = nil
	}
}

// record adds a path's bounding box as a mark and, inside a legend, its
// style to the entry being drawn.
func (r *Recorder) record(p vg.Path, how string) {
	pts := pathPoints(p)
	if len(pts) == 0 {
		return
	}
	box := r.boxOf(pts)
	if r.legend != nil {
		r.legend.pending = append(r.legend.pending, r.style(how, pts, box))
		return
	}
	r.addMark(box)
}

func (r *Recorder) addMark(box vg.Rectangle) {
	m := mark{box: box, panel: r.data}
	if n := len(r.exempt); n > 0 {
		m.exempt = r.exempt[n-1]
	}
	r.marks = append(r.marks, m)
}

// boxOf returns the bounding box of points after the current transform.
func (r *Recorder) boxOf(pts []vg.Point) vg.Rectangle {
	inf := vg.Length(math.Inf(1))
	box := vg.Rectangle{Min: vg.Point{X: inf, Y: inf}, Max: vg.Point{X: -inf, Y: -inf}}
	for _, p := range pts {
		q := r.state.m.apply(p)
		box.Min.X, box.Min.Y = min(box.Min.X, q.X), min(box.Min.Y, q.Y)
		box.Max.X, box.Max.Y = max(box.Max.X, q.X), max(box.Max.Y, q.Y)
	}
	return box
}

// pathPoints returns points that bound a path: its vertices, the control
// points of its curves (the convex hull property) and 32 points along each
// arc.
func pathPoints(p vg.Path) []vg.Point {
	var pts []vg.Point
	for _, c := range p {
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			pts = append(pts, c.Pos)
		case vg.CurveComp:
			pts = append(pts, c.Control...)
			pts = append(pts, c.Pos)
		case vg.ArcComp:
			const n = 32
			for i := 0; i <= n; i++ {
				a := c.Start + c.Angle*float64(i)/n
				s, co := math.Sincos(a)
				pts = append(pts, vg.Point{X: c.Pos.X + c.Radius*vg.Length(co), Y: c.Pos.Y + c.Radius*vg.Length(s)})
			}
		}
	}
	return pts
}

// inkExtent returns how far the glyphs of s reach above (top > 0) and below
// (bottom < 0) the baseline, and the runes the font lacks.
func inkExtent(f font.Face, s string) (top, bottom vg.Length, missing []rune) {
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(f.Face.UnitsPerEm())
	scale := f.Font.Size / vg.Length(ppem)
	for _, ch := range s {
		idx, err := f.Face.GlyphIndex(&buf, ch)
		if err != nil || idx == 0 {
			if ch != ' ' && ch != '\n' {
				missing = append(missing, ch)
			}
			continue
		}
		b, _, err := f.Face.GlyphBounds(&buf, idx, ppem, 0)
		if err != nil || b.Min.Y == b.Max.Y {
			continue // blank glyph
		}
		// sfnt's y axis points down.
		top = max(top, -vg.Length(b.Min.Y)*scale)
		bottom = min(bottom, -vg.Length(b.Max.Y)*scale)
	}
	return top, bottom, missing
}

func fontName(f font.Face) string {
	name := string(f.Font.Typeface)
	if name == "" {
		name = "the default font"
	}
	if f.Font.Variant != "" {
		name += " " + string(f.Font.Variant)
	}
	return name
}
