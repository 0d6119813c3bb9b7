// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"errors"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/plotting/figlint"
)

// Each rule of the figure lint fails on a planted defect, through the same
// path as every builder: newPlot, Figure.Draw, Render.

func linePlot(t *testing.T, title string) *plot.Plot {
	t.Helper()
	p := DefaultTheme.newPlot(title, "x", "y")
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	return p
}

// wantRule asserts that the figure breaks rule, that Render refuses it, and
// returns the problems' text.
func wantRule(t *testing.T, f *Figure, rule string) string {
	t.Helper()
	probs := f.Lint()
	var text []string
	found := false
	for _, p := range probs {
		text = append(text, p.String())
		found = found || p.Rule == rule
	}
	if !found {
		t.Fatalf("the lint missed %s; it said %q", rule, text)
	}
	var lint *LintError
	if _, err := f.Render("svg", 0); !errors.As(err, &lint) {
		t.Errorf("Render(svg) returned %v, want a LintError", err)
	}
	if _, err := f.Render("png", 72); !errors.As(err, &lint) {
		t.Errorf("Render(png) returned %v, want a LintError", err)
	}
	return strings.Join(text, "\n")
}

func TestLintCleanPlotPasses(t *testing.T) {
	f := Single(linePlot(t, "clean"), 3*vg.Inch, 2*vg.Inch)
	if probs := f.Lint(); len(probs) > 0 {
		t.Fatalf("a plain line plot breaks the lint: %v", probs)
	}
}

func TestLintOverlappingTickLabels(t *testing.T) {
	p := linePlot(t, "crowded ticks")
	p.X.Tick.Marker = plot.ConstantTicks{{Value: 0.50, Label: "PARACHUTE (GCS)"}, {Value: 0.52, Label: "CoxNet concat."}}
	msg := wantRule(t, Single(p, 3*vg.Inch, 2*vg.Inch), figlint.TextOverlap)
	if !strings.Contains(msg, `"PARACHUTE (GCS)"`) || !strings.Contains(msg, `"CoxNet concat."`) {
		t.Errorf("the message names the wrong strings: %s", msg)
	}
}

func TestLintTextOffCanvas(t *testing.T) {
	p := linePlot(t, "a title far too long to fit in a figure this narrow, so that it runs off both sides")
	wantRule(t, Single(p, 2*vg.Inch, 2*vg.Inch), figlint.TextOffCanvas)
}

func TestLintRepeatedColourInLegend(t *testing.T) {
	p := DefaultTheme.newPlot("twelve methods, eight colours", "x", "y")
	for i := range 9 {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: float64(i)}, {X: 1, Y: float64(i)}})
		if err != nil {
			t.Fatal(err)
		}
		l.Color = DefaultTheme.Color(i) // the ninth repeats the first
		p.Add(l)
		p.Legend.Add(strings.Repeat("m", i+1), l)
	}
	msg := wantRule(t, Single(p, 4*vg.Inch, 4*vg.Inch), figlint.LegendAlike)
	if !strings.Contains(msg, `"m" and "mmmmmmmmm"`) {
		t.Errorf("the message names the wrong entries: %s", msg)
	}
	// The same colours in a shared legend row.
	var entries []legendEntry
	for i := range 9 {
		l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
		l.Color = DefaultTheme.Color(i)
		entries = append(entries, legendEntry{label: strings.Repeat("m", i+1), thumbs: []plot.Thumbnailer{l}})
	}
	wantRule(t, DefaultTheme.panelsWithLegend([]*plot.Plot{linePlot(t, "panel")}, entries, 6*vg.Inch, 2*vg.Inch), figlint.LegendAlike)
}

func TestLintBarOutsideAxes(t *testing.T) {
	p := DefaultTheme.newPlot("dodged too far", "x", "y")
	bars, err := plotter.NewBarChart(plotter.Values{1, 2, 3}, 20)
	if err != nil {
		t.Fatal(err)
	}
	bars.Offset = -2 * vg.Inch // pushed left across the y axis
	p.Add(bars)
	wantRule(t, Single(p, 3*vg.Inch, 2*vg.Inch), figlint.MarkOutsideData)
}

func TestLintMissingGlyph(t *testing.T) {
	msg := wantRule(t, Single(linePlot(t, "gate c = rᵀ∇²ℓ r"), 3*vg.Inch, 2*vg.Inch), figlint.MissingGlyph)
	if !strings.Contains(msg, "U+2207") {
		t.Errorf("the message does not name the rune: %s", msg)
	}
}

func TestLintMachineNumbers(t *testing.T) {
	p := linePlot(t, "volume")
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0.00"}, {Value: 1, Label: "22500.00"}}
	wantRule(t, Single(p, 3*vg.Inch, 2*vg.Inch), figlint.NumberFormat)
}

func TestLintUnmarkedPanel(t *testing.T) {
	p := plot.New()
	l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	p.Add(l)
	wantRule(t, Single(p, 3*vg.Inch, 2*vg.Inch), figlint.UnmarkedPanel)
}

// Kaplan–Meier curves with an at-risk table, two groups, long times (the
// at-risk columns and the time ticks in thousands of days) pass the lint.
func TestKaplanMeierLint(t *testing.T) {
	var groups []KMGroup
	for g, label := range []string{"low risk", "high risk"} {
		var o survival.Outcomes
		for i := range 40 {
			o.Time = append(o.Time, float64(100+i*(120-40*g)))
			o.Event = append(o.Event, i%3 != 0)
		}
		c, err := survival.KaplanMeier(o, nil)
		if err != nil {
			t.Fatal(err)
		}
		groups = append(groups, KMGroup{Label: label, Curve: c})
	}
	f, err := KaplanMeier(groups, 0.0123, []float64{0, 1000, 2000, 3000, 4000}, DefaultTheme)
	if err != nil {
		t.Fatal(err)
	}
	if probs := f.Lint(); len(probs) > 0 {
		t.Errorf("Kaplan–Meier figure breaks the lint: %v", probs)
	}
}

// Table 5's speeds with the real table's shape — twelve methods on three
// cohorts, beside the supplement's rings — pass the lint: the dodge stays
// within its interval and methods past the palette change marker.
func TestDegradationSpeedsTwelveMethodsLint(t *testing.T) {
	f, err := DegradationSpeeds(twelve(t), DefaultTheme)
	if err != nil {
		t.Fatal(err)
	}
	if probs := f.Lint(); len(probs) > 0 {
		t.Errorf("Table 5's speeds break the lint: %v", probs)
	}
}

// twelve is a made-up Table 5 of twelve methods on three cohorts.
func twelve(t *testing.T) *figures.Table5Result {
	t.Helper()
	r := &figures.Table5Result{Paper: figures.PaperTable5()}
	methods := []string{"PARACHUTE (AdamW)", "PARACHUTE (GCS)", "pathology only", "radiology only", "CoxNet concat.",
		"DRIM", "AttentionMOI", "MMD", "ShaSpec", "mmFormer", "M3Care", "late fusion"}
	for c, cohort := range []string{"synth:pda", "synth:ucec", "synth:ccrcc"} {
		for m, method := range methods {
			avg5 := 0.70 - 0.02*float64(c) - 0.005*float64(m)
			d, err := survival.DegradationAnalysis(avg5, avg5-0.004*float64(1+m%5), avg5-0.01*float64(1+m%4+c))
			if err != nil {
				t.Fatal(err)
			}
			r.Rows = append(r.Rows, figures.DegradationRow{Cohort: cohort, Method: method, Degradation: d,
				SpeedSD: [3]float64{0.01, 0.008, 0.012}, Units: 15})
		}
	}
	return r
}

func TestReadableTicks(t *testing.T) {
	for _, c := range []struct {
		ticker plot.Ticker
		lo, hi float64
		want   []string
	}{
		{readableTicks{plot.ConstantTicks{{Value: 2500, Label: "2500.00"}, {Value: 22500, Label: "22500.00"}, {Value: 0.5, Label: "0.50"}}}, 0, 1, []string{"2500", "22,500", "0.50"}},
		{readableTicks{plot.ConstantTicks{{Value: 100, Label: "1e+02"}, {Value: 1e6, Label: "1e+06"}, {Value: 0.01, Label: "1e-02"}, {Value: -12345, Label: "-12345"}}}, 0, 1, []string{"100", "1,000,000", "1e-02", "−12,345"}},
		{readableTicks{plot.ConstantTicks{{Value: 3e9, Label: "3000000000"}}}, 0, 1, []string{"3e+09"}},
	} {
		var got []string
		for _, tk := range c.ticker.Ticks(c.lo, c.hi) {
			got = append(got, tk.Label)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("labels %q, want %q", got, c.want)
		}
	}
}

// outsideLabel draws a mark above the data area, as a named annotation
// when named is set.
type outsideLabel struct{ named bool }

func (o outsideLabel) Plot(c draw.Canvas, _ *plot.Plot) {
	if o.named {
		figlint.BeginAnnotation(c.Canvas, "label above the panel")
		defer figlint.EndAnnotation(c.Canvas)
	}
	c.FillPolygon(DefaultTheme.Reference, []vg.Point{{X: c.Min.X, Y: c.Max.Y + 10}, {X: c.Min.X + 10, Y: c.Max.Y + 10}, {X: c.Min.X + 10, Y: c.Max.Y + 14}})
}

// A named annotation may leave the data area; the same mark unnamed may not.
func TestLintAnnotationsExcepted(t *testing.T) {
	p := linePlot(t, "annotated")
	p.Add(outsideLabel{named: true})
	if probs := Single(p, 3*vg.Inch, 2*vg.Inch).Lint(); len(probs) > 0 {
		t.Errorf("a named annotation was refused: %v", probs)
	}
	p = linePlot(t, "not annotated")
	p.Add(outsideLabel{})
	wantRule(t, Single(p, 3*vg.Inch, 2*vg.Inch), figlint.MarkOutsideData)
}
