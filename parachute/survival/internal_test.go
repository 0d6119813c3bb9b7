// SPDX-License-Identifier: Apache-2.0

package survival

import "testing"

func TestQuantileSorted(t *testing.T) {
	// R: quantile(c(1, 2, 3, 4, 10), c(0.025, 0.5, 0.975)) = 1.1, 3, 9.4
	// (h = 4p; 1 + 0.1·1, 3, 4 + 0.9·6).
	x := []float64{1, 2, 3, 4, 10}
	for _, tc := range []struct{ p, want float64 }{{0.025, 1.1}, {0.5, 3}, {0.975, 9.4}, {1, 10}, {0, 1}} {
		if got := quantileSorted(x, tc.p); got-tc.want > 1e-12 || tc.want-got > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

func TestEventTimeQuantilesAreType1(t *testing.T) {
	// Event times 2, 4, 6, 8 (10 is censored): type 1 gives ⌈4p⌉-th: 2, 4, 6.
	o := Outcomes{Time: []float64{6, 2, 10, 8, 4}, Event: []bool{true, true, false, true, true}}
	q, err := EventTimeQuantiles(o, 0.25, 0.5, 0.75, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 4, 6, 2, 8}
	for i := range want {
		if q[i] != want[i] {
			t.Fatalf("quantiles %v, want %v", q, want)
		}
	}
	if _, err := EventTimeQuantiles(Outcomes{Time: []float64{1}, Event: []bool{false}}, 0.5); err != ErrAllCensored {
		t.Fatalf("all censored: %v", err)
	}
	if Quantile([]float64{4, 1, 3, 2}, 0.5) != 2.5 {
		t.Fatal("median of 1..4 is not 2.5")
	}
}
