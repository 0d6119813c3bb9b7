// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// RankSum is the result of a Wilcoxon rank-sum (Mann–Whitney U) test.
type RankSum struct {
	// NX and NY are the group sizes.
	NX, NY int
	// W is R's statistic: the sum of the ranks of x in the pooled sample
	// (ties at their mean rank) minus n_x(n_x + 1)/2, i.e. the number of
	// pairs (x_i, y_j) with x_i > y_j plus half the tied pairs (the U of x).
	W float64
	// P is the two-sided p-value.
	P float64
	// Exact says whether P is exact (both groups under 50, no ties) or from
	// the normal approximation with tie and continuity corrections.
	Exact bool
	// Ties says whether the pooled sample has tied values.
	Ties bool
}

// MannWhitneyU tests whether x and y come from the same distribution
// against a location shift, two-sided, as R's wilcox.test(x, y) does by
// default (R 4.2, stats): with both groups smaller than 50 and no ties the
// p-value is exact (the distribution of W, p = min(1, 2 P(W ≤ w)) or the
// upper tail when w exceeds its mean n_x n_y / 2); otherwise (R then warns
// that it cannot compute an exact p-value with ties) it uses
//
//	z = (W − n_x n_y / 2 − ½ sign(W − n_x n_y / 2)) / σ,
//	σ² = (n_x n_y / 12) (n_x + n_y + 1 − Σ_ties (t³ − t) / ((n_x + n_y)(n_x + n_y − 1))),
//
// p = 2 min(Φ(z), 1 − Φ(z)). Errors: an empty group, or a non-finite value.
func MannWhitneyU(x, y []float64) (RankSum, error) {
	if len(x) == 0 || len(y) == 0 {
		return RankSum{}, fmt.Errorf("stats: rank-sum test of groups of %d and %d values", len(x), len(y))
	}
	pooled := append(slices.Clone(x), y...)
	for i, v := range pooled {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return RankSum{}, fmt.Errorf("stats: value %d of the pooled sample is %v", i, v)
		}
	}
	ranks, ties := midRanks(pooled)
	nx, ny := len(x), len(y)
	res := RankSum{NX: nx, NY: ny, Ties: len(ties) > 0}
	for i := range nx {
		res.W += ranks[i]
	}
	fx, fy := float64(nx), float64(ny)
	res.W -= fx * (fx + 1) / 2
	mean := fx * fy / 2
	if nx < 50 && ny < 50 && !res.Ties {
		res.Exact = true
		w := int(math.Round(res.W))
		var p float64
		if res.W > mean {
			p = 1 - rankSumCDF(w-1, nx, ny)
		} else {
			p = rankSumCDF(w, nx, ny)
		}
		res.P = math.Min(1, 2*p)
		return res, nil
	}
	n := fx + fy
	tieSum := 0.0
	for _, t := range ties {
		tf := float64(t)
		tieSum += tf*tf*tf - tf
	}
	sigma := math.Sqrt(fx * fy / 12 * (n + 1 - tieSum/(n*(n-1))))
	z := res.W - mean
	if z != 0 {
		z = (z - math.Copysign(0.5, z)) / sigma
	}
	phi := distuv.UnitNormal.CDF(z)
	res.P = math.Min(1, 2*math.Min(phi, 1-phi))
	return res, nil
}

// rankSumCDF returns P(W ≤ w) for the rank-sum statistic of groups of m
// and n without ties: the number of ways c(u; m, n) to reach U = u, from
// c(u; m, n) = c(u − n; m − 1, n) + c(u; m, n − 1), over C(m + n, m).
func rankSumCDF(w, m, n int) float64 {
	if w < 0 {
		return 0
	}
	if w >= m*n {
		return 1
	}
	// counts[j][u] for the current i (groups of i and j).
	prev := make([][]float64, n+1)
	for j := range prev {
		prev[j] = make([]float64, m*n+1)
		prev[j][0] = 1 // i = 0: one way, U = 0
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = make([]float64, m*n+1)
		cur[0][0] = 1
		for j := 1; j <= n; j++ {
			cur[j] = make([]float64, m*n+1)
			for u := 0; u <= i*j; u++ {
				c := cur[j-1][u]
				if u >= j {
					c += prev[j][u-j]
				}
				cur[j][u] = c
			}
		}
		prev = cur
	}
	total, below := 0.0, 0.0
	for u, c := range prev[n] {
		total += c
		if u <= w {
			below += c
		}
	}
	return below / total
}
