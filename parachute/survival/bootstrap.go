// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// BootstrapOptions configures [Bootstrap]. The zero value asks for 1000
// replicates, a 95 % interval and seed 0.
type BootstrapOptions struct {
	Replicates int     // number of resamples; 0 means 1000
	Level      float64 // two-sided level in (0, 1); 0 means 0.95
	Seed       uint64  // seed of the resampling generator (PCG)
}

// BootstrapInterval is a percentile bootstrap confidence interval.
type BootstrapInterval struct {
	Estimate float64 // the statistic on the full sample
	Lower    float64 // (1 − Level)/2 quantile of the replicates
	Upper    float64 // (1 + Level)/2 quantile of the replicates
	StdErr   float64 // standard deviation of the replicates
	Level    float64
	// Replicates counts the resamples whose statistic was defined.
	Replicates int
	// Failed counts the resamples whose statistic returned an error (for
	// example no comparable pair); they are left out of the interval.
	Failed int
}

// Bootstrap computes a percentile confidence interval for any scalar statistic
// of n subjects. stat is evaluated on the full sample (idx = 0..n−1) and on
// resamples of n indices drawn with replacement from a PCG generator seeded
// with opts.Seed, so the interval is reproducible. The quantiles interpolate
// linearly between order statistics (R's quantile type 7).
//
// Resamples on which stat fails are counted in Failed and excluded; Bootstrap
// returns an error when the full-sample statistic fails, when fewer than two
// resamples succeed, or for options outside their domain (ErrInvalidArgument).
// Cost: (Replicates + 1) evaluations of stat.
func Bootstrap(n int, stat func(idx []int) (float64, error), opts BootstrapOptions) (BootstrapInterval, error) {
	if opts.Replicates == 0 {
		opts.Replicates = 1000
	}
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	if n < 1 || opts.Replicates < 2 || !(opts.Level > 0 && opts.Level < 1) {
		return BootstrapInterval{}, fmt.Errorf("%w: bootstrap of %d subjects, %d replicates, level %v",
			ErrInvalidArgument, n, opts.Replicates, opts.Level)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	est, err := stat(idx)
	if err != nil {
		return BootstrapInterval{}, fmt.Errorf("statistic on the full sample: %w", err)
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))
	values := make([]float64, 0, opts.Replicates)
	res := BootstrapInterval{Estimate: est, Level: opts.Level}
	var lastErr error
	for range opts.Replicates {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		v, err := stat(idx)
		if err == nil && math.IsNaN(v) {
			err = errors.New("statistic is NaN")
		}
		if err != nil {
			res.Failed++
			lastErr = err
			continue
		}
		values = append(values, v)
	}
	res.Replicates = len(values)
	if len(values) < 2 {
		return res, fmt.Errorf("%w: only %d of %d bootstrap resamples gave a value (last error: %v)",
			ErrInvalidArgument, len(values), opts.Replicates, lastErr)
	}
	slices.Sort(values)
	alpha := (1 - opts.Level) / 2
	res.Lower = quantileSorted(values, alpha)
	res.Upper = quantileSorted(values, 1-alpha)
	mean := 0.0
	for _, v := range values {
		mean += v
	}
	mean /= float64(len(values))
	ss := 0.0
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	res.StdErr = math.Sqrt(ss / float64(len(values)-1))
	return res, nil
}

// Quantile returns the p-quantile of x with R's default (type 7) rule:
// with x sorted and h = (n−1)p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
// Quantile(x, 0.5) is R's median. It does not modify x; it panics for an
// empty x or p outside [0, 1] (programming errors).
func Quantile(x []float64, p float64) float64 {
	if len(x) == 0 || !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("survival: quantile %v of %d values", p, len(x)))
	}
	return quantileSorted(slices.Sorted(slices.Values(x)), p)
}

// quantileSorted is Quantile of sorted values.
func quantileSorted(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// EventTimeQuantiles returns the p-quantiles of the observed event times
// with R's type-1 rule (the inverse empirical distribution: always an
// observed event time), the evaluation horizons the project uses for AUC(t),
// Brier and calibration. Returns ErrAllCensored when there is no event.
func EventTimeQuantiles(o Outcomes, probs ...float64) ([]float64, error) {
	var ev []float64
	for i, t := range o.Time {
		if o.Event[i] {
			ev = append(ev, t)
		}
	}
	if len(ev) == 0 {
		return nil, ErrAllCensored
	}
	slices.Sort(ev)
	out := make([]float64, len(probs))
	for k, p := range probs {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("%w: quantile probability %v", ErrInvalidArgument, p)
		}
		out[k] = ev[max(0, int(math.Ceil(p*float64(len(ev))))-1)]
	}
	return out, nil
}
