// SPDX-License-Identifier: Apache-2.0

package survival

import "testing"

func TestQuantileType7(t *testing.T) {
	// R: quantile(c(1, 2, 3, 4, 10), c(0.025, 0.5, 0.975)) = 1.1, 3, 9.4
	// (h = 4p; 1 + 0.1·1, 3, 4 + 0.9·6).
	x := []float64{1, 2, 3, 4, 10}
	for _, tc := range []struct{ p, want float64 }{{0.025, 1.1}, {0.5, 3}, {0.975, 9.4}, {1, 10}, {0, 1}} {
		if got := quantileType7(x, tc.p); got-tc.want > 1e-12 || tc.want-got > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}
