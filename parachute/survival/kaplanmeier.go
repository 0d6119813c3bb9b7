// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ConfType selects the transformation used for pointwise confidence
// intervals of a survival curve, as R's survfit(conf.type = ...).
type ConfType int

const (
	// ConfLog is exp(log S ± z·σ), the upper limit clipped at 1: R's
	// default conf.type = "log".
	ConfLog ConfType = iota
	// ConfLogLog is exp(−exp(log(−log S) ± z·σ/log S)): R's "log-log" and
	// scikit-survival's conf_type = "log-log".
	ConfLogLog
	// ConfPlain is S ± z·σ·S, clipped to [0, 1]: R's "plain".
	ConfPlain
)

// String returns R's name of the transformation.
func (c ConfType) String() string {
	switch c {
	case ConfLog:
		return "log"
	case ConfLogLog:
		return "log-log"
	case ConfPlain:
		return "plain"
	}
	return fmt.Sprintf("ConfType(%d)", int(c))
}

// KMOptions configures [KaplanMeier]. The zero value gives 95 % intervals
// on the log scale, as R's survfit does by default.
type KMOptions struct {
	// ConfLevel is the two-sided level of the pointwise intervals, in (0, 1);
	// 0 means 0.95.
	ConfLevel float64
	// ConfType is the transformation of the intervals; the zero value is ConfLog.
	ConfType ConfType
}

// Curve is a Kaplan–Meier estimate of a survival function, one entry per
// distinct observed time (event or censoring), as R's survfit reports it.
// S is right-continuous: Surv[k] is S(t) for t in [Time[k], Time[k+1]).
type Curve struct {
	Time     []float64 // distinct observed times, ascending
	AtRisk   []int     // subjects with T ≥ Time[k]
	Events   []int     // events observed at Time[k]
	Censored []int     // censorings observed at Time[k]
	Surv     []float64 // S(Time[k])
	// StdErr is Greenwood's standard error of −log S(t),
	// sqrt(Σ_{t_j ≤ t} d_j / (n_j (n_j − d_j))): R's survfit std.err.
	// It is +Inf once S has dropped to 0.
	StdErr    []float64
	Lower     []float64 // lower pointwise confidence limit of S(Time[k])
	Upper     []float64 // upper pointwise confidence limit of S(Time[k])
	ConfLevel float64
	ConfType  ConfType
}

// KaplanMeier estimates the survival function of the outcomes,
//
//	S(t) = Π_{t_j ≤ t} (1 − d_j / n_j),
//
// with d_j events and n_j subjects at risk (T ≥ t_j) at each distinct time
// t_j. Censorings at t_j are at risk at t_j (they are taken to happen just
// after the events). The variance is Greenwood's, and the pointwise limits use
// opts (nil means 95 % on the log scale). Where S(t) = 1 both limits are 1, and
// where S(t) = 0 both limits are 0 (R reports NA there for the log and log-log
// types).
//
// Agrees with R survival 3.5-3 survfit(Surv(time, event) ~ 1) (time, n.risk,
// n.event, n.censor, surv, std.err, lower, upper) to 1e-10; see
// testdata/reference/*.json. Returns the errors of [Outcomes.Validate] and
// ErrInvalidArgument for a level outside (0, 1). Cost: O(n log n).
func KaplanMeier(o Outcomes, opts *KMOptions) (*Curve, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var op KMOptions
	if opts != nil {
		op = *opts
	}
	if op.ConfLevel == 0 {
		op.ConfLevel = 0.95
	}
	if !(op.ConfLevel > 0 && op.ConfLevel < 1) {
		return nil, fmt.Errorf("%w: confidence level %v outside (0, 1)", ErrInvalidArgument, op.ConfLevel)
	}
	tt := tabulate(o)
	k := len(tt.time)
	c := &Curve{
		Time: tt.time, AtRisk: tt.atRisk, Events: tt.events, Censored: tt.censored,
		Surv: make([]float64, k), StdErr: make([]float64, k),
		Lower: make([]float64, k), Upper: make([]float64, k),
		ConfLevel: op.ConfLevel, ConfType: op.ConfType,
	}
	z := distuv.UnitNormal.Quantile(1 - (1-op.ConfLevel)/2)
	s, greenwood := 1.0, 0.0
	for j := range tt.time {
		n, d := float64(tt.atRisk[j]), float64(tt.events[j])
		s *= 1 - d/n
		if d > 0 {
			// n == d makes the term infinite: S has reached 0.
			greenwood += d / (n * (n - d))
		}
		c.Surv[j] = s
		c.StdErr[j] = math.Sqrt(greenwood)
		c.Lower[j], c.Upper[j] = confidenceLimits(s, c.StdErr[j], z, op.ConfType)
	}
	return c, nil
}

// confidenceLimits returns the pointwise limits of S with standard error se
// of −log S and normal quantile z.
func confidenceLimits(s, se, z float64, ct ConfType) (lo, hi float64) {
	switch {
	case s <= 0:
		return 0, 0
	case s >= 1:
		return 1, 1
	}
	switch ct {
	case ConfLogLog:
		ls := math.Log(s)
		// z·σ/log S < 0, so subtracting it lowers S.
		lo = math.Exp(-math.Exp(math.Log(-ls) - z*se/ls))
		hi = math.Exp(-math.Exp(math.Log(-ls) + z*se/ls))
	case ConfPlain:
		lo = math.Max(0, s-z*se*s)
		hi = math.Min(1, s+z*se*s)
	default:
		lo = s * math.Exp(-z*se)
		hi = math.Min(1, s*math.Exp(z*se))
	}
	return lo, hi
}

// At returns S(t): 1 before the first observed time and the last value of the
// curve after the last observed time (the curve is undefined there unless it
// has reached 0; use [Curve.MaxTime] to check).
func (c *Curve) At(t float64) float64 {
	return stepFunction{x: c.Time, y: c.Surv, y0: 1}.at(t)
}

// LowerAt and UpperAt return the confidence limits at t, with the
// conventions of [Curve.At].
func (c *Curve) LowerAt(t float64) float64 {
	return stepFunction{x: c.Time, y: c.Lower, y0: 1}.at(t)
}

// UpperAt returns the upper confidence limit at t; see [Curve.LowerAt].
func (c *Curve) UpperAt(t float64) float64 {
	return stepFunction{x: c.Time, y: c.Upper, y0: 1}.at(t)
}

// MaxTime returns the last observed time of the curve.
func (c *Curve) MaxTime() float64 { return c.Time[len(c.Time)-1] }

// QuantileTime is a quantile of a survival time with its confidence limits.
// A value is NaN where the curve (or its confidence limit) never falls to the
// required level (R reports NA).
type QuantileTime struct {
	Time, Lower, Upper float64
}

// Median returns the median survival time, [Curve.Quantile] at p = 0.5.
func (c *Curve) Median() (QuantileTime, error) { return c.Quantile(0.5) }

// Quantile returns the p-th quantile of the survival time: the first time at
// which S(t) ≤ 1 − p, with R's rule for flat stretches: where S equals 1 − p
// (within √ε) over an interval, the quantile is the midpoint of that interval,
// and if the curve ends at exactly 1 − p, the midpoint between the time it got
// there and the last observed time. The limits apply the same rule to the
// lower confidence curve (for Lower: it falls first) and to the upper one.
//
// Agrees with R survival 3.5-3 quantile(survfit(...), probs = p) to 1e-10.
// Returns ErrInvalidArgument for p outside [0, 1].
func (c *Curve) Quantile(p float64) (QuantileTime, error) {
	if !(p >= 0 && p <= 1) {
		return QuantileTime{}, fmt.Errorf("%w: quantile probability %v outside [0, 1]", ErrInvalidArgument, p)
	}
	return QuantileTime{
		Time:  quantileOf(c.Time, c.Surv, p),
		Lower: quantileOf(c.Time, c.Lower, p),
		Upper: quantileOf(c.Time, c.Upper, p),
	}, nil
}

// quantileOf implements R survival's findq on the curve (0, times) ×
// (0, 1 − surv): the first time the event probability F = 1 − S reaches p,
// with ties of F and p within tol = √ε resolved to interval midpoints.
func quantileOf(times, surv []float64, p float64) float64 {
	const tol = 1.4901161193847656e-08 // sqrt(.Machine$double.eps)
	x := append([]float64{0}, times...)
	f := make([]float64, 1, len(x))
	for _, s := range surv {
		f = append(f, 1-s)
	}
	if f[len(f)-1] < p {
		return math.NaN()
	}
	if p == 0 {
		return x[0]
	}
	xmax := x[len(x)-1]
	// Keep the first time of each distinct value of F (F is non-decreasing).
	xs, fs := x[:1:1], f[:1:1]
	for k := 1; k < len(f); k++ {
		if f[k] != fs[len(fs)-1] {
			xs, fs = append(xs, x[k]), append(fs, f[k])
		}
	}
	// first returns the first index k with fs[k]+shift ≥ p (R's approx with
	// method "constant", f = 1), or -1 when p lies outside the range.
	first := func(shift float64) int {
		if p < fs[0]+shift || p > fs[len(fs)-1]+shift {
			return -1
		}
		for k := range fs {
			if fs[k]+shift >= p {
				return k
			}
		}
		return -1
	}
	i1, i2 := first(tol), first(-tol)
	if math.Abs(p-fs[len(fs)-1]) < tol && i1 >= 0 {
		return (xs[i1] + xmax) / 2
	}
	if i1 < 0 || i2 < 0 {
		return math.NaN()
	}
	return (xs[i1] + xs[i2]) / 2
}
