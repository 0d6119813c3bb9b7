// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

func TestBootstrapIsSeededAndCoversTheMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, 400)
	for i := range x {
		x[i] = rng.NormFloat64()*2 + 5
	}
	mean := func(idx []int) (float64, error) {
		s := 0.0
		for _, i := range idx {
			s += x[i]
		}
		return s / float64(len(idx)), nil
	}
	opts := survival.BootstrapOptions{Replicates: 2000, Seed: 7}
	a, err := survival.Bootstrap(len(x), mean, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := survival.Bootstrap(len(x), mean, opts)
	if a != b {
		t.Fatalf("same seed, different intervals: %+v vs %+v", a, b)
	}
	if !(a.Lower < a.Estimate && a.Estimate < a.Upper) || a.Replicates != 2000 || a.Failed != 0 {
		t.Fatalf("interval %+v", a)
	}
	// The bootstrap standard error of a mean is sd/√n (= 0.1 here) up to
	// Monte Carlo error: with 2000 replicates its relative SD is about
	// 1/√(2·2000) ≈ 1.6 %, so 10 % is a wide margin.
	sd := 0.0
	for _, v := range x {
		sd += (v - a.Estimate) * (v - a.Estimate)
	}
	sd = math.Sqrt(sd/float64(len(x)-1)) / math.Sqrt(float64(len(x)))
	if math.Abs(a.StdErr/sd-1) > 0.1 {
		t.Errorf("bootstrap SE %v, analytic %v", a.StdErr, sd)
	}
	// A normal-theory 95 % interval is ±1.96 SE; the percentile interval of a
	// mean must be close to it.
	if math.Abs((a.Upper-a.Lower)/(2*1.96*sd)-1) > 0.15 {
		t.Errorf("interval width %v, normal theory %v", a.Upper-a.Lower, 2*1.96*sd)
	}
}

func TestBootstrapCountsFailedResamples(t *testing.T) {
	o := survival.Outcomes{Time: []float64{1, 2, 3, 4, 5, 6}, Event: []bool{true, false, false, false, false, false}}
	risk := []float64{6, 5, 4, 3, 2, 1}
	harrell := func(idx []int) (float64, error) {
		sub := o.Subset(idx)
		r := make([]float64, len(idx))
		for k, i := range idx {
			r[k] = risk[i]
		}
		c, err := survival.ConcordanceIndex(sub, r)
		return c.Index, err
	}
	res, err := survival.Bootstrap(o.Len(), harrell, survival.BootstrapOptions{Replicates: 500, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A resample without subject 0, or with only copies of it, has no
	// comparable pair: (5/6)^6 ≈ 33 % of resamples.
	if res.Failed == 0 || res.Failed+res.Replicates != 500 {
		t.Fatalf("failed %d, replicates %d", res.Failed, res.Replicates)
	}
	if res.Lower != 1 || res.Upper != 1 {
		t.Errorf("every defined resample is perfectly concordant: %+v", res)
	}
}

// TestBootstrapCoverageAndSymmetry simulates 1,000 data sets of 100 normal
// values with a known mean and counts how often the 95 % percentile
// interval of the mean misses it, on each side. The percentile interval of
// a mean at n = 100 covers about 94.7 % (plug-in SD, normal instead of t
// quantile); with 1,000 data sets a count has a binomial standard error of
// about 7 per 1,000 for the coverage and 5 per 1,000 for each tail, so the
// bounds below sit three standard errors out. An interval that takes one
// limit at the wrong quantile (α instead of α/2 on one side) misses about
// 50 times on that side and fails; so does a narrower or wider one.
func TestBootstrapCoverageAndSymmetry(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 bootstraps of 1,000 resamples")
	}
	const sets, n, mu = 1000, 100, 3.0
	rng := rand.New(rand.NewPCG(21, 22))
	x := make([]float64, n)
	mean := func(idx []int) (float64, error) {
		s := 0.0
		for _, i := range idx {
			s += x[i]
		}
		return s / float64(len(idx)), nil
	}
	below, above := 0, 0
	for set := range sets {
		for i := range x {
			x[i] = mu + 2*rng.NormFloat64()
		}
		iv, err := survival.Bootstrap(n, mean, survival.BootstrapOptions{Replicates: 1000, Seed: uint64(set)})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case mu < iv.Lower:
			below++
		case mu > iv.Upper:
			above++
		}
	}
	coverage := 1 - float64(below+above)/sets
	t.Logf("coverage %.3f; true mean below the interval %d, above %d (of %d)", coverage, below, above, sets)
	if math.Abs(coverage-0.95) > 3*math.Sqrt(0.95*0.05/sets)+0.005 {
		t.Errorf("coverage %.3f, want 0.95", coverage)
	}
	for side, misses := range map[string]int{"below": below, "above": above} {
		if misses < 10 || misses > 42 {
			t.Errorf("the true mean lies %s the interval %d times of %d, want about 25", side, misses, sets)
		}
	}
}
