// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// diagramBox is one module of the architecture diagram, in data units.
type diagramBox struct {
	x, y  float64 // centre
	lines []string
	kind  int // colour index
}

// diagram is a plot.Plotter drawing boxes and arrows.
type diagram struct {
	boxes []diagramBox
	edges [][2]int
	theme Theme
}

const boxW, boxH = 1.75, 1.05

// route returns the orthogonal path of an arrow from a to b, in data units:
// straight down between boxes of one column; otherwise out of a's right
// side, along a vertical channel halfway to b's left side, and into b.
func route(a, b diagramBox) [][2]float64 {
	if math.Abs(a.x-b.x) < 1e-9 {
		return [][2]float64{{a.x, a.y - boxH/2}, {b.x, b.y + boxH/2}}
	}
	x0, x1 := a.x+boxW/2, b.x-boxW/2
	if a.y == b.y {
		return [][2]float64{{x0, a.y}, {x1, b.y}}
	}
	mid := (x0 + x1) / 2
	return [][2]float64{{x0, a.y}, {mid, a.y}, {mid, b.y}, {x1, b.y}}
}

// Plot implements plot.Plotter.
func (d *diagram) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := func(x, y float64) vg.Point { return vg.Point{X: trX(x), Y: trY(y)} }
	edge := d.theme.Reference
	for _, e := range d.edges {
		path := route(d.boxes[e[0]], d.boxes[e[1]])
		pts := make([]vg.Point, len(path))
		for i, q := range path {
			pts[i] = pt(q[0], q[1])
		}
		c.StrokeLines(draw.LineStyle{Color: edge, Width: vg.Points(0.8)}, pts)
		// Arrowhead along the last segment.
		from, to := pts[len(pts)-2], pts[len(pts)-1]
		dx, dy := float64(to.X-from.X), float64(to.Y-from.Y)
		n := math.Hypot(dx, dy)
		ux, uy := dx/n, dy/n
		const head = 4.0
		left := vg.Point{X: to.X - vg.Length(head*ux-head*0.5*uy), Y: to.Y - vg.Length(head*uy+head*0.5*ux)}
		right := vg.Point{X: to.X - vg.Length(head*ux+head*0.5*uy), Y: to.Y - vg.Length(head*uy-head*0.5*ux)}
		c.FillPolygon(edge, []vg.Point{to, left, right})
	}
	style := draw.TextStyle{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(6.2)), XAlign: draw.XCenter, YAlign: draw.YCenter,
		Handler: plot.DefaultTextHandler}
	bold := style
	bold.Font = font.From(boldFont(), vg.Points(6.8))
	for _, b := range d.boxes {
		r := []vg.Point{pt(b.x-boxW/2, b.y-boxH/2), pt(b.x+boxW/2, b.y-boxH/2), pt(b.x+boxW/2, b.y+boxH/2), pt(b.x-boxW/2, b.y+boxH/2)}
		c.FillPolygon(d.theme.Band(b.kind), r)
		c.StrokeLines(draw.LineStyle{Color: d.theme.Color(b.kind), Width: vg.Points(0.9)}, append(r, r[0]))
		step := (boxH * 0.8) / float64(len(b.lines))
		for i, line := range b.lines {
			y := b.y + boxH*0.4 - step*(float64(i)+0.5)
			s := style
			if i == 0 {
				s = bold
			}
			c.FillText(s, pt(b.x, y), line)
		}
	}
}

// DataRange implements plot.DataRanger.
func (d *diagram) DataRange() (xmin, xmax, ymin, ymax float64) { return -0.2, 13.7, 0, 10 }

// Architecture draws supplement Figure 4b from the model's own structure:
// each module of the summary with its output shape for one patient and its
// parameter count, wired as the fusion pipeline runs (adapters, contextual
// projections, the Dynamic Contextual Embedding, the four cross-attention
// blocks, pooling with the contextual skip, the hazard net).
func Architecture(s *model.Summary, t Theme) (*Figure, error) {
	mods := map[string]model.ModuleSummary{}
	for _, m := range s.Modules {
		mods[m.Module] = m
	}
	shape := func(d []int) string {
		if len(d) == 0 {
			return ""
		}
		if len(d) == 1 {
			return "scalar"
		}
		parts := make([]string, len(d)-1)
		for i, v := range d[1:] { // drop the batch axis
			parts[i] = fmt.Sprint(v)
		}
		return "[" + strings.Join(parts, "×") + "]"
	}
	params := func(names ...string) string {
		n := 0
		for _, name := range names {
			n += mods[name].Params
		}
		return fmt.Sprintf("%s params", thousands(n))
	}
	box := func(x, y float64, kind int, title string, module string, extra ...string) diagramBox {
		lines := []string{title}
		if m, ok := mods[module]; ok {
			lines = append(lines, "→ "+shape(m.Output))
		}
		lines = append(lines, extra...)
		return diagramBox{x: x, y: y, lines: lines, kind: kind}
	}
	c := s.Config
	b := []diagramBox{
		/* 0 */ {x: 0.9, y: 7.2, kind: 7, lines: []string{"Slides", fmt.Sprintf("[≤%d × %d]", c.MaxSlides, c.PathologyWidth), "pathology"}},
		/* 1 */ {x: 0.9, y: 2.8, kind: 7, lines: []string{"CT series", fmt.Sprintf("[≤%d × %d × %d]", c.MaxSeries, c.Slices, c.RadiologyWidth), "radiology"}},
		/* 2 */ box(3.0, 8.7, 0, "histo adapter (ctx)", "histo_ctx", params("histo_ctx")),
		/* 3 */ box(3.0, 6.0, 0, "histo adapter (tok)", "histo_tok", params("histo_tok")),
		/* 4 */ box(3.0, 4.0, 1, "rad adapter (tok)", "rad_tok", params("rad_tok")),
		/* 5 */ box(3.0, 1.3, 1, "rad adapter (ctx)", "rad_ctx", params("rad_ctx")),
		/* 6 */ box(5.1, 8.7, 0, "pool + project", "pe_histo", params("pe_histo")),
		/* 7 */ box(5.1, 1.3, 1, "pool + project", "pe_rad", params("pe_rad")),
		/* 8 */ box(7.2, 8.7, 2, "DCE (top-k)", "dce", params("dce"), "context c"),
		/* 9 */ box(7.2, 6.3, 3, "MHCA 1: r→h", "fusion/block1", "v = h + σ(c)", params("fusion/block1")),
		/* 10 */ box(7.2, 4.4, 3, "MHCA 2: r→h", "fusion/block2", params("fusion/block2")),
		/* 11 */ box(7.2, 2.5, 3, "MHCA 3: h→r", "fusion/block3", params("fusion/block3")),
		/* 12 */ box(9.3, 4.4, 3, "MHCA 4", "fusion/block4", "q=3, k=2, v=1", params("fusion/block4")),
		/* 13 */ box(11.0, 6.5, 4, "pool + skip", "fusion", "LN(pool)+LN(c)", params("fusion/norm_pooled", "fusion/norm_context")),
		/* 14 */ box(12.7, 4.4, 5, "hazard net", "hazard", "log-risk", params("hazard")),
	}
	edges := [][2]int{{0, 2}, {0, 3}, {1, 4}, {1, 5}, {2, 6}, {5, 7}, {6, 8}, {7, 8},
		{8, 9}, {3, 9}, {4, 9}, {3, 10}, {4, 10}, {3, 11}, {4, 11}, {9, 12}, {10, 12}, {11, 12}, {12, 13}, {8, 13}, {13, 14}}
	p := t.newPlot(fmt.Sprintf("PARACHUTE (d = %d, h = %d heads): %s trainable parameters, shapes for one patient",
		c.Dim, c.Heads, thousands(s.TotalParams)), "", "")
	p.HideAxes()
	p.Add(&diagram{boxes: b, edges: edges, theme: t})
	return Single(p, PageWidth, 3.8*vg.Inch), nil
}

// thousands formats 5143297 as "5,143,297".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, out...), ",")
}

// boldFont is the default typeface in its bold weight.
func boldFont() font.Font {
	f := plot.DefaultFont
	f.Weight = xfont.WeightBold
	return f
}
