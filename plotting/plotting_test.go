// SPDX-License-Identifier: Apache-2.0

package plotting_test

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
	"github.com/parachute-surv/goparachute/plotting"
)

var update = flag.Bool("update", false, "rewrite the golden SVGs (and write PNGs beside them for review in $PLOTTING_PNG_DIR)")

// golden compares a figure's SVG with testdata/golden/name.svg: gonum/plot
// renders deterministically with its embedded fonts, so any change in a
// builder shows up here, to be reviewed as a picture and accepted with
// go test ./plotting -update. The comparison is byte for byte: contour
// paths are drawn in a fixed order (TestContoursDrawInAFixedOrder).
func golden(t *testing.T, name string, fig *plotting.Figure, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	svg, err := fig.Render("svg", 0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name+".svg")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, svg, 0o644); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("PLOTTING_PNG_DIR"); dir != "" {
			if _, err := plotting.Save(fig, dir, name); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plotting -update to create it)", err)
	}
	if !bytes.Equal(svg, want) {
		t.Errorf("%s.svg differs from the golden file (%d vs %d bytes); look at the new picture and run go test ./plotting -update if it is right",
			name, len(svg), len(want))
	}
}

func cohort(t *testing.T) *data.Cohort {
	t.Helper()
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAUCCurvesGolden(t *testing.T) {
	var panels []figures.AUCPanel
	for k, name := range []string{"synth:pda", "synth:ucec", "synth:ccrcc"} {
		p := figures.AUCPanel{Cohort: name, Patients: 90 + k, Events: 60 - 10*k, MeanAUC: 0.7 - 0.05*float64(k), Replicates: 200}
		for i := range 10 {
			a := 0.65 + 0.02*float64(i) - 0.05*float64(k)
			p.Times = append(p.Times, 100+60*float64(i))
			p.AUC, p.Lower, p.Upper = append(p.AUC, a), append(p.Lower, a-0.1), append(p.Upper, math.Min(1, a+0.1))
		}
		panels = append(panels, p)
	}
	fig, err := plotting.AUCCurves(panels, plotting.DefaultTheme)
	golden(t, "auc_curves", fig, err)
}

func TestCalibrationGolden(t *testing.T) {
	var panels []figures.CalibrationPanel
	// Three cohorts, as Figure 9 draws them (the panels' width matters to
	// the lint); the third with predictions skewed towards 0, as synthetic
	// ccRCC's are at early horizons.
	for k, name := range []string{"synth:pda", "synth:ucec", "synth:ccrcc"} {
		p := figures.CalibrationPanel{Cohort: name}
		for h := range 3 {
			c := scoring.Calibration{Horizon: float64(200 * (h + 1))}
			for b := range 4 {
				pred := 0.1 + 0.2*float64(b) + 0.1*float64(h)
				if k == 2 {
					pred = 0.002 + 0.01*float64(b*b) + 0.05*float64(h)
				}
				obs := math.Max(0, pred+0.03*float64(k)-0.02*float64(b))
				c.Bins = append(c.Bins, survival.CalibrationBin{Predicted: pred, Observed: obs, Lower: obs - 0.1, Upper: obs + 0.1, N: 20})
			}
			p.Curves = append(p.Curves, c)
		}
		panels = append(panels, p)
	}
	fig, err := plotting.Calibration(panels, plotting.DefaultTheme)
	golden(t, "calibration", fig, err)
}

func TestMetricVsMissingGolden(t *testing.T) {
	ratios := []float64{0, 0.05, 0.15, 0.3}
	var panels []figures.Panel
	for k, cohort := range []string{"synth:pda", "synth:ucec", "synth:ccrcc"} {
		p := figures.Panel{Cohort: cohort}
		for m, label := range []string{"AdamW", "GCS"} {
			s := figures.Series{Label: label, Ratios: ratios}
			for j := range ratios {
				s.Mean = append(s.Mean, 0.7-0.1*ratios[j]*float64(2-m)-0.02*float64(k))
				s.SD = append(s.SD, 0.03+0.01*float64(j))
			}
			p.Series = append(p.Series, s)
		}
		panels = append(panels, p)
	}
	fig, err := plotting.MetricVsMissing(panels, "C-index (mean ± 1 SD)", plotting.MissingOptions{}, plotting.DefaultTheme)
	golden(t, "metric_vs_missing", fig, err)
	// Many series: error bars set apart, colour and dash from two factors,
	// and a legend on several lines.
	for k := range panels {
		panels[k].Series = nil
		for m, label := range []string{"TITAN + MedImageInsight", "UNI + MedImageInsight", "Virchow2 + MedImageInsight", "TITAN + MedSAM2", "UNI + MedSAM2", "Virchow2 + MedSAM2"} {
			s := figures.Series{Label: label, Ratios: ratios}
			for j := range ratios {
				s.Mean = append(s.Mean, 0.75-0.1*ratios[j]*float64(1+m%3)-0.03*float64(m/3)-0.02*float64(k))
				s.SD = append(s.SD, 0.02+0.005*float64(j))
			}
			panels[k].Series = append(panels[k].Series, s)
		}
	}
	fig, err = plotting.MetricVsMissing(panels, "C-index (mean ± 1 SD)", plotting.MissingOptions{ErrorBars: true,
		Style: func(_, i int) (int, bool) { return i % 3, i >= 3 }}, plotting.DefaultTheme)
	golden(t, "metric_vs_missing_error_bars", fig, err)
}

func TestKaplanMeierByRiskGolden(t *testing.T) {
	c := cohort(t)
	fig, err := plotting.KaplanMeierByRisk(c.Outcomes(), c.Synthetic.LogHazard, 3, plotting.DefaultTheme)
	golden(t, "kaplan_meier", fig, err)
}

func TestBoxPlotsGolden(t *testing.T) {
	low, high := []float64{1, 2, 2.5, 3, 3.2, 4, 7}, []float64{3, 4, 4.5, 5, 6, 6.5, 9}
	fig, err := plotting.BoxPlots("Neoplastic cell density", "cells per mm²", []plotting.BoxGroup{{"low risk", low}, {"high risk", high}}, plotting.DefaultTheme)
	golden(t, "box_plots", fig, err)
}

// squareSurface samples f on an n × n grid with step 0.1 from lo in both
// directions.
func squareSurface(n int, lo float64, f func(x, y float64) float64) plotting.Surface {
	s := plotting.Surface{}
	for i := range n {
		s.X = append(s.X, lo+0.1*float64(i))
		s.Y = append(s.Y, lo+0.1*float64(i))
	}
	for _, y := range s.Y {
		row := make([]float64, len(s.X))
		for j, x := range s.X {
			row[j] = f(x, y)
		}
		s.Values = append(s.Values, row)
	}
	return s
}

func TestHeatMapGolden(t *testing.T) {
	s := squareSurface(21, -1, func(x, y float64) float64 { return 0.5 + x*x + 2*y*y + 0.5*x*y })
	fig, err := plotting.HeatMap("Loss landscape", "direction 1", "direction 2", s, 6, plotting.DefaultTheme)
	golden(t, "heat_map", fig, err)
}

// Two renders of one surface give the same bytes: gonum's contour plotter
// gathers a level's paths from a map, and a surface with several wells has
// several paths per level, so without the fixed order the SVGs differ (and a
// committed notebook's figure changes on every clean rerun).
func TestContoursDrawInAFixedOrder(t *testing.T) {
	s := squareSurface(41, -2, func(x, y float64) float64 { return math.Sin(3*x) * math.Sin(3*y) })
	var first []byte
	for range 5 {
		fig, err := plotting.HeatMap("Wells", "x", "y", s, 4, plotting.DefaultTheme)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := fig.Render("svg", 0)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = svg
		} else if !bytes.Equal(svg, first) {
			t.Fatal("two renders of one surface differ")
		}
	}
}

func TestArchitectureGolden(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.Summarize(b, model.QuickConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := plotting.Architecture(s, plotting.DefaultTheme)
	golden(t, "architecture", fig, err)
	fig, err = plotting.BlockDiagram(s, plotting.DefaultTheme)
	golden(t, "block_diagram", fig, err)
}

func TestTutorialFiguresGolden(t *testing.T) {
	c := cohort(t)
	o, eta := c.Outcomes(), c.Synthetic.LogHazard
	scales := []float64{0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2}
	ll, err := survival.CoxScaleProfile(o, eta, scales)
	if err != nil {
		t.Fatal(err)
	}
	slope, err := survival.CalibrationSlope(o, eta)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := plotting.CoxProfile(scales, ll, slope, plotting.DefaultTheme)
	golden(t, "cox_profile", fig, err)

	study, err := tutorial.StudyCensoring(c.Synthetic, tutorial.CensoringStudyOptions{Seed: 1, Patients: 200, Repeats: 4})
	if err != nil {
		t.Fatal(err)
	}
	fig, err = plotting.CensoringStudy(study, plotting.DefaultTheme)
	golden(t, "censoring_study", fig, err)
}

// PNGs have the figure's size at the saved resolution, and Save writes both
// formats.
func TestSaveWritesPNGAndSVG(t *testing.T) {
	c := cohort(t)
	fig, err := plotting.KaplanMeierByRisk(c.Outcomes(), c.Synthetic.LogHazard, 2, plotting.DefaultTheme)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := plotting.Save(fig, filepath.Join(dir, "figs"), "km")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || !strings.HasSuffix(paths[0], "km.png") || !strings.HasSuffix(paths[1], "km.svg") {
		t.Fatalf("paths %v", paths)
	}
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	wantW := int(math.Round(float64(fig.Width/vg.Inch) * plotting.DPI))
	if got := img.Bounds().Dx(); math.Abs(float64(got-wantW)) > 1 {
		t.Errorf("PNG width %d px, want %d", got, wantW)
	}
	svg, err := os.ReadFile(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("Number at risk")) {
		t.Errorf("SVG lacks the at-risk table")
	}
	if _, err := fig.Render("pdf", 0); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestTable4Markdown(t *testing.T) {
	rows, err := figures.Table4(1)
	if err != nil {
		t.Fatal(err)
	}
	md := plotting.Table4(figures.PaperTable4, rows)
	lines := strings.Split(strings.TrimSpace(md), "\n")
	if len(lines) != 2+len(figures.PaperTable4)+len(rows) {
		t.Fatalf("%d lines:\n%s", len(lines), md)
	}
	if !strings.HasPrefix(lines[1], "| --- | ---: |") {
		t.Errorf("alignment row %q: the cohort column is text, the counts are numbers", lines[1])
	}
	if !strings.Contains(md, "| CPTAC-PDA | 553 | 232 | 76 | 34 | — | — | — |") {
		t.Errorf("paper row missing:\n%s", md)
	}
}

// table5Result is a made-up Table 5 of two methods on two cohorts.
func table5Result() *figures.Table5Result {
	r := &figures.Table5Result{Paper: figures.PaperTable5()}
	for c, cohort := range []string{"synth:pda", "synth:ucec"} {
		for m, method := range []string{"PARACHUTE (AdamW)", "PARACHUTE (GCS)"} {
			avg5 := 0.70 - 0.02*float64(c)
			d, _ := survival.DegradationAnalysis(avg5, avg5-0.01*float64(1+m), avg5-0.03*float64(1+m+c))
			r.Rows = append(r.Rows, figures.DegradationRow{Cohort: cohort, Method: method, Degradation: d,
				SpeedSD: [3]float64{0.01, 0.008, 0.012}, Units: 15, Steepest: [3]bool{m == 1, m == 1, m == 1}})
		}
	}
	return r
}

func TestDegradationSpeedsGolden(t *testing.T) {
	fig, err := plotting.DegradationSpeeds(table5Result(), plotting.DefaultTheme)
	golden(t, "degradation_speeds", fig, err)
}

func TestTable5Markdown(t *testing.T) {
	md := plotting.Table5(table5Result())
	for _, want := range []string{"| CPTAC-PDA (synthetic) | PARACHUTE (GCS) |", "**-0.020 ± 0.010**",
		"| CPTAC-PDA (supplement) | PARACHUTE |", "**-0.064** †", "| MMIST-ccRCC (supplement) | MMD |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Table 5 lacks %q:\n%s", want, md)
		}
	}
}

func TestPairedComparisonsMarkdown(t *testing.T) {
	md := plotting.PairedComparisons([]figures.PairedComparison{{Cohort: "synth:pda", Ratios: []float64{0.3}, Reference: "gcs",
		Other: "crsam", Comparison: stats.Comparison{Units: 15, Pairs: 5, Wins: 3, Losses: 2, MeanReference: 0.7, MeanOther: 0.68, MeanDiff: 0.02,
			Lower: -0.01, Upper: 0.05, P: 0.21, Exact: true, PAdjusted: 0.84, Family: 4, FamilyName: "the 4 comparisons of a test",
			Verdict: stats.NoDifference}, RelativePercent: 2.94}})
	for _, want := range []string{"CPTAC-PDA (synthetic)", "30 %", "GCS vs CR-SAM", "5 (15)", "+0.0200 [-0.0100, +0.0500]", "+2.94 %",
		"3 / 2", "0.21 (exact)", "| 0.84 |", "no difference shown", "Holm-adjusted across the 4 comparisons of a test"} {
		if !strings.Contains(md, want) {
			t.Errorf("comparison table lacks %q:\n%s", want, md)
		}
	}
}

func TestEncoderAblationGolden(t *testing.T) {
	ratios := []float64{0, 0.05, 0.15, 0.3}
	r := &figures.Figure7Result{Synthetic: true,
		Pathology: []figures.EncoderNote{{Name: "TITAN"}, {Name: "UNI"}, {Name: "Virchow2"}},
		Radiology: []figures.EncoderNote{{Name: "MedImageInsight"}, {Name: "MedSAM2"}}}
	c := figures.Figure7Cohort{Cohort: "synth:ucec", Pairs: figures.Panel{Cohort: "synth:ucec", Title: "every pair"}}
	for ri, rad := range r.Radiology {
		panel := figures.Panel{Cohort: "synth:ucec", Title: "with " + rad.Name}
		for pi, path := range r.Pathology {
			s := figures.Series{Label: path.Name, Ratios: ratios}
			for j := range ratios {
				s.Mean = append(s.Mean, 0.78-0.03*float64(pi)-0.04*float64(ri)-0.2*ratios[j])
				s.SD = append(s.SD, 0.03)
			}
			panel.Series = append(panel.Series, s)
			pair := s
			pair.Label = path.Name + " + " + rad.Name
			c.Pairs.Series = append(c.Pairs.Series, pair)
		}
		c.ByRadiology = append(c.ByRadiology, panel)
	}
	r.Cohorts = []figures.Figure7Cohort{c}
	fig, err := plotting.EncoderAblation(r, plotting.DefaultTheme)
	golden(t, "encoder_ablation", fig, err)
}

// tutorial03Result is a made-up toy run: the landscape's loss on a coarse
// grid and two short paths, one with gates.
func tutorial03Result() *tutorial.SharpnessResult {
	v := tutorial.NewToyValley(1)
	r := &tutorial.SharpnessResult{Valley: v, Start: [2]float64{-1.45, -0.15}, Steps: 3}
	for k := range 31 {
		r.X = append(r.X, -2+4.5*float64(k)/30)
	}
	for k := range 21 {
		r.Y = append(r.Y, -1.2+3*float64(k)/20)
	}
	for _, y := range r.Y {
		var row []float64
		for _, x := range r.X {
			row = append(row, v.TrainingLoss([2]float64{x, y}))
		}
		r.Loss = append(r.Loss, row)
	}
	r.Trajectories = []tutorial.Trajectory{
		{Method: "AdamW", Theta: [][2]float64{r.Start, {-1.35, -0.05}, {-1.25, 0}, {-1.22, 0.02}}, EndLoss: 0.28, EndEigen: [2]float64{58, 52}},
		{Method: "GCS", Theta: [][2]float64{r.Start, {-1.3, 0.1}, {-1.0, 0.1}, {-0.8, 0.1}},
			Curvature: [][]float64{{60, 20, -5}, {30, 10, 5}, {1, 2, -1}}, Gate: [][]float64{{0.6, 0.4, 0.1}, {0.5, 0.3, 0.2}, {0.4, 0.4, 0.3}}},
	}
	r.Probes = tutorial.StudyProbes(v, [2]float64{-1.3, 0.05}, 100, 1)
	return r
}

func TestTutorial03Golden(t *testing.T) {
	r := tutorial03Result()
	fig, err := plotting.Trajectories(r, plotting.DefaultTheme)
	golden(t, "trajectories", fig, err)
	fig, err = plotting.GateTrace(r.Trajectories[1], plotting.DefaultTheme)
	golden(t, "gate_trace", fig, err)
	if _, err := plotting.GateTrace(r.Trajectories[0], plotting.DefaultTheme); err == nil {
		t.Error("a trajectory without gates drew a gate trace")
	}
	for _, want := range []string{"| GCS | (-0.800, 0.100) |", "tr H ="} {
		if md := plotting.EndPoints(r) + plotting.ProbeTable(r.Probes); !strings.Contains(md, want) {
			t.Errorf("tables lack %q:\n%s", want, md)
		}
	}
}

func TestFusionGolden(t *testing.T) {
	maps := []train.AttentionMap{
		{Block: "block1", Queries: "radiology", Keys: "pathology", Weights: [][][]float64{{{0.2, 0.5, 0.3}, {0.6, 0.2, 0.2}}, {{0.4, 0.3, 0.3}, {0.3, 0.3, 0.4}}}},
		{Block: "block3", Queries: "pathology", Keys: "radiology", KeyMissing: true, Weights: [][][]float64{{{1}, {1}, {1}}}},
	}
	fig, err := plotting.AttentionMaps(maps, "a made-up patient", plotting.DefaultTheme)
	golden(t, "attention_maps", fig, err)
	ex := tutorial.DCEExample{K: 2, Similarity: [][]float64{{0.3, -0.1, 0.2, 0}, {-0.3, 0.1, -0.2, 0}, {0.15, -0.05, 0.1, 0}, {0, 0, 0, 0}},
		TopK: [][]int{{0, 2}, {1, 3}, {0, 2}, {0, 1}}}
	fig, err = plotting.SimilarityTopK(ex, plotting.DefaultTheme)
	golden(t, "similarity_top_k", fig, err)
	md := plotting.MaskingRates([]tutorial.MaskingRate{{PMiss: 0.3, Pathology: 0.256, Radiology: 0.254, Expected: 0.255}}) +
		plotting.MissingTokens([]tutorial.MissingTokenDemo{{Patient: "P1", Slides: 3, Series: 8, SeenSlides: 3, SeenSeries: 2, Full: -1, RadMasked: -0.5, RadAbsent: -0.5}})
	for _, want := range []string{"| 0.30 | 0.2560 | 0.2540 | 0.0000 | 0.2550 |", "| P1 | 3 / 8 | 3 / 2 | -1.000000 | -0.500000 | -0.500000 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("tables lack %q:\n%s", want, md)
		}
	}
}

func TestOptimizersVsMissingGolden(t *testing.T) {
	ratios := []float64{0, 0.05, 0.15, 0.3}
	r := &figures.Figure5Result{Reference: "gcs"}
	for c, cohort := range []string{"synth:pda", "synth:ucec"} {
		p := figures.Panel{Cohort: cohort}
		for m, opt := range []string{"adamw", "gcs", "sam"} {
			s := figures.Series{Label: figures.OptimizerLabel(opt), Ratios: ratios}
			for k := range ratios {
				s.Mean = append(s.Mean, 0.72-0.1*ratios[k]*float64(1+m)-0.01*float64(c))
				s.SD = append(s.SD, 0.05)
			}
			p.Series = append(p.Series, s)
			if opt == "gcs" {
				continue
			}
			for k, ratio := range ratios {
				d := 0.01 * float64(k) * float64(m)
				r.ByRatio = append(r.ByRatio, figures.PairedComparison{Cohort: cohort, Ratios: []float64{ratio}, Reference: "gcs", Other: opt,
					Comparison: stats.Comparison{MeanDiff: d, Lower: d - 0.02, Upper: d + 0.02}})
			}
		}
		r.Panels = append(r.Panels, p)
	}
	fig, err := plotting.OptimizersVsMissing(r, plotting.DefaultTheme)
	golden(t, "optimizers_vs_missing", fig, err)
}

func section4Result() *figures.Section4Result {
	r := &figures.Section4Result{Cohorts: []string{"synth:pda", "synth:ucec", "synth:ccrcc"}, Paper: figures.PaperSection4()}
	for _, m := range figures.Section4Methods() {
		r.Methods = append(r.Methods, m.Label)
	}
	for c, cohort := range r.Cohorts {
		var row []figures.Section4Cell
		for j, m := range r.Methods {
			full := 0.75 - 0.06*float64(j) - 0.02*float64(c)
			row = append(row, figures.Section4Cell{Cohort: cohort, Method: m, Full: full, FullSD: 0.05, Mixed30: full - 0.03,
				Mixed30SD: 0.06, FullC: make([]float64, 15), Mixed30C: make([]float64, 15)})
		}
		r.Cells = append(r.Cells, row)
	}
	return r
}

func TestSection4Golden(t *testing.T) {
	fig, err := plotting.Section4(section4Result(), plotting.DefaultTheme)
	golden(t, "section4", fig, err)
}

func TestSection4Markdown(t *testing.T) {
	md := plotting.Section4Table(section4Result())
	for _, want := range []string{"| CPTAC-PDA (synthetic) | PARACHUTE (GCS) | 0.750 ± 0.050 | 0.720 ± 0.060 | 15 |",
		"| CPTAC-PDA (supplement) | CoxNet (concatenation) | 0.6114 | not quoted | — |",
		"| CPTAC-UCEC (supplement) | PARACHUTE | 0.8367 | 30 % mixed: \"remains above 0.74\" | — |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Section 4 table lacks %q:\n%s", want, md)
		}
	}
}

func TestMethodsTableMarkdown(t *testing.T) {
	r := &figures.MethodsTableResult{Cohorts: []string{"synth:pda"}, Methods: []string{"A", "B"},
		Columns: []figures.MethodsColumn{{PMiss: 0, Scenario: "full"}, {PMiss: 0.3, Scenario: "mixed_missing"}},
		Cells:   [][][]figures.MethodsCell{{{{Mean: 0.7, SD: 0.1, Best: true}, {Mean: 0.6, SD: 0.1}}, {{Mean: 0.65, SD: 0.05}, {Mean: 0.62, SD: 0.02, Best: true}}}}}
	md := plotting.MethodsTable(r)
	for _, want := range []string{"**CPTAC-PDA (synthetic)**", "| Method | 0 % all | 30 % mixed |", "| A | **0.700 ± 0.100** | 0.600 ± 0.100 |",
		"| B | 0.650 ± 0.050 | **0.620 ± 0.020** |"} {
		if !strings.Contains(md, want) {
			t.Errorf("methods table lacks %q:\n%s", want, md)
		}
	}
}
