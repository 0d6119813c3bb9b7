// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"slices"
)

// Concordance is Harrell's concordance index with the pair counts it is
// computed from.
type Concordance struct {
	// Index is (Concordant + TiedRisk/2) / (Concordant + Discordant + TiedRisk).
	Index float64
	// Concordant counts comparable pairs whose earlier event has the higher risk.
	Concordant int64
	// Discordant counts comparable pairs whose earlier event has the lower risk.
	Discordant int64
	// TiedRisk counts comparable pairs with equal risks (R's tied.x).
	TiedRisk int64
	// TiedTime counts pairs of events at the same time, which are not
	// comparable (R's tied.y + tied.xy).
	TiedTime int64
}

// Comparable returns the number of comparable pairs.
func (c Concordance) Comparable() int64 { return c.Concordant + c.Discordant + c.TiedRisk }

// ConcordanceIndex computes Harrell's concordance index of risk scores
// (higher risk = earlier event) against right-censored outcomes.
//
// A pair (i, j) is comparable when the subject with the shorter time had an
// event: T_i < T_j with δ_i = 1, or T_i = T_j with δ_i = 1 and δ_j = 0 (an
// event before a censoring at the same time). Two events at the same time are
// not comparable (counted in TiedTime); nor is a pair whose earlier time is
// censored. A comparable pair is concordant when risk_i > risk_j, discordant
// when risk_i < risk_j, and tied when the risks are exactly equal, which
// scores 1/2:
//
//	C = (concordant + tied/2) / (concordant + discordant + tied).
//
// These are the pair rules of R survival::concordance and of
// scikit-survival's concordance_index_censored (which, unlike this function,
// also treats risks within 1e-8 as tied).
//
// Agrees with R survival 3.5-3
// concordance(Surv(time, event) ~ risk, reverse = TRUE) (concordance and the
// counts concordant, discordant, tied.x, tied.y + tied.xy) exactly on the
// reference datasets; see testdata/reference/*.json. R's default (reverse =
// FALSE) treats the score as a predicted survival time and returns 1 − C.
//
// Returns the errors of [Outcomes.Validate], ErrLengthMismatch and
// ErrNonFiniteRisk for bad input, and ErrNoComparablePairs when no pair is
// comparable (for example when all subjects are censored). Cost:
// O(n log n) time, O(n) memory.
func ConcordanceIndex(o Outcomes, risk []float64) (Concordance, error) {
	if err := validateWithRisk(o, risk); err != nil {
		return Concordance{}, err
	}
	var c Concordance
	walkComparable(o, risk, func(i int, lower, equal, higher int64) {
		c.Concordant += lower
		c.TiedRisk += equal
		c.Discordant += higher
	}, func(eventsAtTime int64) {
		c.TiedTime += eventsAtTime * (eventsAtTime - 1) / 2
	})
	if c.Comparable() == 0 {
		return c, ErrNoComparablePairs
	}
	c.Index = (float64(c.Concordant) + float64(c.TiedRisk)/2) / float64(c.Comparable())
	return c, nil
}

// walkComparable visits every event i once with the number of subjects
// comparable to it whose risk is lower than, equal to and higher than
// risk[i]. Subjects comparable to an event at time t are those with T > t
// and the censored ones with T = t. tiedEvents is called once per distinct
// time with the number of events at that time.
//
// It processes times in descending order and keeps the risks of the subjects
// already at risk in a Fenwick tree over risk ranks: O(n log n).
func walkComparable(o Outcomes, risk []float64, visit func(i int, lower, equal, higher int64), tiedEvents func(n int64)) {
	order := sortedOrder(o)
	ranks, nRanks := riskRanks(risk)
	tree := newFenwick(nRanks)
	n := len(order)
	for end := n; end > 0; {
		t := o.Time[order[end-1]]
		start := end - 1
		for start > 0 && o.Time[order[start-1]] == t {
			start--
		}
		group := order[start:end]
		for _, i := range group {
			if !o.Event[i] {
				tree.add(ranks[i])
			}
		}
		var events int64
		for _, i := range group {
			if !o.Event[i] {
				continue
			}
			events++
			lower := tree.prefix(ranks[i] - 1)
			equal := tree.prefix(ranks[i]) - lower
			visit(i, lower, equal, tree.total-lower-equal)
		}
		tiedEvents(events)
		for _, i := range group {
			if o.Event[i] {
				tree.add(ranks[i])
			}
		}
		end = start
	}
}

// riskRanks maps each risk to its 1-based rank among the distinct values.
func riskRanks(risk []float64) ([]int, int) {
	distinct := slices.Clone(risk)
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	ranks := make([]int, len(risk))
	for i, r := range risk {
		k, _ := slices.BinarySearch(distinct, r)
		ranks[i] = k + 1
	}
	return ranks, len(distinct)
}

// fenwick is a binary indexed tree of counts over ranks 1..n.
type fenwick struct {
	count []int64
	total int64
}

func newFenwick(n int) *fenwick { return &fenwick{count: make([]int64, n+1)} }

func (f *fenwick) add(rank int) {
	f.total++
	for ; rank < len(f.count); rank += rank & -rank {
		f.count[rank]++
	}
}

// prefix returns the number of entries with rank ≤ r.
func (f *fenwick) prefix(r int) int64 {
	var s int64
	for ; r > 0; r -= r & -r {
		s += f.count[r]
	}
	return s
}
