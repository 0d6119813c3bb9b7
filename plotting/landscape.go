// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/landscape"
)

// Landscape draws a loss surface of landscape.Analyze as a heat map with
// contours, α along x and β along y, the unperturbed optimum marked at the
// origin, and the sharpness numbers (λ₁, λ₂, Hutchinson's trace ± its
// standard error) under the title.
func Landscape(title string, r *landscape.Result, t Theme) (*Figure, error) {
	if len(r.Loss) != len(r.Alphas) || len(r.Eigenvalues) < 2 {
		return nil, fmt.Errorf("plotting: a landscape of %d rows for %d α and %d eigenvalues", len(r.Loss), len(r.Alphas), len(r.Eigenvalues))
	}
	s := surfaceOf(r)
	xl, yl := "α (along v₁)", "β (along v₂)"
	if r.Directions == "random" {
		xl, yl = "α (random d₁, filter-normalised)", "β (random d₂, filter-normalised)"
	}
	f, err := HeatMap(title, xl, yl, s, 10, t)
	if err != nil {
		return nil, err
	}
	f.Panels[0][0].Title.Text += "\n" + SharpnessLine(r)
	return f, nil
}

// SharpnessLine states a landscape's sharpness numbers in one line.
func SharpnessLine(r *landscape.Result) string {
	tr := "trace not estimated"
	if !math.IsNaN(float64(r.Trace)) {
		tr = fmt.Sprintf("tr H = %.3g ± %.2g", float64(r.Trace), float64(r.TraceSE))
	}
	return fmt.Sprintf("λ₁ = %.3g, λ₂ = %.3g, %s; L(θ) = %.4g", r.Eigenvalues[0], r.Eigenvalues[1], tr, r.LossAtOptimum)
}

// Figure6 draws supplement Figure 6 as measured: one row per cohort, the
// reference optimizer's surface beside the ablation's (same fold and seed,
// one colour scale per row, drawn as a colour bar at its end, ★ the
// unperturbed optimum), each panel's sharpness numbers under its title.
func Figure6(r *figures.Figure6Result, t Theme) (*Figure, error) {
	var rows [][]*plot.Plot
	for k, p := range r.Panels {
		if p.Reference == nil || p.Ablation == nil {
			return nil, fmt.Errorf("plotting: cohort %s has no pair of surfaces", p.Cohort)
		}
		var surfaces [2]Surface
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, ls := range []*landscape.Result{p.Reference, p.Ablation} {
			surfaces[i] = surfaceOf(ls)
			if err := surfaces[i].check(); err != nil {
				return nil, err
			}
			l, h := surfaces[i].bounds()
			lo, hi = math.Min(lo, l), math.Max(hi, h)
		}
		var row []*plot.Plot
		for i, ls := range []*landscape.Result{p.Reference, p.Ablation} {
			name := []string{r.Reference, r.Ablation}[i]
			// The sharpness line, broken before the loss: two panels and a
			// colour bar share the page's width.
			title := fmt.Sprintf("(%c) %s, %s, fold %d\n%s", 'a'+2*k+i, cohortTitle(p.Cohort), figures.OptimizerLabel(name), p.Fold,
				strings.Replace(SharpnessLine(ls), "; L(θ)", "\nL(θ)", 1))
			pl, err := heatMapPlot(title, "α (along v₁)", "β (along v₂)", surfaces[i], 10, lo, hi, t)
			if err != nil {
				return nil, err
			}
			row = append(row, pl)
		}
		rows = append(rows, append(row, t.colourBar(lo, hi, "training loss")))
	}
	rowH := 3.2 * vg.Inch
	return &Figure{Panels: rows, Width: PageWidth, Height: rowH * vg.Length(len(rows)), Widths: []float64{1, 1, 0.22}}, nil
}

// surfaceOf lays a landscape out for the heat map: α along x, β along y.
func surfaceOf(r *landscape.Result) Surface {
	s := Surface{X: r.Alphas, Y: r.Betas, Values: make([][]float64, len(r.Betas))}
	for j := range r.Betas {
		s.Values[j] = make([]float64, len(r.Alphas))
		for i := range r.Alphas {
			if i < len(r.Loss) && j < len(r.Loss[i]) {
				s.Values[j][i] = r.Loss[i][j]
			}
		}
	}
	return s
}

// Figure6Table renders the sharpness of every cohort and optimizer (mean
// ± SD over folds and seeds) as a Markdown table, followed by the paired
// comparisons.
func Figure6Table(r *figures.Figure6Result) string {
	header := []string{"Cohort", "Optimizer", "Models", "λ₁", "λ₂", "tr H", fmt.Sprintf("smoothed λ₁ (σ = %.3g)", r.Sigma),
		fmt.Sprintf("ε-sharpness, plane (±%.3g)", r.Eps), fmt.Sprintf("ε-sharpness, random (±%.3g)", r.RandomEps), "L(θ)", "Test C"}
	var rows [][]string
	for _, s := range r.Summary {
		rows = append(rows, []string{cohortTitle(s.Cohort), figures.OptimizerLabel(s.Optimizer), fmt.Sprint(s.N),
			fmt.Sprintf("%.3g ± %.2g", s.Lambda1, s.Lambda1SD), fmt.Sprintf("%.3g ± %.2g", s.Lambda2, s.Lambda2SD),
			fmt.Sprintf("%.3g ± %.2g", s.Trace, s.TraceSD), fmt.Sprintf("%.3g", s.Smoothed), fmt.Sprintf("%.3g", s.EpsPlane),
			fmt.Sprintf("%.3g", s.EpsRandom), fmt.Sprintf("%.4f", s.Loss), fmt.Sprintf("%.3f", s.TestC)})
	}
	return Markdown(header, rows) + "\n" + PairedComparisons(r.Comparisons)
}
