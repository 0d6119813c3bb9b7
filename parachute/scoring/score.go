// SPDX-License-Identifier: Apache-2.0

package scoring

import (
	"errors"
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Predictions are the outcomes of a set of patients and a model's risk for
// each (higher = earlier death).
type Predictions struct {
	// Patients names the patients (optional; used by exports).
	Patients []string
	Outcomes survival.Outcomes
	// Risk is the model's log-risk per patient. A training set may leave it
	// nil: then there is no Breslow baseline and the log-rank split falls back
	// to the test median.
	Risk []float64
}

// Options fix what [Score] evaluates. The zero value follows the package's
// rules for everything.
type Options struct {
	// Times are the evaluation horizons of AUC(t), Brier, calibration and
	// Kaplan–Meier, strictly increasing; nil means [Horizons].
	Times []float64
	// Tau truncates Uno's C (events with T < τ count); 0 means [Tau].
	Tau float64
	// Surv[k][i] is the predicted S(Times[k] | x_i) of test patient i; nil
	// means the Breslow baseline of the training risks.
	Surv [][]float64
	// CalibrationBins is the number of quantile bins of the calibration
	// diagrams (capped at the number of test patients); 0 means none.
	CalibrationBins int
}

// Report is every metric of one test set. Its JSON is the "metrics" object of
// a run's evaluation.json and the output of "parachute metrics".
type Report struct {
	N      int `json:"n"`
	Events int `json:"events"`
	// Censoring says where G was estimated: "train" or "test".
	Censoring string `json:"censoring"`
	HarrellC  Number `json:"harrell_c"`
	UnoC      Number `json:"uno_c"`
	// Tau is the truncation time Uno's C used.
	Tau Number `json:"tau"`
	// Times are the evaluation horizons; AUC, Brier, KM and Calibration are
	// given at them.
	Times   []float64 `json:"times"`
	AUC     []Number  `json:"auc"`
	MeanAUC Number    `json:"mean_auc"`
	Brier   []Number  `json:"brier"`
	IBS     Number    `json:"ibs"`
	// KM is the Kaplan–Meier survival of the test set at the horizons.
	KM          []Number      `json:"km"`
	Calibration []Calibration `json:"calibration"`
	LogRank     LogRank       `json:"logrank"`
	// Errors lists the metrics that are undefined on this test set, and why.
	Errors []string `json:"errors"`
	// NotComputed lists the metrics the inputs give no means to compute
	// (Brier, IBS and calibration need predicted survival: S(t | x), or
	// training risks for a Breslow baseline), and what would.
	NotComputed []string `json:"not_computed,omitempty"`
}

// Calibration is a calibration diagram at one horizon.
type Calibration struct {
	Horizon float64                   `json:"horizon"`
	Bins    []survival.CalibrationBin `json:"bins"`
}

// KMPoint is one step of a Kaplan–Meier curve with its 95 % pointwise limits
// (log scale).
type KMPoint struct {
	Time  float64 `json:"time"`
	Surv  float64 `json:"surv"`
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// LogRank compares the high- and low-risk test patients: risk above the
// threshold is high.
type LogRank struct {
	Threshold float64 `json:"threshold"`
	// ThresholdFrom is "train" (the training median risk) or "test".
	ThresholdFrom string    `json:"threshold_from"`
	High          int       `json:"n_high"`
	Low           int       `json:"n_low"`
	ChiSq         Number    `json:"chisq"`
	DF            int       `json:"df"`
	P             Number    `json:"p"`
	KMHigh        []KMPoint `json:"km_high"`
	KMLow         []KMPoint `json:"km_low"`
}

// Horizons returns the evaluation horizons of a test set scored against a
// training set (nil: the test set is its own reference): the type-1 25, 50
// and 75 % quantiles of the reference's event times that lie in
// [first test event, last test time) and not after the last training time,
// ascending and distinct. The bounds keep the horizons where AUC(t) and the
// Brier score are defined (a case at or before t, a control after it, G
// estimated up to t); the test outcomes choose nothing else. It is empty
// when none qualifies (or either set has no event).
func Horizons(train *survival.Outcomes, test survival.Outcomes) []float64 {
	ref := test
	if train != nil {
		ref = *train
	}
	q, err := survival.EventTimeQuantiles(ref, 0.25, 0.5, 0.75)
	if err != nil {
		return nil
	}
	first, err := survival.EventTimeQuantiles(test, 0)
	if err != nil {
		return nil
	}
	lo, hi, last := first[0], test.MaxTime(), ref.MaxTime()
	var times []float64
	for _, t := range q {
		if t >= lo && t < hi && t <= last && (len(times) == 0 || t > times[len(times)-1]) {
			times = append(times, t)
		}
	}
	return times
}

// Tau returns the truncation time of Uno's C for a test set scored against a
// training set (nil: the test set alone): min(last training time, last test
// time).
func Tau(train *survival.Outcomes, test survival.Outcomes) float64 {
	if train == nil {
		return test.MaxTime()
	}
	return math.Min(train.MaxTime(), test.MaxTime())
}

// Score computes every metric of the test predictions against the training
// set (nil: the test set serves as its own censoring reference, and there is
// no Breslow baseline), with the rules of the package documentation. It
// never fails: an undefined metric is a null Number with its reason in
// Report.Errors. The test set must have risks.
func Score(test Predictions, train *Predictions, opts Options) *Report {
	nan := Number(math.NaN())
	o := test.Outcomes
	r := &Report{N: o.Len(), Events: o.Events(), Censoring: "test", HarrellC: nan, UnoC: nan, Tau: nan,
		MeanAUC: nan, IBS: nan, Errors: []string{}}
	fail := func(what string, err error) { r.Errors = append(r.Errors, fmt.Sprintf("%s: %v", what, err)) }
	var trainO *survival.Outcomes
	if train != nil {
		trainO, r.Censoring = &train.Outcomes, "train"
	}
	if c, err := survival.ConcordanceIndex(o, test.Risk); err == nil {
		r.HarrellC = Number(c.Index)
	} else {
		fail("harrell_c", err)
	}
	ipcw := &survival.IPCWOptions{Train: trainO, Tau: opts.Tau}
	if ipcw.Tau == 0 {
		ipcw.Tau = Tau(trainO, o)
	}
	r.Tau = Number(ipcw.Tau)
	if u, err := survival.ConcordanceIndexIPCW(o, test.Risk, ipcw); err == nil {
		r.UnoC = Number(u.Index)
	} else {
		fail("uno_c", err)
	}
	ipcw.Tau = 0 // the other estimators take no truncation
	r.LogRank = logRank(test, train, func(err error) { fail("logrank", err) })

	r.Times = opts.Times
	if r.Times == nil {
		r.Times = Horizons(trainO, o)
	}
	if len(r.Times) == 0 {
		fail("times", fmt.Errorf("no evaluation horizon: no event-time quartile of the %s set lies within the test follow-up", r.Censoring))
		return r
	}
	r.AUC, r.Brier, r.KM = numbers(len(r.Times)), numbers(len(r.Times)), numbers(len(r.Times))
	if auc, err := survival.CumulativeDynamicAUC(o, test.Risk, r.Times, ipcw); err == nil {
		for k, a := range auc.AUC {
			r.AUC[k] = Number(a)
		}
		r.MeanAUC = Number(auc.Mean)
	} else {
		fail("auc", err)
	}
	if km, err := survival.KaplanMeier(o, nil); err == nil {
		for k, t := range r.Times {
			r.KM[k] = Number(km.At(t))
		}
	} else {
		fail("km", err)
	}
	surv, err := survivalAt(r.Times, test, train, opts.Surv)
	if errors.Is(err, errNoSurvival) {
		r.NotComputed = append(r.NotComputed, "brier, ibs, calibration: "+err.Error())
		return r
	}
	if err != nil {
		fail("brier", err)
		return r
	}
	if brier, err := survival.BrierScore(o, r.Times, surv, ipcw); err == nil {
		for k, b := range brier {
			r.Brier[k] = Number(b)
		}
		if ibs, err := survival.IntegratedBrierScore(r.Times, brier); err == nil {
			r.IBS = Number(ibs)
		} else {
			fail("ibs", err)
		}
	} else {
		fail("brier", err)
	}
	if opts.CalibrationBins > 0 {
		bins := min(opts.CalibrationBins, o.Len())
		for k, t := range r.Times {
			prob := make([]float64, len(surv[k]))
			for i, s := range surv[k] {
				prob[i] = 1 - s
			}
			if cal, err := survival.CalibrationAt(o, prob, t, bins, nil); err == nil {
				r.Calibration = append(r.Calibration, Calibration{Horizon: t, Bins: cal.Bins})
			} else {
				fail(fmt.Sprintf("calibration at %v", t), err)
			}
		}
	}
	return r
}

// errNoSurvival: the inputs hold no predicted survival and no training risks.
var errNoSurvival = errors.New("no predicted survival: give S(t | x) (S_<t> columns) or training risks for a Breslow baseline")

// survivalAt returns the predicted S(times[k] | x_i) of the test patients:
// the given matrix, or the Breslow baseline of the training risks.
func survivalAt(times []float64, test Predictions, train *Predictions, given [][]float64) ([][]float64, error) {
	if given != nil {
		if len(given) != len(times) {
			return nil, fmt.Errorf("%d rows of predicted survival for %d times", len(given), len(times))
		}
		return given, nil
	}
	if train == nil || train.Risk == nil {
		return nil, errNoSurvival
	}
	base, err := survival.BreslowBaseline(train.Outcomes, train.Risk)
	if err != nil {
		return nil, fmt.Errorf("Breslow baseline of the training risks: %w", err)
	}
	return base.SurvivalMatrix(times, test.Risk), nil
}

// logRank splits the test patients at the training median risk (the test
// median without training risks) and compares the groups.
func logRank(test Predictions, train *Predictions, fail func(error)) LogRank {
	nan := Number(math.NaN())
	r := LogRank{ChiSq: nan, P: nan}
	if len(test.Risk) == 0 {
		fail(survival.ErrEmpty)
		return r
	}
	if train != nil && len(train.Risk) > 0 {
		r.Threshold, r.ThresholdFrom = survival.Quantile(train.Risk, 0.5), "train"
	} else {
		r.Threshold, r.ThresholdFrom = survival.Quantile(test.Risk, 0.5), "test"
	}
	groups := make([]int, len(test.Risk))
	var hi, lo []int
	for i, v := range test.Risk {
		if v > r.Threshold {
			groups[i] = 1
			hi = append(hi, i)
		} else {
			lo = append(lo, i)
		}
	}
	r.High, r.Low = len(hi), len(lo)
	o := test.Outcomes
	if lr, err := survival.LogRankTest(o, groups); err == nil {
		r.ChiSq, r.P, r.DF = Number(lr.ChiSq), Number(lr.P), lr.DF
	} else {
		fail(fmt.Errorf("risk above vs at or below %v (%s median): %w", r.Threshold, r.ThresholdFrom, err))
	}
	r.KMHigh, r.KMLow = kmPoints(o.Subset(hi)), kmPoints(o.Subset(lo))
	return r
}

func kmPoints(o survival.Outcomes) []KMPoint {
	if o.Len() == 0 {
		return nil
	}
	km, err := survival.KaplanMeier(o, nil)
	if err != nil {
		return nil
	}
	out := make([]KMPoint, len(km.Time))
	for k := range km.Time {
		out[k] = KMPoint{Time: km.Time[k], Surv: km.Surv[k], Lower: km.Lower[k], Upper: km.Upper[k]}
	}
	return out
}

func numbers(n int) []Number {
	out := make([]Number, n)
	for i := range out {
		out[i] = Number(math.NaN())
	}
	return out
}
