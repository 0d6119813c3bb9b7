// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LogRank is the result of a log-rank test of equal survival across groups.
type LogRank struct {
	Groups   []int       // distinct group labels, ascending
	N        []int       // subjects per group
	Observed []float64   // observed events per group
	Expected []float64   // expected events per group under equal hazards
	Variance [][]float64 // covariance of Observed − Expected
	ChiSq    float64
	DF       int
	P        float64 // upper tail of the χ² distribution with DF degrees of freedom
}

// LogRankTest compares the survival of two or more groups (group[i] is the
// label of subject i) with the log-rank (Mantel–Haenszel) test. At each
// distinct event time t with n subjects at risk and d events, group g with n_g
// at risk expects E_g = d n_g / n events, and
//
//	V_gh = d (n − d)/(n − 1) · (n_g/n) ([g = h] − n_h/n)
//
// (hypergeometric variance, exact for tied events). With O − E the vector of
// observed minus expected events over the groups with E > 0, less the first
// of them, χ² = (O − E)ᵀ V⁻¹ (O − E) with DF = (number of those groups) − 1;
// when only one group has E > 0, χ² = 0, DF = 0 and P = 1, as in survdiff.
//
// Agrees with R survival 3.5-3 survdiff(Surv(time, event) ~ group) (obs, exp,
// var, chisq, p) to 1e-10; see testdata/reference/*.json.
//
// Returns the errors of [Outcomes.Validate], ErrLengthMismatch,
// ErrTooFewGroups when fewer than two groups have subjects, ErrAllCensored
// when there is no event, and ErrInvalidArgument when V is singular.
// Cost: O(n log n + T G²) for T event times and G groups.
func LogRankTest(o Outcomes, group []int) (*LogRank, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if len(group) != o.Len() {
		return nil, fmt.Errorf("%w: %d outcomes, %d group labels", ErrLengthMismatch, o.Len(), len(group))
	}
	labels := slices.Compact(slices.Sorted(slices.Values(group)))
	if len(labels) < 2 {
		return nil, ErrTooFewGroups
	}
	if o.Events() == 0 {
		return nil, ErrAllCensored
	}
	ng := len(labels)
	gi := make([]int, o.Len())
	r := &LogRank{Groups: labels, N: make([]int, ng), Observed: make([]float64, ng), Expected: make([]float64, ng)}
	r.Variance = make([][]float64, ng)
	for g := range r.Variance {
		r.Variance[g] = make([]float64, ng)
	}
	atRisk := make([]float64, ng)
	for i, lab := range group {
		gi[i], _ = slices.BinarySearch(labels, lab)
		r.N[gi[i]]++
		atRisk[gi[i]]++
	}
	order := sortedOrder(o)
	events := make([]float64, ng)
	for k := 0; k < len(order); {
		t := o.Time[order[k]]
		end := k
		clear(events)
		d := 0.0
		for ; end < len(order) && o.Time[order[end]] == t; end++ {
			if i := order[end]; o.Event[i] {
				events[gi[i]]++
				d++
			}
		}
		if d > 0 {
			n := float64(len(order) - k)
			for g := range ng {
				r.Observed[g] += events[g]
				r.Expected[g] += d * atRisk[g] / n
			}
			if n > 1 {
				f := d * (n - d) / (n - 1)
				for g := range ng {
					for h := range ng {
						kron := 0.0
						if g == h {
							kron = 1
						}
						r.Variance[g][h] += f * atRisk[g] / n * (kron - atRisk[h]/n)
					}
				}
			}
		}
		for ; k < end; k++ {
			atRisk[gi[order[k]]]--
		}
	}
	// As survdiff: keep the groups with E > 0 and drop the first of them.
	var keep []int
	for g := range ng {
		if r.Expected[g] > 0 {
			keep = append(keep, g)
		}
	}
	r.DF = len(keep) - 1
	if r.DF < 1 {
		// One group carries all the expected events: nothing to compare
		// (survdiff reports χ² = 0, p = 1).
		r.P = 1
		return r, nil
	}
	keep = keep[1:]
	m := len(keep)
	v := mat.NewSymDense(m, nil)
	diff := mat.NewVecDense(m, nil)
	for a, g := range keep {
		diff.SetVec(a, r.Observed[g]-r.Expected[g])
		for b, h := range keep {
			v.SetSym(a, b, r.Variance[g][h])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(v) {
		return nil, fmt.Errorf("%w: singular log-rank variance matrix", ErrInvalidArgument)
	}
	var x mat.VecDense
	if err := chol.SolveVecTo(&x, diff); err != nil {
		return nil, fmt.Errorf("%w: log-rank variance: %v", ErrInvalidArgument, err)
	}
	r.ChiSq = mat.Dot(&x, diff)
	r.P = distuv.ChiSquared{K: float64(r.DF)}.Survival(r.ChiSq)
	return r, nil
}
