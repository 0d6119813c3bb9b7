// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"fmt"
	"math"
)

// Spearman returns Spearman's rank correlation of x and y, as R's
// cor(x, y, method = "spearman"): Pearson's correlation of the mid-ranks
// (ties at their mean rank). It refuses different lengths, fewer than
// three pairs, non-finite values, and a constant variable.
func Spearman(x, y []float64) (float64, error) {
	if len(x) != len(y) || len(x) < 3 {
		return 0, fmt.Errorf("stats: Spearman's ρ of %d and %d values (at least 3 pairs)", len(x), len(y))
	}
	for i := range x {
		if !isFinite(x[i]) || !isFinite(y[i]) {
			return 0, fmt.Errorf("stats: Spearman's ρ: pair %d (%v, %v) is not finite", i, x[i], y[i])
		}
	}
	rx, _ := midRanks(x)
	ry, _ := midRanks(y)
	mx, my := mean(rx), mean(ry)
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	if sxx == 0 || syy == 0 {
		return 0, fmt.Errorf("stats: Spearman's ρ of a constant variable")
	}
	return sxy / math.Sqrt(sxx*syy), nil
}
