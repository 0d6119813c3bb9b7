// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"
	"math"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// ScenarioResult is a model's Harrell C under one evaluation scenario:
// one value per repeat of fresh masks (one for the full scenario).
type ScenarioResult struct {
	Scenario string   `json:"scenario"`
	Ratio    float64  `json:"ratio"`
	Repeats  int      `json:"repeats"`
	C        []Number `json:"c"`
	CMean    Number   `json:"c_mean"`
	CSD      Number   `json:"c_sd"` // over repeats
}

// KMPoint is one step of a Kaplan–Meier curve.
type KMPoint struct {
	Time  float64 `json:"time"`
	Surv  float64 `json:"surv"`
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// LogRankResult compares high- and low-risk test patients split at the
// training median risk.
type LogRankResult struct {
	Threshold float64   `json:"threshold"`
	High      int       `json:"n_high"`
	Low       int       `json:"n_low"`
	ChiSq     Number    `json:"chisq"`
	P         Number    `json:"p"`
	KMHigh    []KMPoint `json:"km_high"`
	KMLow     []KMPoint `json:"km_low"`
}

// CalibrationResult is a calibration diagram at one horizon.
type CalibrationResult struct {
	Horizon float64                   `json:"horizon"`
	Bins    []survival.CalibrationBin `json:"bins"`
}

// Metrics are the metrics of a fold's test predictions with all modalities.
// Times are the cohort's event-time quartiles that lie within the test
// follow-up; S(t | x) comes from the Breslow baseline of the training
// predictions; IPCW uses the censoring distribution of the training fold.
type Metrics struct {
	HarrellC    Number              `json:"harrell_c"`
	UnoC        Number              `json:"uno_c"`
	Times       []float64           `json:"times"`
	AUC         []Number            `json:"auc"`
	MeanAUC     Number              `json:"mean_auc"`
	Brier       []Number            `json:"brier"`
	IBS         Number              `json:"ibs"`
	Calibration []CalibrationResult `json:"calibration"`
	LogRank     LogRankResult       `json:"logrank"`
	// Errors lists the metrics that are undefined on this fold, and why.
	Errors []string `json:"errors"`
}

// Prediction is one patient's out-of-fold prediction (pooled for Figures 8
// and 9): the log-risk and the predicted survival at Metrics.Times.
type Prediction struct {
	Patient string    `json:"patient"`
	Risk    float64   `json:"risk"`
	Time    float64   `json:"time"`
	Event   bool      `json:"event"`
	Surv    []float64 `json:"surv"`
}

// Evaluation is everything a trained fold is scored on.
type Evaluation struct {
	TrainHarrellC Number           `json:"train_harrell_c"`
	Scenarios     []ScenarioResult `json:"scenarios"`
	Metrics       Metrics          `json:"metrics"`
	OutOfFold     []Prediction     `json:"out_of_fold"`
	// TestSet holds the scenarios on the cohort's independent test set, if
	// it has one.
	TestSet []ScenarioResult `json:"test_set,omitempty"`
	// Baseline is the Breslow cumulative hazard H0 of the training
	// predictions (S(t | η) = exp(−H0(t) e^η)), for predictions at any horizon.
	Baseline Baseline `json:"baseline"`
}

// Baseline is a Breslow baseline cumulative hazard at its event times.
type Baseline struct {
	Time      []float64 `json:"time"`
	CumHazard []float64 `json:"cum_hazard"`
}

// Survival returns exp(−H0(t) e^risk), H0 right-continuous.
func (b Baseline) Survival(t, risk float64) float64 {
	h := 0.0
	for k, tk := range b.Time {
		if tk > t {
			break
		}
		h = b.CumHazard[k]
	}
	return math.Exp(-h * math.Exp(risk))
}

func patientsOf(c *data.Cohort, idx []int) []*data.Patient {
	out := make([]*data.Patient, len(idx))
	for k, i := range idx {
		out[k] = &c.Patients[i]
	}
	return out
}

// Evaluate scores a trained model on fold `fold`: the scenarios of its
// training p_miss with eval.Repeats seeded masks each, the full-modality
// metrics and the out-of-fold predictions. Only the fold's test patients are
// scored; the training patients serve the Breslow baseline, the censoring
// distribution and the median risk threshold.
func Evaluate(t *Trainer, c *data.Cohort, fold int, eval EvalConfig) (*Evaluation, error) {
	f := c.Folds[fold]
	train, test := patientsOf(c, f.Train), patientsOf(c, f.Test)
	trainO, testO := c.OutcomesOf(f.Train), c.OutcomesOf(f.Test)
	trainRisk, err := t.Predict(train, nil)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{TrainHarrellC: harrell(trainO, trainRisk)}
	pMiss := t.Config.PMiss
	scenarios := func(patients []*data.Patient, o survival.Outcomes) ([]ScenarioResult, []float64, error) {
		var out []ScenarioResult
		var full []float64
		for _, sc := range Scenarios(pMiss) {
			r := ScenarioResult{Scenario: sc, Ratio: pMiss, Repeats: eval.Repeats}
			if sc == ScenarioFull {
				r.Ratio, r.Repeats = 0, 1
			}
			for rep := range r.Repeats {
				var masks []Masking
				if sc != ScenarioFull {
					masks = scenarioMasks(patients, sc, pMiss, eval.Seed, fold, rep)
				}
				risk, err := t.Predict(patients, masks)
				if err != nil {
					return nil, nil, err
				}
				if sc == ScenarioFull {
					full = risk
				}
				r.C = append(r.C, harrell(o, risk))
			}
			r.CMean, r.CSD = meanSD(r.C)
			out = append(out, r)
		}
		return out, full, nil
	}
	var testRisk []float64
	if ev.Scenarios, testRisk, err = scenarios(test, testO); err != nil {
		return nil, err
	}
	if len(c.TestSet) > 0 {
		if ev.TestSet, _, err = scenarios(patientsOf(c, c.TestSet), c.OutcomesOf(c.TestSet)); err != nil {
			return nil, err
		}
	}
	ev.Metrics = fullMetrics(c, trainO, trainRisk, testO, testRisk, eval)
	for k, p := range test {
		pred := Prediction{Patient: p.ID, Risk: testRisk[k], Time: p.Time, Event: p.Event}
		ev.OutOfFold = append(ev.OutOfFold, pred)
	}
	if b, err := survival.BreslowBaseline(trainO, trainRisk); err == nil {
		ev.Baseline = Baseline{Time: b.Time, CumHazard: b.Values()}
		for k := range ev.OutOfFold {
			for _, tm := range ev.Metrics.Times {
				ev.OutOfFold[k].Surv = append(ev.OutOfFold[k].Surv, b.Survival(tm, testRisk[k]))
			}
		}
	}
	return ev, nil
}

// fullMetrics computes Metrics; an undefined metric is null with its reason
// in Errors.
func fullMetrics(c *data.Cohort, trainO survival.Outcomes, trainRisk []float64, testO survival.Outcomes, testRisk []float64, eval EvalConfig) Metrics {
	nan := Number(math.NaN())
	m := Metrics{HarrellC: harrell(testO, testRisk), UnoC: nan, MeanAUC: nan, IBS: nan, Errors: []string{}}
	fail := func(what string, err error) { m.Errors = append(m.Errors, fmt.Sprintf("%s: %v", what, err)) }
	ipcw := &survival.IPCWOptions{Train: &trainO}
	// Uno's C truncated at the last test time the training censoring covers.
	tau := math.Min(slices.Max(trainO.Time), slices.Max(testO.Time))
	ipcw.Tau = tau
	if u, err := survival.ConcordanceIndexIPCW(testO, testRisk, ipcw); err == nil {
		m.UnoC = Number(u.Index)
	} else {
		fail("uno_c", err)
	}
	ipcw.Tau = 0
	m.Times = evaluationTimes(c.Outcomes(), testO, trainO)
	if len(m.Times) == 0 {
		fail("times", fmt.Errorf("no event-time quartile lies within the test follow-up"))
		return m
	}
	if auc, err := survival.CumulativeDynamicAUC(testO, testRisk, m.Times, ipcw); err == nil {
		for _, a := range auc.AUC {
			m.AUC = append(m.AUC, Number(a))
		}
		m.MeanAUC = Number(auc.Mean)
	} else {
		fail("auc", err)
	}
	base, err := survival.BreslowBaseline(trainO, trainRisk)
	if err != nil {
		fail("breslow", err)
		return m
	}
	surv := base.SurvivalMatrix(m.Times, testRisk)
	if brier, err := survival.BrierScore(testO, m.Times, surv, ipcw); err == nil {
		for _, b := range brier {
			m.Brier = append(m.Brier, Number(b))
		}
		if ibs, err := survival.IntegratedBrierScore(m.Times, brier); err == nil {
			m.IBS = Number(ibs)
		}
	} else {
		fail("brier", err)
	}
	for k, tm := range m.Times {
		prob := make([]float64, len(testRisk))
		for i, s := range surv[k] {
			prob[i] = 1 - s
		}
		bins := min(eval.CalibrationBins, testO.Len())
		if cal, err := survival.CalibrationAt(testO, prob, tm, bins, nil); err == nil {
			m.Calibration = append(m.Calibration, CalibrationResult{Horizon: tm, Bins: cal.Bins})
		} else {
			fail(fmt.Sprintf("calibration at %v", tm), err)
		}
	}
	m.LogRank = logRankAtTrainingMedian(trainRisk, testO, testRisk, func(err error) { fail("logrank", err) })
	return m
}

// evaluationTimes returns the cohort's event-time quartiles (type 1) that lie
// in [min, max) of the test times and within the training follow-up.
func evaluationTimes(all, test, train survival.Outcomes) []float64 {
	q, err := survival.EventTimeQuantiles(all, 0.25, 0.5, 0.75)
	if err != nil {
		return nil
	}
	lo, hi := slices.Min(test.Time), slices.Max(test.Time)
	var times []float64
	for _, t := range q {
		if t >= lo && t < hi && t <= slices.Max(train.Time) && (len(times) == 0 || t > times[len(times)-1]) {
			times = append(times, t)
		}
	}
	return times
}

func logRankAtTrainingMedian(trainRisk []float64, testO survival.Outcomes, testRisk []float64, fail func(error)) LogRankResult {
	r := LogRankResult{Threshold: survival.Quantile(trainRisk, 0.5), ChiSq: Number(math.NaN()), P: Number(math.NaN())}
	groups := make([]int, len(testRisk))
	var hi, lo []int
	for i, v := range testRisk {
		if v > r.Threshold {
			groups[i] = 1
			hi = append(hi, i)
		} else {
			lo = append(lo, i)
		}
	}
	r.High, r.Low = len(hi), len(lo)
	if lr, err := survival.LogRankTest(testO, groups); err == nil {
		r.ChiSq, r.P = Number(lr.ChiSq), Number(lr.P)
	} else {
		fail(err)
	}
	r.KMHigh, r.KMLow = kmPoints(testO.Subset(hi)), kmPoints(testO.Subset(lo))
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

func harrell(o survival.Outcomes, risk []float64) Number {
	c, err := survival.ConcordanceIndex(o, risk)
	if err != nil {
		return Number(math.NaN())
	}
	return Number(c.Index)
}

// meanSD returns the mean and sample SD of the defined values (SD 0 for one).
func meanSD(xs []Number) (Number, Number) {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(float64(x)) {
			v = append(v, float64(x))
		}
	}
	if len(v) == 0 {
		return Number(math.NaN()), Number(math.NaN())
	}
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) == 1 {
		return Number(mean), 0
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return Number(mean), Number(math.Sqrt(ss / float64(len(v)-1)))
}
