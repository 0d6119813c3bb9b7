// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// ErrTooFewPairs is returned when a paired test has no non-zero difference.
var ErrTooFewPairs = errors.New("stats: no non-zero paired difference")

// SignedRank is the result of a Wilcoxon signed-rank test.
type SignedRank struct {
	// N is the number of non-zero differences the test uses; Zeros were
	// dropped.
	N, Zeros int
	// V is the sum of the ranks of |d| over the positive differences (R's
	// statistic V), with tied |d| given their mean rank.
	V float64
	// P is the two-sided p-value.
	P float64
	// Exact says whether P is exact (n < 50, no ties, no zeros) or from the
	// normal approximation with tie and continuity corrections.
	Exact bool
}

// WilcoxonSignedRank tests whether the paired differences d_i = x_i − y_i
// are symmetric about 0, two-sided, as R's wilcox.test(x, y, paired = TRUE)
// does by default (R 4.2, stats): zero differences are dropped; with n < 50
// non-zero differences, no tied |d| and no zeros the p-value is exact (the
// signed-rank distribution, p = min(1, 2 P(V ≤ v)) or the upper tail when v
// exceeds its mean n(n+1)/4); otherwise it uses the normal approximation
//
//	z = (V − n(n+1)/4 − ½ sign(V − n(n+1)/4)) / σ,
//	σ² = n(n+1)(2n+1)/24 − Σ_ties (t³ − t)/48,
//
// p = 2 min(Φ(z), 1 − Φ(z)). Returns ErrTooFewPairs when every difference is
// zero, and an error for different lengths or non-finite values.
func WilcoxonSignedRank(x, y []float64) (SignedRank, error) {
	if len(x) != len(y) {
		return SignedRank{}, fmt.Errorf("stats: %d and %d paired values", len(x), len(y))
	}
	var d []float64
	res := SignedRank{}
	for i := range x {
		v := x[i] - y[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return SignedRank{}, fmt.Errorf("stats: pair %d: %v − %v is not finite", i, x[i], y[i])
		}
		if v == 0 {
			res.Zeros++
			continue
		}
		d = append(d, v)
	}
	n := len(d)
	res.N = n
	if n == 0 {
		return res, ErrTooFewPairs
	}
	abs := make([]float64, n)
	for i, v := range d {
		abs[i] = math.Abs(v)
	}
	ranks, tieGroups := midRanks(abs)
	for i, v := range d {
		if v > 0 {
			res.V += ranks[i]
		}
	}
	nf := float64(n)
	mean := nf * (nf + 1) / 4
	if n < 50 && len(tieGroups) == 0 && res.Zeros == 0 {
		res.Exact = true
		v := int(math.Round(res.V))
		var p float64
		if res.V > mean {
			p = 1 - signRankCDF(v-1, n)
		} else {
			p = signRankCDF(v, n)
		}
		res.P = math.Min(1, 2*p)
		return res, nil
	}
	variance := nf * (nf + 1) * (2*nf + 1) / 24
	for _, t := range tieGroups {
		tf := float64(t)
		variance -= (tf*tf*tf - tf) / 48
	}
	z := res.V - mean
	z = (z - math.Copysign(0.5, z)) / math.Sqrt(variance)
	if res.V == mean {
		z = 0 // R: sign(0) = 0, no continuity correction
	}
	phi := distuv.UnitNormal.CDF(z)
	res.P = math.Min(1, 2*math.Min(phi, 1-phi))
	return res, nil
}

// midRanks returns the ranks of x (1-based, ties at their mean rank) and
// the sizes of the groups of ties (only groups of two or more).
func midRanks(x []float64) ([]float64, []int) {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	ranks := make([]float64, len(x))
	var ties []int
	for k := 0; k < len(order); {
		end := k + 1
		for end < len(order) && x[order[end]] == x[order[k]] {
			end++
		}
		r := float64(k+1+end) / 2 // mean of ranks k+1 … end
		for j := k; j < end; j++ {
			ranks[order[j]] = r
		}
		if end-k > 1 {
			ties = append(ties, end-k)
		}
		k = end
	}
	return ranks, ties
}

// signRankCDF returns P(V ≤ v) for the Wilcoxon signed-rank statistic of n
// pairs under the null (R's psignrank): the number of subsets of {1, …, n}
// whose sum is at most v, over 2ⁿ.
func signRankCDF(v, n int) float64 {
	top := n * (n + 1) / 2
	if v < 0 {
		return 0
	}
	if v >= top {
		return 1
	}
	// count[s] = number of subsets of {1..k} summing to s, built up in k.
	count := make([]float64, top+1)
	count[0] = 1
	for k := 1; k <= n; k++ {
		for s := top; s >= k; s-- {
			count[s] += count[s-k]
		}
	}
	c := 0.0
	for s := 0; s <= v; s++ {
		c += count[s]
	}
	return c / math.Pow(2, float64(n))
}
