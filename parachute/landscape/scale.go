// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/integrate/quad"
)

// Sharpness at a finite scale. λ₁ and tr H are the curvature of the smooth
// piece of the loss that contains θ. A network with ReLUs (and a loss with a
// top-k) is only piecewise smooth: a kink a short step from θ makes the loss
// curve differently at the scale a surface is drawn, so these measures look
// at that scale.

// SmoothedCurvature returns the curvature along the unit direction v of
// the loss smoothed by a Gaussian of standard deviation sigma along v:
//
//	κ_σ(v) = E_{z∼N(0,1)}[ ∂²_α L(θ + α v) at α = σz ] = E[ L(θ + σz v) (z² − 1) ] / σ²
//
// (Stein's identity; the right side needs only loss values, so kinks count
// as the jumps of the slope they are). It is computed with an m-node
// Gauss–Hermite rule (m ≥ 3; exact for a quadratic, where κ_σ = vᵀHv at
// every σ). For L(θ + αv) = c|α| it is c·√(2/π)/σ: a kink at θ makes the
// smoothed curvature grow as the scale shrinks, while λ₁ ignores it.
func SmoothedCurvature(f Function, v []float64, sigma float64, m int) (float64, error) {
	if !(sigma > 0) || m < 3 {
		return 0, fmt.Errorf("landscape: smoothed curvature at σ = %v with %d nodes", sigma, m)
	}
	x, w := make([]float64, m), make([]float64, m)
	quad.Hermite{}.FixedLocations(x, w, math.Inf(-1), math.Inf(1))
	alphas, zeros := make([]float64, m), make([]float64, m)
	for i := range x {
		alphas[i] = sigma * math.Sqrt2 * x[i] // z = √2 x under the weight e^{−x²}
	}
	loss, err := f.Losses(v, v, alphas, zeros)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for i := range x {
		z := math.Sqrt2 * x[i]
		s += w[i] / math.SqrtPi * loss[i] * (z*z - 1)
	}
	return s / (sigma * sigma), nil
}

// EpsSharpness returns the largest rise of the loss over a grid × grid
// grid of the square θ + α d₁ + β d₂, |α|, |β| ≤ eps, above L(θ): Keskar et
// al.'s ε-sharpness (unnormalised) restricted to the plane a surface is
// drawn in.
func EpsSharpness(f Function, d1, d2 []float64, eps float64, grid int) (float64, error) {
	if grid < 2 || !(eps > 0) {
		return 0, fmt.Errorf("landscape: ε-sharpness on a grid of %d over ±%v", grid, eps)
	}
	as, bs := []float64{0}, []float64{0}
	for _, a := range Grid(grid, eps) {
		for _, b := range Grid(grid, eps) {
			as, bs = append(as, a), append(bs, b)
		}
	}
	loss, err := f.Losses(d1, d2, as, bs)
	if err != nil {
		return 0, err
	}
	return maxRise(loss), nil
}

// RandomEpsSharpness returns the largest rise of the loss above L(θ) along
// directions filter-normalised random directions ([FilterNormalized], Li
// et al. 2018), at grid points of [−eps, eps] each: ε-sharpness in
// directions that do not favour the curvature's top eigenvectors, and
// scaled to each filter's norm so that it does not depend on how the
// network is parametrised.
func RandomEpsSharpness(f Function, theta []float64, blocks []Block, eps float64, grid, directions int, seed uint64) (float64, error) {
	if grid < 2 || !(eps > 0) || directions < 1 || len(theta) != f.Dim() {
		return 0, fmt.Errorf("landscape: random ε-sharpness on %d directions × %d points over ±%v (θ of %d for dimension %d)",
			directions, grid, eps, len(theta), f.Dim())
	}
	rng := rand.New(rand.NewPCG(seed, 0xe95))
	worst := math.Inf(-1)
	zeros := make([]float64, grid+1)
	for range directions {
		d := FilterNormalized(theta, blocks, rng)
		loss, err := f.Losses(d, d, append([]float64{0}, Grid(grid, eps)...), zeros)
		if err != nil {
			return 0, err
		}
		worst = math.Max(worst, maxRise(loss))
	}
	return worst, nil
}

// maxRise is max(loss[1:]) − loss[0].
func maxRise(loss []float64) float64 {
	m := math.Inf(-1)
	for _, l := range loss[1:] {
		m = math.Max(m, l)
	}
	return m - loss[0]
}
