// SPDX-License-Identifier: Apache-2.0

package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// The comparison rule's constants: every paired comparison goes through
// [Compare] and [Decide] with these, and nowhere else is a direction
// declared.
const (
	// Level is the two-sided level of the interval of a mean difference.
	Level = 0.95
	// Alpha is the family-wise error rate the Holm-adjusted p is held to.
	Alpha = 0.05
	// MinPairs is the fewest clusters (folds) at which a direction may be
	// declared.
	MinPairs = 5
	// Replicates is the number of cluster-bootstrap resamples.
	Replicates = 2000
)

// Verdict is what the rule says of one comparison.
type Verdict string

// The verdicts of [Decide].
const (
	// Better: the reference is higher (the interval lies above 0 and the
	// adjusted p is below Alpha).
	Better Verdict = "better"
	// Worse: the reference is lower.
	Worse Verdict = "worse"
	// NoDifference: the interval covers 0 or the adjusted p is not below
	// Alpha.
	NoDifference Verdict = "no difference shown"
	// TooFewPairs: fewer than MinPairs clusters; no direction is declared
	// whatever the interval and p say.
	TooFewPairs Verdict = "too few pairs"
)

// ErrNoUnits is returned by Compare for an empty comparison.
var ErrNoUnits = errors.New("stats: no paired units")

// Unit is one paired measurement: the reference's and the other's value on
// the same unit (a fold trained with one seed, scored on the same masks),
// and the cluster the unit belongs to. Units of one cluster share their test
// patients (the seeds of one fold, the missing ratios of one fold), so they
// are not independent: the rule averages them before comparing.
type Unit struct {
	Cluster   string
	Reference float64
	Other     float64
}

// Comparison is a paired comparison of a reference with another variant
// over clusters.
type Comparison struct {
	// Units counts the units; Pairs the clusters they fall in (the n of the
	// test and of the bootstrap). Wins and Losses count the clusters where
	// the reference's mean is higher and lower.
	Units  int `json:"units"`
	Pairs  int `json:"pairs"`
	Wins   int `json:"wins"`
	Losses int `json:"losses"`
	// MeanReference and MeanOther are the means over clusters of the
	// cluster means; MeanDiff = MeanReference − MeanOther.
	MeanReference float64 `json:"mean_reference"`
	MeanOther     float64 `json:"mean_other"`
	MeanDiff      float64 `json:"mean_diff"`
	// Lower and Upper bound MeanDiff's Level percentile interval from
	// Replicates resamples of the clusters (seeded).
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	// P is the two-sided Wilcoxon signed-rank p over the cluster pairs
	// (R's wilcox.test(paired = TRUE)); NaN when every difference is zero.
	// Exact says it came from the exact distribution.
	P     float64 `json:"p"`
	Exact bool    `json:"exact"`
	// PAdjusted is P after Holm's adjustment across the family; Family is
	// the number of comparisons adjusted together and FamilyName says which
	// they are. All three are set by Decide.
	PAdjusted  float64 `json:"p_adjusted"`
	Family     int     `json:"family"`
	FamilyName string  `json:"family_name"`
	// Verdict is set by Decide.
	Verdict Verdict `json:"verdict"`
}

// Compare reduces paired units to one pair per cluster (the mean of each
// side over the cluster's units, clusters in order of first appearance) and
// measures the difference reference − other over the k clusters:
//
//	d_c = mean_c(reference) − mean_c(other),   MeanDiff = (1/k) Σ_c d_c,
//
// with a Level percentile interval from Replicates bootstrap resamples of
// the k cluster differences (PCG seeded with seed; R's type-7 quantiles)
// and the Wilcoxon signed-rank p of the k pairs. The verdict is left empty:
// Decide sets it once the whole family is known. It refuses an empty input
// and non-finite values.
func Compare(units []Unit, seed uint64) (Comparison, error) {
	if len(units) == 0 {
		return Comparison{}, ErrNoUnits
	}
	var order []string
	sums := map[string]*[3]float64{} // reference sum, other sum, count
	for i, u := range units {
		if !isFinite(u.Reference) || !isFinite(u.Other) {
			return Comparison{}, fmt.Errorf("stats: unit %d (cluster %q): %v against %v is not finite", i, u.Cluster, u.Reference, u.Other)
		}
		s, ok := sums[u.Cluster]
		if !ok {
			s = &[3]float64{}
			sums[u.Cluster] = s
			order = append(order, u.Cluster)
		}
		s[0] += u.Reference
		s[1] += u.Other
		s[2]++
	}
	k := len(order)
	ref, other, d := make([]float64, k), make([]float64, k), make([]float64, k)
	c := Comparison{Units: len(units), Pairs: k, P: math.NaN(), PAdjusted: math.NaN()}
	for j, name := range order {
		s := sums[name]
		ref[j], other[j] = s[0]/s[2], s[1]/s[2]
		d[j] = ref[j] - other[j]
		switch {
		case d[j] > 0:
			c.Wins++
		case d[j] < 0:
			c.Losses++
		}
	}
	c.MeanReference, c.MeanOther, c.MeanDiff = mean(ref), mean(other), mean(d)
	c.Lower, c.Upper = bootstrapMean(d, seed)
	if w, err := WilcoxonSignedRank(ref, other); err == nil {
		c.P, c.Exact = w.P, w.Exact
	}
	return c, nil
}

// Decide applies the rule to a family of comparisons, in place: the
// Wilcoxon p-values are Holm-adjusted across the family (Holm; a NaN p stays
// NaN), and each comparison is
//
//   - TooFewPairs when it has fewer than MinPairs clusters;
//   - Better when Lower > 0 and PAdjusted < Alpha;
//   - Worse when Upper < 0 and PAdjusted < Alpha;
//   - NoDifference otherwise.
//
// The family is what the caller reports together (a notebook's comparison
// tables), named by name ("the 16 comparisons of Figure 5's tables"), which
// [RuleNote] prints under the results.
func Decide(family []Comparison, name string) {
	p := make([]float64, len(family))
	for i, c := range family {
		p[i] = c.P
	}
	for i, q := range Holm(p) {
		c := &family[i]
		c.PAdjusted, c.Family, c.FamilyName = q, len(family), name
		significant := q < Alpha // false for NaN
		switch {
		case c.Pairs < MinPairs:
			c.Verdict = TooFewPairs
		case c.Lower > 0 && significant:
			c.Verdict = Better
		case c.Upper < 0 && significant:
			c.Verdict = Worse
		default:
			c.Verdict = NoDifference
		}
	}
}

// MinimumP returns the smallest two-sided p the exact Wilcoxon signed-rank
// test can give with n pairs, 2/2ⁿ (every difference of one sign): 0.0625
// at 5 pairs, 0.031 at 6, so that a comparison over fewer than 6 folds can
// never show a difference at Alpha.
func MinimumP(n int) float64 {
	return math.Min(1, 2/math.Pow(2, float64(n)))
}

// RuleNote states the rule in one paragraph for printing under a table of
// comparisons; family names what was adjusted together (for example "the 16
// comparisons of this notebook").
func RuleNote(family string) string {
	return fmt.Sprintf("Rule: a difference is the mean over folds of the fold-level paired difference (seeds and pooled ratios "+
		"averaged within a fold first), with a %.0f %% percentile interval from %d bootstrap resamples of the folds; its p is "+
		"the Wilcoxon signed-rank test over the fold pairs, Holm-adjusted across %s. The verdict is *%s* or *%s* only when "+
		"the interval excludes 0 and the adjusted p < %.2g, *%s* otherwise, and *%s* below %d fold pairs. With n pairs the "+
		"exact p cannot fall below 2/2ⁿ (%.4f at 5), so a single cohort's 4–5 folds cannot show a difference; pooled comparisons can.",
		100*Level, Replicates, family, Better, Worse, Alpha, NoDifference, TooFewPairs, MinPairs, MinimumP(5))
}

// NotDistinguishable is what [Side] says of an interval that covers the
// value.
const NotDistinguishable = "not distinguishable from"

// Side says where an interval [lower, upper] lies relative to a value:
// "above" when lower > value, "below" when upper < value, and "not
// distinguishable from" otherwise. It is the one-sample counterpart of the
// rule, for claims against a fixed value (an AUC against 0.5 or 0.60, a
// calibration slope against 1).
func Side(lower, upper, value float64) string {
	switch {
	case lower > value:
		return "above"
	case upper < value:
		return "below"
	}
	return NotDistinguishable
}

// Verdicts counts a family's verdicts as "2 better, 1 worse, 9 no
// difference shown", in the order better, worse, no difference, too few.
func Verdicts(family []Comparison) string {
	count := map[Verdict]int{}
	for _, c := range family {
		count[c.Verdict]++
	}
	var parts []string
	for _, v := range []Verdict{Better, Worse, NoDifference, TooFewPairs} {
		if count[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[v], v))
		}
	}
	return strings.Join(parts, ", ")
}

// bootstrapMean returns the Level percentile interval of the mean of x
// from Replicates resamples (type-7 quantiles).
func bootstrapMean(x []float64, seed uint64) (float64, float64) {
	if len(x) == 1 {
		return x[0], x[0]
	}
	rng := rand.New(rand.NewPCG(seed, 0x51ab1e))
	means := make([]float64, Replicates)
	for r := range means {
		s := 0.0
		for range x {
			s += x[rng.IntN(len(x))]
		}
		means[r] = s / float64(len(x))
	}
	slices.Sort(means)
	alpha := (1 - Level) / 2
	return quantile7(means, alpha), quantile7(means, 1-alpha)
}

// quantile7 is R's type-7 quantile of sorted values.
func quantile7(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
