// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"
)

// RiskGroups cuts patients into k groups at the j/k quantiles of their risk
// (R type 7, j = 1 … k−1): patient i gets the number of cut points its risk
// exceeds, so 0 is the lowest-risk group and k−1 the highest, and a risk equal
// to a cut point goes to the lower group. This is R's
// cut(risk, quantile(risk, 0:k/k), include.lowest = TRUE) − 1; with k = 2 it
// is risk > median(risk). The groups feed [LogRankTest] and per-group
// Kaplan–Meier curves. Errors: k < 2, an empty or non-finite risk.
func RiskGroups(risk []float64, k int) ([]int, error) {
	if k < 2 {
		return nil, fmt.Errorf("%w: %d risk groups (want at least 2)", ErrInvalidArgument, k)
	}
	if len(risk) == 0 {
		return nil, ErrEmpty
	}
	for i, r := range risk {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("%w: sample %d has risk %v", ErrNonFiniteRisk, i, r)
		}
	}
	cuts := make([]float64, k-1)
	for j := range cuts {
		cuts[j] = Quantile(risk, float64(j+1)/float64(k))
	}
	group := make([]int, len(risk))
	for i, r := range risk {
		for _, c := range cuts {
			if r > c {
				group[i]++
			}
		}
	}
	return group, nil
}
