// SPDX-License-Identifier: Apache-2.0

package plotting_test

import (
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/plotting"
)

// quadraticLandscape analyses L = ½ xᵀ diag(c, c/2, c/4) x.
func quadraticLandscape(t *testing.T, c float64) *landscape.Result {
	t.Helper()
	d, err := landscape.NewDense(3, []float64{c, 0, 0, 0, c / 2, 0, 0, 0, c / 4})
	if err != nil {
		t.Fatal(err)
	}
	r, err := landscape.Analyze(landscape.Quadratic{Dense: d, L0: 1}, landscape.Options{Grid: 11, TraceProbes: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLandscapeGolden(t *testing.T) {
	fig, err := plotting.Landscape("Loss landscape of a quadratic", quadraticLandscape(t, 2), plotting.DefaultTheme)
	golden(t, "landscape", fig, err)
}

// Figure 6 puts a flat and a sharp quadratic side by side on one scale;
// its table lists both and the verdicts.
func TestFigure6Golden(t *testing.T) {
	flat, sharp := quadraticLandscape(t, 1), quadraticLandscape(t, 4)
	// Numbers as long as a real model's, so that the titles' width is
	// tested: the lint refuses a title that leaves its panel.
	for _, l := range []*landscape.Result{flat, sharp} {
		l.Eigenvalues[0], l.Eigenvalues[1], l.LossAtOptimum = 9.3912*l.Eigenvalues[0], 3.7911*l.Eigenvalues[1], 2.014371
		l.Trace, l.TraceSE = 57.61*l.Trace, 3.14
	}
	r := &figures.Figure6Result{PMiss: 0.3, Reference: "gcs", Ablation: "adamw", Grid: 11, Eps: 1,
		Panels: []figures.Figure6Panel{{Cohort: "synth:pda", Reference: flat, Ablation: sharp}},
		Summary: []figures.SharpnessSummary{{Cohort: "synth:pda", Optimizer: "gcs", N: 5, Lambda1: 1, Lambda1SD: 0.1, Trace: 1.75},
			{Cohort: "synth:pda", Optimizer: "adamw", N: 5, Lambda1: 4, Lambda1SD: 0.3, Trace: 7}},
		Comparisons: []figures.PairedComparison{{Cohort: "synth:pda", Ratios: []float64{0.3}, Reference: "GCS λ₁", Other: "AdamW λ₁",
			Comparison: stats.Comparison{Pairs: 5, MeanDiff: -3, Lower: -3.5, Upper: -2.5, Verdict: stats.Worse}, Reading: "flatter"}}}
	fig, err := plotting.Figure6(r, plotting.DefaultTheme)
	golden(t, "figure6", fig, err)
	md := plotting.Figure6Table(r)
	for _, want := range []string{"CPTAC-PDA (synthetic)", "| GCS |", "1 ± 0.1", "4 ± 0.3", "flatter"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
	r.Panels[0].Ablation = nil
	if _, err := plotting.Figure6(r, plotting.DefaultTheme); err == nil {
		t.Error("a cohort without its pair of surfaces drawn")
	}
}
