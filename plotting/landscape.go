// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"

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
	s := Surface{X: r.Alphas, Y: r.Betas, Values: make([][]float64, len(r.Betas))}
	for j := range r.Betas {
		s.Values[j] = make([]float64, len(r.Alphas))
		for i := range r.Alphas {
			s.Values[j][i] = r.Loss[i][j]
		}
	}
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
