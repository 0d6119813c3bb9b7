// SPDX-License-Identifier: Apache-2.0

package figlint

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The rules, by name.
const (
	// TextOverlap: the ink boxes of two strings overlap.
	TextOverlap = "text-overlap"
	// TextOffCanvas: a string's ink leaves the canvas.
	TextOffCanvas = "text-off-canvas"
	// MarkOutsideData: a path or image drawn by a panel's plotters reaches
	// outside its data area (legends and named annotations excepted).
	MarkOutsideData = "mark-outside-data"
	// LegendAlike: two entries of one legend are drawn with the same colours,
	// dashes and markers.
	LegendAlike = "legend-alike"
	// MissingGlyph: a rune drawn is not in the font that draws it.
	MissingGlyph = "missing-glyph"
	// NumberFormat: a number is printed for a machine, not a reader:
	// 10 000 or more without separators or exponent, a fraction on a number
	// of four or more integer digits, or seven or more significant digits.
	NumberFormat = "number-format"
	// UnmarkedPanel: a panel drew data without announcing its data area, so
	// its marks could not be checked.
	UnmarkedPanel = "unmarked-panel"
)

// Tolerance is how far, in points, ink may reach past a boundary or into
// another string's box before it counts: anti-aliasing, not a defect.
const Tolerance = vg.Length(0.75)

// Problem is one broken rule.
type Problem struct {
	Rule, Detail string
}

// String prints the rule and what broke it.
func (p Problem) String() string { return p.Rule + ": " + p.Detail }

// BeginData announces, on the canvas a plotter is given, that what follows is
// the data of a panel, until [EndData]. Its data area is c's rectangle
// grown by the axes' padding (padX left and right, padY below and above):
// the gap gonum/plot leaves between the data and the axis lines, into which
// a marker centred on the edge may reach. On any canvas but a [Recorder] it
// does nothing.
func BeginData(c draw.Canvas, name string, padX, padY vg.Length) {
	if r, ok := recorder(c.Canvas); ok {
		r.data = len(r.panels)
		area := r.boxOf([]vg.Point{{X: c.Min.X - padX, Y: c.Min.Y - padY}, {X: c.Max.X + padX, Y: c.Max.Y + padY}})
		r.panels = append(r.panels, panel{name: name, area: area})
	}
}

// EndData ends the data phase begun by [BeginData].
func EndData(c vg.Canvas) {
	if r, ok := recorder(c); ok {
		r.data = -1
	}
}

// BeginAnnotation marks what follows, until [EndAnnotation], as a named
// annotation that may reach outside the data area (a label beside a line, a
// ring above a bar).
func BeginAnnotation(c vg.Canvas, name string) {
	if r, ok := recorder(c); ok {
		r.exempt = append(r.exempt, name)
	}
}

// EndAnnotation ends the innermost annotation.
func EndAnnotation(c vg.Canvas) {
	if r, ok := recorder(c); ok && len(r.exempt) > 0 {
		r.exempt = r.exempt[:len(r.exempt)-1]
	}
}

// BeginLegend marks what follows, until [EndLegend], as a legend: the paths
// drawn before each label are that entry's thumbnail.
func BeginLegend(c vg.Canvas) {
	if r, ok := recorder(c); ok {
		r.legends = append(r.legends, legend{})
		r.legend = &r.legends[len(r.legends)-1]
	}
}

// EndLegend ends the legend begun by [BeginLegend].
func EndLegend(c vg.Canvas) {
	if r, ok := recorder(c); ok {
		r.legend = nil
	}
}

// recorder returns the Recorder beneath c: gonum/plot nests draw.Canvas
// values inside each other.
func recorder(c vg.Canvas) (*Recorder, bool) {
	for {
		switch v := c.(type) {
		case *Recorder:
			return v, true
		case draw.Canvas:
			c = v.Canvas
		case *draw.Canvas:
			c = v.Canvas
		default:
			return nil, false
		}
	}
}

// Problems applies every rule to what was recorded.
func (r *Recorder) Problems() []Problem {
	probs := append([]Problem(nil), r.missing...)
	probs = append(probs, r.textProblems()...)
	probs = append(probs, r.markProblems()...)
	probs = append(probs, r.legendProblems()...)
	return probs
}

func (r *Recorder) textProblems() []Problem {
	var probs []Problem
	canvas := vg.Rectangle{Max: vg.Point{X: r.width, Y: r.height}}
	for i, a := range r.texts {
		if outside(a.box, canvas) {
			probs = append(probs, Problem{TextOffCanvas, fmt.Sprintf("%s at %s leaves the %s canvas", quote(a.s), rect(a.box), rect(canvas))})
		}
		if msg := numberFormat(a.s); msg != "" {
			probs = append(probs, Problem{NumberFormat, quote(a.s) + " " + msg})
		}
		for _, b := range r.texts[i+1:] {
			if overlap(a.box, b.box) && inkOverlap(a.corners, b.corners) {
				probs = append(probs, Problem{TextOverlap, fmt.Sprintf("%s at %s overlaps %s at %s", quote(a.s), rect(a.box), quote(b.s), rect(b.box))})
			}
		}
	}
	return probs
}

func (r *Recorder) markProblems() []Problem {
	var probs []Problem
	worst := map[int]vg.Length{}
	worstBox := map[int]vg.Rectangle{}
	count := map[int]int{}
	for _, m := range r.marks {
		if m.panel < 0 || m.exempt != "" {
			continue
		}
		if d := reach(m.box, r.panels[m.panel].area); d > Tolerance {
			if d > worst[m.panel] {
				worst[m.panel], worstBox[m.panel] = d, m.box
			}
			count[m.panel]++
		}
	}
	for i, p := range r.panels {
		if count[i] > 0 {
			probs = append(probs, Problem{MarkOutsideData, fmt.Sprintf("panel %s: %d marks reach outside the data area %s, by up to %.1f pt (%s)",
				quote(p.name), count[i], rect(p.area), worst[i], rect(worstBox[i]))})
		}
	}
	return probs
}

func (r *Recorder) legendProblems() []Problem {
	var probs []Problem
	for _, l := range r.legends {
		seen := map[string]string{}
		for _, e := range l.entries {
			if len(e.styles) == 0 {
				continue
			}
			key := strings.Join(e.styles, "|")
			if other, ok := seen[key]; ok {
				probs = append(probs, Problem{LegendAlike, fmt.Sprintf("legend entries %s and %s are drawn alike", quote(other), quote(e.label))})
				continue
			}
			seen[key] = e.label
		}
	}
	return probs
}

// Check reports whether marks were drawn by panels that never announced a
// data area; call it with the number of panels the figure drew.
func (r *Recorder) Check(panels int) []Problem {
	probs := r.Problems()
	if len(r.panels) < panels {
		probs = append(probs, Problem{UnmarkedPanel, fmt.Sprintf("%d of %d panels announced their data area", len(r.panels), panels)})
	}
	return probs
}

// style is the look of a legend thumbnail's path: how it is drawn, colour,
// width, dash and shape relative to its own box.
func (r *Recorder) style(how string, pts []vg.Point, box vg.Rectangle) string {
	cr, cg, cb, ca := r.state.color.RGBA()
	var b strings.Builder
	fmt.Fprintf(&b, "%s #%02x%02x%02x%02x", how, cr>>8, cg>>8, cb>>8, ca>>8)
	if how == "stroke" {
		fmt.Fprintf(&b, " w%.1f d%v", r.state.width, r.state.dash)
	}
	shape := make([]string, len(pts))
	for i, p := range pts {
		q := r.state.m.apply(p)
		shape[i] = fmt.Sprintf("%.1f,%.1f", q.X-box.Min.X, q.Y-box.Min.Y)
	}
	b.WriteString(" " + strings.Join(shape, " "))
	return b.String()
}

// outside says whether a reaches past the canvas c by more than Tolerance.
func outside(a, c vg.Rectangle) bool { return reach(a, c) > Tolerance }

// reach is how far a reaches outside c (0 when inside).
func reach(a, c vg.Rectangle) vg.Length {
	return max(0, c.Min.X-a.Min.X, a.Max.X-c.Max.X, c.Min.Y-a.Min.Y, a.Max.Y-c.Max.Y)
}

// overlap says whether two boxes overlap by more than Tolerance both ways.
func overlap(a, b vg.Rectangle) bool {
	w := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	h := min(a.Max.Y, b.Max.Y) - max(a.Min.Y, b.Min.Y)
	return w > Tolerance && h > Tolerance
}

// inkOverlap says whether two strings' boxes, each a rectangle in its own
// (possibly rotated) frame, overlap by more than Tolerance: no edge normal
// of either separates them (the separating axis theorem), so that rotated
// tick labels side by side do not count because their bounding boxes do.
func inkOverlap(a, b [4]vg.Point) bool {
	for _, poly := range [][4]vg.Point{a, b} {
		for i := range 2 {
			ex, ey := float64(poly[i+1].X-poly[i].X), float64(poly[i+1].Y-poly[i].Y)
			n := math.Hypot(ex, ey)
			if n == 0 {
				continue
			}
			nx, ny := -ey/n, ex/n
			project := func(p [4]vg.Point) (lo, hi float64) {
				lo, hi = math.Inf(1), math.Inf(-1)
				for _, q := range p {
					v := nx*float64(q.X) + ny*float64(q.Y)
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
				return lo, hi
			}
			alo, ahi := project(a)
			blo, bhi := project(b)
			if math.Min(ahi, bhi)-math.Max(alo, blo) <= float64(Tolerance) {
				return false
			}
		}
	}
	return true
}

var plainNumber = regexp.MustCompile(`^[-−]?(\d+)(?:\.(\d+))?$`)

// numberFormat returns what is wrong with a string that is a plain number,
// or "".
func numberFormat(s string) string {
	m := plainNumber.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	integer, fraction := m[1], m[2]
	digits := strings.TrimLeft(integer+fraction, "0")
	switch {
	case len(integer) >= 5 && strings.TrimLeft(integer, "0") != "":
		return "has five or more digits without separators or exponent"
	case len(integer) >= 4 && fraction != "":
		return "has a fraction on a number of four or more digits"
	case len(strings.TrimRight(digits, "0")) >= 7:
		return "has seven or more significant digits"
	}
	return ""
}

func quote(s string) string { return strconv.Quote(s) }

func quoteRune(r rune) string { return fmt.Sprintf("%q (U+%04X)", r, r) }

func rect(r vg.Rectangle) string {
	return fmt.Sprintf("[%.0f,%.0f]×[%.0f,%.0f]", r.Min.X, r.Max.X, r.Min.Y, r.Max.Y)
}

// Sorted returns problems in a stable order for messages.
func Sorted(probs []Problem) []Problem {
	out := append([]Problem(nil), probs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}
