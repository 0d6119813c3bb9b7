// SPDX-License-Identifier: Apache-2.0

package stats

import "math"

// MeanSD returns the mean of x and its sample standard deviation,
// sqrt(Σ(x−m)²/(n−1)) (0 for one value; NaN, NaN for none).
func MeanSD(x []float64) (float64, float64) {
	m := mean(x) // NaN for none
	switch len(x) {
	case 0:
		return m, math.NaN()
	case 1:
		return m, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return m, math.Sqrt(ss / float64(len(x)-1))
}
