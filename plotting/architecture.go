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
	// vias routes edge i along a horizontal channel at height vias[i] (above
	// or below the boxes) instead of the default route.
	vias  map[int]float64
	theme Theme
	// xmax and ymax are the data range (default 13.7 × 10).
	xmax, ymax float64
}

const boxW, boxH = 1.75, 1.3

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

// routeVia returns the path of an arrow from a to b along a horizontal
// channel at height y: out of a's top (or bottom, for a channel below it),
// across, and into b's top (or bottom).
func routeVia(a, b diagramBox, y float64) [][2]float64 {
	side := func(box diagramBox) float64 {
		if y > box.y {
			return box.y + boxH/2
		}
		return box.y - boxH/2
	}
	return [][2]float64{{a.x, side(a)}, {a.x, y}, {b.x, y}, {b.x, side(b)}}
}

// Plot implements plot.Plotter.
func (d *diagram) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := func(x, y float64) vg.Point { return vg.Point{X: trX(x), Y: trY(y)} }
	edge := d.theme.Reference
	for i, e := range d.edges {
		path := route(d.boxes[e[0]], d.boxes[e[1]])
		if y, ok := d.vias[i]; ok {
			path = routeVia(d.boxes[e[0]], d.boxes[e[1]], y)
		}
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
func (d *diagram) DataRange() (xmin, xmax, ymin, ymax float64) {
	if d.xmax == 0 {
		return -0.2, 13.7, 0, 10
	}
	return -0.2, d.xmax, 0, d.ymax
}

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
		/* 12 */ box(9.3, 4.4, 3, "MHCA 4", "fusion/block4", "q ← 3, k ← 2, v ← 1", params("fusion/block4")),
		/* 13 */ box(11.35, 4.4, 4, "pool + skip", "fusion", "LN(pool)+LN(c)", params("fusion/norm_pooled", "fusion/norm_context")),
		/* 14 */ box(13.4, 4.4, 5, "hazard net", "hazard", "log-risk", params("hazard")),
	}
	edges := [][2]int{{0, 2}, {0, 3}, {1, 4}, {1, 5}, {2, 6}, {5, 7}, {6, 8}, {7, 8},
		{8, 9}, {3, 9}, {4, 9}, {3, 10}, {4, 10}, {3, 11}, {4, 11}, {9, 12}, {10, 12}, {11, 12}, {12, 13}, {8, 13}, {13, 14}}
	// The context's edge to pool + skip runs above the boxes, clear of
	// MHCA 4.
	vias := map[int]float64{19: 9.65}
	p := t.newPlot(fmt.Sprintf("PARACHUTE (d = %d, h = %d heads): %s trainable parameters, shapes for one patient\n"+
		"MHCA 4 takes its queries (q) from MHCA 3, its keys (k) from MHCA 2, its values (v) from MHCA 1",
		c.Dim, c.Heads, thousands(s.TotalParams)), "", "")
	p.HideAxes()
	p.Add(&diagram{boxes: b, edges: edges, vias: vias, theme: t, xmax: 14.4, ymax: 10})
	return Single(p, PageWidth, 5*vg.Inch), nil
}

// BlockDiagram draws supplement Figure 4a from the model's own structure:
// the steps inside one multi-head cross-attention block (the first of the
// fusion, radiology queries attending to pathology keys), each with its
// output shape for one patient and its parameters — the pre-LN Q/K/V
// projections split into h heads, the scaled dot-product attention with the
// key mask, the merge of the heads, the output projection and residual, and
// the pre-LN feed-forward network with its residual.
func BlockDiagram(s *model.Summary, t Theme) (*Figure, error) {
	steps := map[string]model.ModuleSummary{}
	total := 0
	for _, m := range s.Block {
		steps[m.Module] = m
		total += m.Params
	}
	for _, need := range []string{"query", "key", "value", "attention", "heads", "output", "residual1", "ffn/norm", "ffn/linear1", "ffn/linear2", "residual2"} {
		if _, ok := steps[need]; !ok {
			return nil, fmt.Errorf("plotting: the model summary has no step %q inside its first cross-attention block", need)
		}
	}
	c := s.Config
	shape := func(name string) string {
		d := steps[name].Output
		parts := make([]string, len(d)-1)
		for i, v := range d[1:] {
			parts[i] = fmt.Sprint(v)
		}
		return "→ [" + strings.Join(parts, "×") + "]"
	}
	params := func(names ...string) string {
		n := 0
		for _, name := range names {
			n += steps[name].Params
		}
		if n == 0 {
			return "no parameters"
		}
		return thousands(n) + " params"
	}
	in := func(name string) string {
		d := steps[name].Input
		parts := make([]string, len(d)-1)
		for i, v := range d[1:] {
			parts[i] = fmt.Sprint(v)
		}
		return "[" + strings.Join(parts, "×") + "]"
	}
	col := func(i int) float64 { return 0.9 + 2.1*float64(i) }
	b := []diagramBox{
		/* 0 */ {x: col(0), y: 8.6, kind: 7, lines: []string{"queries q", in("norm_query"), "radiology tokens"}},
		/* 1 */ {x: col(0), y: 6.2, kind: 7, lines: []string{"keys k", in("norm_key"), "pathology tokens"}},
		/* 2 */ {x: col(0), y: 3.8, kind: 7, lines: []string{"values v", in("norm_value"), "h + σ(context)"}},
		/* 3 */ {x: col(0), y: 1.4, kind: 7, lines: []string{"key mask", fmt.Sprintf("[%d]", c.MaxSlides), "true = real slide"}},
		/* 4 */ {x: col(1), y: 8.6, kind: 5, lines: []string{"LayerNorm", params("norm_query")}},
		/* 5 */ {x: col(1), y: 6.2, kind: 5, lines: []string{"LayerNorm", params("norm_key")}},
		/* 6 */ {x: col(1), y: 3.8, kind: 5, lines: []string{"LayerNorm", params("norm_value")}},
		/* 7 */ {x: col(2), y: 8.6, kind: 0, lines: []string{"W_Q, split heads", shape("query"), params("query")}},
		/* 8 */ {x: col(2), y: 6.2, kind: 0, lines: []string{"W_K, split heads", shape("key"), params("key")}},
		/* 9 */ {x: col(2), y: 3.8, kind: 0, lines: []string{"W_V, split heads", shape("value"), params("value")}},
		/* 10 */ {x: col(3), y: 7.4, kind: 3, lines: []string{"attention", fmt.Sprintf("softmax(QKᵀ/√%d)", c.Dim/c.Heads), "key mask, dropout", shape("attention")}},
		/* 11 */ {x: col(3), y: 3.8, kind: 3, lines: []string{"weights · V", "merge the heads", shape("heads")}},
		/* 12 */ {x: col(4), y: 3.8, kind: 0, lines: []string{"W_O", shape("output"), params("output")}},
		/* 13 */ {x: col(5), y: 3.8, kind: 4, lines: []string{"residual add", "x = q + W_O(…)", shape("residual1")}},
		/* 14 */ {x: col(6), y: 3.8, kind: 5, lines: []string{"LayerNorm", params("ffn/norm")}},
		/* 15 */ {x: col(7), y: 3.8, kind: 2, lines: []string{fmt.Sprintf("Linear %d→%d", c.Dim, c.FFN), "ReLU, dropout", params("ffn/linear1")}},
		/* 16 */ {x: col(8), y: 3.8, kind: 2, lines: []string{fmt.Sprintf("Linear %d→%d", c.FFN, c.Dim), "dropout", params("ffn/linear2")}},
		/* 17 */ {x: col(8), y: 1.4, kind: 4, lines: []string{"residual add", "y = x + FFN(…)", shape("residual2")}},
	}
	edges := [][2]int{{0, 4}, {1, 5}, {2, 6}, {4, 7}, {5, 8}, {6, 9}, {7, 10}, {8, 10}, {3, 10}, {10, 11}, {9, 11},
		{11, 12}, {12, 13}, {0, 13}, {13, 14}, {14, 15}, {15, 16}, {16, 17}, {13, 17}}
	vias := map[int]float64{13: 9.75, 18: 0.35}
	p := t.newPlot(fmt.Sprintf("Inside one cross-attention block (d = %d, h = %d heads of %d): %s trainable parameters",
		c.Dim, c.Heads, c.Dim/c.Heads, thousands(total)), "", "")
	p.HideAxes()
	p.Add(&diagram{boxes: b, edges: edges, vias: vias, theme: t, xmax: col(8) + 1.0, ymax: 10})
	return Single(p, PageWidth*1.3, 4.3*vg.Inch), nil
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
