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
