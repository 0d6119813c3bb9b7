// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"math"
	"slices"
)

// ascendingValid returns the indices of the non-NaN p-values sorted by
// p ascending (ties in input order), and fills q with NaN where p is NaN.
func ascendingValid(p, q []float64) []int {
	var idx []int
	for i, v := range p {
		if math.IsNaN(v) {
			q[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	return idx
}

// Holm returns Holm's (1979) step-down adjusted p-values, as R's
// p.adjust(p, "holm"): with the m non-NaN p sorted ascending,
//
//	q_(i) = max_{k ≤ i} min(1, (m − k + 1) p_(k)),
//
// returned in the input order. It controls the family-wise error rate under
// any dependence between the tests. NaN p-values stay NaN and are not
// counted in m (R's default n = sum(!is.na(p))).
func Holm(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := ascendingValid(p, q)
	m := float64(len(idx))
	running := 0.0
	for k, i := range idx {
		running = math.Max(running, math.Min(1, (m-float64(k))*p[i]))
		q[i] = running
	}
	return q
}

// BenjaminiHochberg returns the false-discovery-rate adjusted p-values of
// Benjamini and Hochberg (1995), as R's p.adjust(p, "BH"): with p sorted
// ascending, q_(i) = min_{k ≥ i} min(1, m p_(k) / k), returned in the input
// order. NaN p-values are returned as NaN and not counted in m (R's
// n = sum(!is.na(p))).
func BenjaminiHochberg(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := ascendingValid(p, q)
	m := float64(len(idx))
	running := 1.0
	for k := len(idx) - 1; k >= 0; k-- {
		i := idx[k]
		running = math.Min(running, m*p[i]/float64(k+1))
		q[i] = math.Min(1, running)
	}
	return q
}
