// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"slices"
	"sort"
)

// timeTable is the life table of a sample: its distinct observed times in
// ascending order with, at each, the number of subjects at risk (T ≥ t), the
// number of events and the number of censorings observed at exactly t.
type timeTable struct {
	time     []float64
	atRisk   []int
	events   []int
	censored []int
}

// sortedOrder returns the indices of o sorted by ascending time (stable).
func sortedOrder(o Outcomes) []int {
	order := make([]int, o.Len())
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return o.Time[order[a]] < o.Time[order[b]] })
	return order
}

// tabulate builds the life table of validated outcomes in O(n log n).
func tabulate(o Outcomes) timeTable {
	order := sortedOrder(o)
	var tt timeTable
	n := len(order)
	for k := 0; k < n; {
		t := o.Time[order[k]]
		d, c, end := 0, 0, k
		for ; end < n && o.Time[order[end]] == t; end++ {
			if o.Event[order[end]] {
				d++
			} else {
				c++
			}
		}
		tt.time = append(tt.time, t)
		tt.atRisk = append(tt.atRisk, n-k)
		tt.events = append(tt.events, d)
		tt.censored = append(tt.censored, c)
		k = end
	}
	return tt
}

// stepFunction is a right-continuous step function: value y0 for t < x[0]
// and y[k] on [x[k], x[k+1]). x is strictly increasing.
type stepFunction struct {
	x, y []float64
	y0   float64
}

// at evaluates the function at t (right-continuous: a jump at t is included).
func (s stepFunction) at(t float64) float64 {
	k, found := slices.BinarySearch(s.x, t)
	if found {
		return s.y[k]
	}
	if k == 0 {
		return s.y0
	}
	return s.y[k-1]
}

// leftLimit evaluates the left limit f(t−) (a jump at t is excluded).
func (s stepFunction) leftLimit(t float64) float64 {
	k, _ := slices.BinarySearch(s.x, t)
	if k == 0 {
		return s.y0
	}
	return s.y[k-1]
}
