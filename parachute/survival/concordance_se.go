// SPDX-License-Identifier: Apache-2.0

package survival

import "math"

// ConcordanceStdErr returns the standard error of Harrell's C that R's
// survival reports with a concordance (summary(coxph), concordance()): the
// infinitesimal jackknife. Each subject i takes part in C_i concordant, D_i
// discordant and T_i risk-tied comparable pairs (the pairs of
// [ConcordanceIndex], each counted for both its subjects); with
// S = (C − D)/N Somers' d over the N comparable pairs, the influence of
// subject i on the concordance (S + 1)/2 is
//
//	dfbeta_i = ((C_i − D_i) − (C_i + D_i + T_i)·S) / (2N),
//
// and the variance is Σ_i dfbeta_i² (survival 3.5-3, concordancefit with
// unit weights, no strata or clusters; its concordance3.c counts the pairs).
// Cost: O(n²) time, O(n) memory.
func ConcordanceStdErr(o Outcomes, risk []float64) (float64, error) {
	c, err := ConcordanceIndex(o, risk)
	if err != nil {
		return math.NaN(), err
	}
	n := o.Len()
	conc, disc, tied := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		if !o.Event[i] {
			continue
		}
		for j := range n {
			if j == i || o.Time[j] < o.Time[i] || o.Time[j] == o.Time[i] && o.Event[j] {
				continue // not a pair in which i has the earlier event
			}
			switch {
			case risk[i] > risk[j]:
				conc[i]++
				conc[j]++
			case risk[i] < risk[j]:
				disc[i]++
				disc[j]++
			default:
				tied[i]++
				tied[j]++
			}
		}
	}
	pairs := float64(c.Comparable())
	somers := (float64(c.Concordant) - float64(c.Discordant)) / pairs
	v := 0.0
	for i := range n {
		d := ((conc[i] - disc[i]) - (conc[i]+disc[i]+tied[i])*somers) / (2 * pairs)
		v += d * d
	}
	return math.Sqrt(v), nil
}
