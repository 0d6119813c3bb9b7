// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Fligner is the result of a Fligner–Killeen test of equal dispersion.
type Fligner struct {
	// Statistic is the median-centred Fligner–Killeen χ² (R's
	// "Fligner-Killeen:med chi-squared"), DF = groups − 1, P its upper tail.
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
}

// FlignerKilleen tests whether the groups have the same dispersion, as R's
// fligner.test(x, g) (stats): each value is centred on its group's median,
// the N centred absolute values are ranked (ties at their mean rank) and
// scored a_i = Φ⁻¹((1 + r_i/(N+1))/2), and
//
//	X² = (Σ_g (Σ_{i∈g} a_i)²/n_g − N ā²) / s²_a,
//
// with ā and s²_a (divisor N − 1) the mean and variance of all scores,
// referred to χ² with k − 1 degrees of freedom. It is robust to
// non-normality, unlike Bartlett's test. It refuses fewer than two groups,
// an empty group, non-finite values, and data whose scores do not vary.
func FlignerKilleen(groups [][]float64) (Fligner, error) {
	if len(groups) < 2 {
		return Fligner{}, fmt.Errorf("stats: Fligner–Killeen needs two groups or more, got %d", len(groups))
	}
	var centred []float64
	for g, x := range groups {
		if len(x) == 0 {
			return Fligner{}, fmt.Errorf("stats: Fligner–Killeen: group %d is empty", g)
		}
		for i, v := range x {
			if !isFinite(v) {
				return Fligner{}, fmt.Errorf("stats: Fligner–Killeen: group %d value %d is %v", g, i, v)
			}
		}
		m := median(x)
		for _, v := range x {
			centred = append(centred, math.Abs(v-m))
		}
	}
	n := float64(len(centred))
	ranks, _ := midRanks(centred)
	a := make([]float64, len(ranks))
	for i, r := range ranks {
		a[i] = distuv.UnitNormal.Quantile((1 + r/(n+1)) / 2)
	}
	abar := mean(a)
	ss := 0.0
	for _, v := range a {
		ss += (v - abar) * (v - abar)
	}
	variance := ss / (n - 1)
	if !(variance > 0) {
		return Fligner{}, fmt.Errorf("stats: Fligner–Killeen: the scores do not vary (every value equals its group's median)")
	}
	stat, start := 0.0, 0
	for _, x := range groups {
		s := 0.0
		for _, v := range a[start : start+len(x)] {
			s += v
		}
		stat += s * s / float64(len(x))
		start += len(x)
	}
	stat = (stat - n*abar*abar) / variance
	df := len(groups) - 1
	return Fligner{Statistic: stat, DF: df, P: distuv.ChiSquared{K: float64(df)}.Survival(stat)}, nil
}

// median is R's median: the middle value, or the mean of the two middle
// values.
func median(x []float64) float64 {
	s := slices.Sorted(slices.Values(x))
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}
