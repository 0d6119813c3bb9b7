// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// cells adapts a matrix (rows top to bottom) to plotter.GridXYZ: column j at
// x = j, row i at y = rows − 1 − i.
type cells [][]float64

func (c cells) Dims() (int, int)   { return len(c[0]), len(c) }
func (c cells) Z(x, y int) float64 { return c[len(c)-1-y][x] }
func (c cells) X(x int) float64    { return float64(x) }
func (c cells) Y(y int) float64    { return float64(y) }

// cellGrid draws a small matrix as coloured cells on a colour map (its Min
// and Max bound the values), with each value printed in its cell when label
// is set — in white on the darker half of a sequential map — and integer
// ticks named by xNames and yNames (rows top to bottom).
func (t Theme) cellGrid(title, xlabel, ylabel string, m [][]float64, cmap palette.ColorMap, label bool, xNames, yNames []string) (*plot.Plot, error) {
	p := t.newPlot(title, xlabel, ylabel)
	lo, hi := cmap.Min(), cmap.Max()
	h := plotter.NewHeatMap(cells(m), cmap.Palette(64))
	h.Min, h.Max, h.Rasterized = lo, hi, true
	p.Add(h)
	_, dark := cmap.(*sequential)
	if label {
		var xys plotter.XYs
		var texts []string
		for i, row := range m {
			for j, v := range row {
				xys = append(xys, plotter.XY{X: float64(j), Y: float64(len(m) - 1 - i)})
				texts = append(texts, fmt.Sprintf("%.2f", v))
			}
		}
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
		if err != nil {
			return nil, err
		}
		k := 0
		for _, row := range m {
			for _, v := range row {
				labels.TextStyle[k].Font.Size = t.TickSize * 0.9
				labels.TextStyle[k].XAlign, labels.TextStyle[k].YAlign = draw.XCenter, draw.YCenter
				if dark && v > lo+0.55*(hi-lo) {
					labels.TextStyle[k].Color = color.White
				}
				k++
			}
		}
		p.Add(labels)
	}
	ticks := func(names []string, reverse bool) plot.ConstantTicks {
		var out []plot.Tick
		for i, n := range names {
			v := float64(i)
			if reverse {
				v = float64(len(names) - 1 - i)
			}
			out = append(out, plot.Tick{Value: v, Label: n})
		}
		return out
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks(xNames, false), ticks(yNames, true)
	p.X.Min, p.X.Max = -0.5, float64(len(m[0]))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(m))-0.5
	return p, nil
}

// tokenNames names n tokens of a modality ("slide 1" …), or the missing
// token.
func tokenNames(kind string, n int, missing bool) []string {
	if missing {
		return []string{"missing token"}
	}
	short := map[string]string{"radiology": "series", "pathology": "slide", "pathology (block 3)": "slide", "radiology (block 2)": "series"}[kind]
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", short, i+1)
	}
	return out
}

// AttentionMaps draws the four fusion blocks' attention for one patient,
// averaged over the heads: row = query token, column = key token, each row
// summing to 1 (the colour scale runs from 0 to 1).
func AttentionMaps(maps []train.AttentionMap, title string, t Theme) (*Figure, error) {
	var row []*plot.Plot
	for _, m := range maps {
		nq, nk := len(m.Weights[0]), len(m.Weights[0][0])
		avg := make([][]float64, nq)
		for q := range nq {
			avg[q] = make([]float64, nk)
			for _, head := range m.Weights {
				for k := range nk {
					avg[q][k] += head[q][k] / float64(len(m.Weights))
				}
			}
		}
		p, err := t.cellGrid(fmt.Sprintf("%s\nqueries: %s\nkeys: %s", strings.Replace(m.Block, "block", "block ", 1), describeTokens(m.Queries), describeTokens(m.Keys)),
			"key", "query", avg, newSequential(0, 1), true, tokenNames(m.Keys, nk, m.KeyMissing), tokenNames(m.Queries, nq, m.QueryMissing))
		if err != nil {
			return nil, err
		}
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
		row = append(row, p)
	}
	row = append(row, t.colourBarOf(newSequential(0, 1), "attention weight"))
	caption := t.newPlot(title, "", "")
	caption.HideAxes()
	widths := make([]float64, len(row))
	for i := range widths {
		widths[i] = 1
	}
	widths[len(widths)-1] = 0.5
	f := &Figure{Panels: [][]*plot.Plot{{caption}, row}, Width: PageWidth * 1.25, Height: 3.2 * vg.Inch,
		Heights: []float64{0.25, 2.95}, Widths: widths}
	return f, nil
}

// describeTokens says what a block's tokens are: a modality's tokens, or
// the output of an earlier block (block 4 queries block 3's output, which
// is pathology tokens updated by radiology, and its keys are block 2's).
func describeTokens(kind string) string {
	if d, ok := map[string]string{"radiology": "CT series", "pathology": "slides", "pathology (block 3)": "block 3's output (slides)",
		"radiology (block 2)": "block 2's output (series)"}[kind]; ok {
		return d
	}
	return kind
}

// SimilarityTopK draws the DCE's d×d similarity of the normalised radiology
// and pathology coordinates, with each row's k largest entries ringed: the
// mean of those is the row's positive context feature.
func SimilarityTopK(ex tutorial.DCEExample, t Theme) (*Figure, error) {
	d := len(ex.Similarity)
	names := make([]string, d)
	for i := range names {
		names[i] = ""
		if i%4 == 0 {
			names[i] = fmt.Sprint(i + 1)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range ex.Similarity {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	m := math.Max(-lo, hi)
	diverging := moreland.SmoothBlueRed()
	diverging.SetMin(-m)
	diverging.SetMax(m)
	p, err := t.cellGrid(fmt.Sprintf("Sim = â b̂ᵀ (d = %d); rings: each row's top %d", d, ex.K), "pathology coordinate j",
		"radiology coordinate i", ex.Similarity, diverging, false, names, names)
	if err != nil {
		return nil, err
	}
	var xys plotter.XYs
	for i, cols := range ex.TopK {
		for _, j := range cols {
			xys = append(xys, plotter.XY{X: float64(j), Y: float64(d - 1 - i)})
		}
	}
	rings, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, err
	}
	rings.Shape, rings.Radius, rings.Color = draw.RingGlyph{}, vg.Points(3), t.Color(7)
	p.Add(rings)
	return Single(p, ColumnWidth*1.3, ColumnWidth*1.25), nil
}

// MaskingRates renders measured masking rates beside the expected rate.
func MaskingRates(rates []tutorial.MaskingRate) string {
	var rows [][]string
	for _, r := range rates {
		rows = append(rows, []string{fmt.Sprintf("%.2f", r.PMiss), fmt.Sprintf("%.4f", r.Pathology), fmt.Sprintf("%.4f", r.Radiology),
			fmt.Sprintf("%.4f", r.Both), fmt.Sprintf("%.4f", r.Expected)})
	}
	return Markdown([]string{"p_miss", "pathology dropped", "radiology dropped", "both dropped", "expected each: p − p²/2"}, rows)
}

// MissingTokens renders the missing-token demonstration: each patient's risk
// with every modality, with one hidden by masking and with it removed.
func MissingTokens(demos []tutorial.MissingTokenDemo) string {
	var rows [][]string
	f := func(v float64) string { return fmt.Sprintf("%+.6f", v) }
	for _, d := range demos {
		rows = append(rows, []string{d.Patient, fmt.Sprintf("%d / %d", d.Slides, d.Series), fmt.Sprintf("%d / %d", d.SeenSlides, d.SeenSeries),
			f(d.Full), f(d.RadMasked), f(d.RadAbsent), f(d.PathMasked), f(d.PathAbsent)})
	}
	return Markdown([]string{"patient", "slides / series", "seen by the model (profile's cap)", "log-risk, all", "radiology masked", "radiology absent",
		"pathology masked", "pathology absent"}, rows)
}
