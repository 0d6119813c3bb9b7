// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// StratifiedFolds splits the patients into k folds stratified on the event
// flag: each patient is in the test part of exactly one fold, test parts
// differ in size by at most one, and each test part gets a share of the
// events proportional to its size (largest-remainder rounding). The split
// is deterministic given the seed. Returns ErrFold when k < 2, k exceeds the
// number of patients, or a fold would get no event in its train or test part.
func StratifiedFolds(o survival.Outcomes, k int, seed uint64) ([]Fold, error) {
	n := o.Len()
	if k < 2 || k > n {
		return nil, fmt.Errorf("%d folds for %d patients: %w", k, n, ErrFold)
	}
	sizes := make([]int, k)
	for f := range sizes {
		sizes[f] = n / k
		if f < n%k {
			sizes[f]++
		}
	}
	folds := stratifiedFoldsWithSizes(o.Event, sizes, rand.New(rand.NewPCG(seed, 0x5eed)))
	if err := validateFolds("stratified", folds, o); err != nil {
		return nil, err
	}
	return folds, nil
}

// stratifiedFoldsWithSizes assigns patients to folds whose test parts have
// the given sizes (summing to the number of patients), events spread in
// proportion to the sizes.
func stratifiedFoldsWithSizes(events []bool, sizes []int, rng *rand.Rand) []Fold {
	var ev, cens []int
	for i, e := range events {
		if e {
			ev = append(ev, i)
		} else {
			cens = append(cens, i)
		}
	}
	rng.Shuffle(len(ev), func(a, b int) { ev[a], ev[b] = ev[b], ev[a] })
	rng.Shuffle(len(cens), func(a, b int) { cens[a], cens[b] = cens[b], cens[a] })
	n := len(events)
	// Largest-remainder apportionment of the events to the folds.
	share := make([]int, len(sizes))
	type rem struct {
		f int
		r float64
	}
	var rems []rem
	given := 0
	for f, s := range sizes {
		exact := float64(s) * float64(len(ev)) / float64(n)
		share[f] = int(exact)
		given += share[f]
		rems = append(rems, rem{f, exact - float64(share[f])})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for i := 0; given < len(ev); i++ {
		share[rems[i].f]++
		given++
	}
	folds := make([]Fold, len(sizes))
	inTest := make([]int, n)
	for f, s := range sizes {
		folds[f].Name = fmt.Sprintf("fold_%d", f)
		folds[f].Test = append(append(folds[f].Test, ev[:share[f]]...), cens[:s-share[f]]...)
		ev, cens = ev[share[f]:], cens[s-share[f]:]
		sort.Ints(folds[f].Test)
		for _, i := range folds[f].Test {
			inTest[i] = f
		}
	}
	for f := range folds {
		for i := range n {
			if inTest[i] != f {
				folds[f].Train = append(folds[f].Train, i)
			}
		}
	}
	return folds
}
