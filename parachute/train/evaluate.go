// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Predictor scores patients: the log-risk of each (higher = earlier death),
// with the modalities that masks[i] drops removed (masks nil: none dropped).
// A [*Trainer] is one; a method baseline or a stand-in returning given risks
// is another.
type Predictor interface {
	Predict(patients []*data.Patient, masks []Masking) ([]float64, error)
}

// ScenarioResult is a model's Harrell C under one evaluation scenario:
// one value per repeat of fresh masks (one for the full scenario).
type ScenarioResult struct {
	Scenario string           `json:"scenario"`
	Ratio    float64          `json:"ratio"`
	Repeats  int              `json:"repeats"`
	C        []scoring.Number `json:"c"`
	CMean    scoring.Number   `json:"c_mean"`
	CSD      scoring.Number   `json:"c_sd"` // over repeats
	// Eligible counts the scored patients with both modalities, the only
	// ones a scenario masks; Masked counts, per repeat, the patients whose
	// masks dropped a modality (nil for the full scenario, and in results
	// written before it was recorded). A scenario that masked nobody scores
	// the full model again.
	Eligible int   `json:"eligible"`
	Masked   []int `json:"masked,omitempty"`
}

// MaskedPerRepeat returns the mean number of patients masked per repeat and
// the number of repeats that masked nobody; ok is false for the full
// scenario and for results that did not record the counts.
func (r ScenarioResult) MaskedPerRepeat() (mean float64, nobody int, ok bool) {
	if r.Masked == nil || r.Scenario == ScenarioFull {
		return 0, 0, false
	}
	total := 0
	for _, m := range r.Masked {
		total += m
		if m == 0 {
			nobody++
		}
	}
	return float64(total) / float64(max(1, len(r.Masked))), nobody, true
}

// MaskedSummary says how many patients a scenario masked: "full: nothing
// masked", "masked 2.4 of 12 eligible per repeat", and says so when some
// or all repeats masked nobody ("masked nobody (0 of 1 eligible in every
// repeat): equals full"). Results without the counts say "masked: not
// recorded".
func (r ScenarioResult) MaskedSummary() string {
	if r.Scenario == ScenarioFull {
		return "full: nothing masked"
	}
	mean, nobody, ok := r.MaskedPerRepeat()
	switch {
	case !ok:
		return "masked: not recorded (an older result)"
	case nobody == len(r.Masked):
		return fmt.Sprintf("masked nobody (%d eligible; 0 in every repeat): this row equals full", r.Eligible)
	case nobody > 0:
		return fmt.Sprintf("masked %.1f of %d eligible per repeat (nobody in %d of %d repeats)", mean, r.Eligible, nobody, len(r.Masked))
	}
	return fmt.Sprintf("masked %.1f of %d eligible per repeat", mean, r.Eligible)
}

// Prediction is one patient's prediction: the log-risk and, for test
// patients, the predicted survival at the evaluation times.
type Prediction struct {
	Patient string    `json:"patient"`
	Risk    float64   `json:"risk"`
	Time    float64   `json:"time"`
	Event   bool      `json:"event"`
	Surv    []float64 `json:"surv,omitempty"`
}

// Evaluation is everything a trained fold is scored on.
type Evaluation struct {
	TrainHarrellC scoring.Number   `json:"train_harrell_c"`
	Scenarios     []ScenarioResult `json:"scenarios"`
	// Metrics are the fold's test predictions with all modalities, scored
	// against its training predictions by [scoring.Score] (horizons, τ,
	// censoring distribution, Breslow baseline and log-rank threshold from
	// the training fold), with the calibration bins of the evaluation
	// config.
	Metrics scoring.Report `json:"metrics"`
	// OutOfFold are the test patients' predictions with all modalities
	// (pooled for Figures 8 and 9), with S(t | x) at Metrics.Times.
	OutOfFold []Prediction `json:"out_of_fold"`
	// Training are the training patients' predictions with all modalities
	// (evaluation mode): what the training-set rules above were computed on.
	Training []Prediction `json:"training"`
	// TestSet holds the scenarios on the cohort's independent test set, if
	// it has one.
	TestSet []ScenarioResult `json:"test_set,omitempty"`
	// Baseline is the Breslow baseline hazard of the training predictions,
	// for predictions at any horizon; nil when the training fold has no event.
	Baseline *survival.BaselineHazard `json:"baseline"`
}

// PatientsOf returns the cohort's patients at the indices idx (a fold's
// training or test part), in that order.
func PatientsOf(c *data.Cohort, idx []int) []*data.Patient {
	out := make([]*data.Patient, len(idx))
	for k, i := range idx {
		out[k] = &c.Patients[i]
	}
	return out
}

// Evaluate scores a model on fold `fold` of the cohort: the scenarios of its
// training missing ratio pMiss (full only at 0), eval.Repeats seeded masks
// each, the full-modality metrics and the out-of-fold predictions. Only the
// fold's test patients are scored; the training patients serve the Breslow
// baseline, the censoring distribution, the horizons and the median risk
// threshold (see package scoring).
func Evaluate(m Predictor, pMiss float64, c *data.Cohort, fold int, eval EvalConfig) (*Evaluation, error) {
	f := c.Folds[fold]
	train, test := PatientsOf(c, f.Train), PatientsOf(c, f.Test)
	trainO, testO := c.OutcomesOf(f.Train), c.OutcomesOf(f.Test)
	predict := func(patients []*data.Patient, masks []Masking) ([]float64, error) {
		risk, err := m.Predict(patients, masks)
		if err != nil {
			return nil, err
		}
		for i, r := range risk {
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, fmt.Errorf("train: the model predicts a risk of %v for patient %s: no result is written", r, patients[i].ID)
			}
		}
		return risk, nil
	}
	trainRisk, err := predict(train, nil)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{TrainHarrellC: Harrell(trainO, trainRisk)}
	scenarios := func(patients []*data.Patient, o survival.Outcomes) ([]ScenarioResult, []float64, error) {
		var out []ScenarioResult
		var full []float64
		eligible := 0
		for _, p := range patients {
			if p.HasPathology() && p.HasRadiology() {
				eligible++
			}
		}
		for _, sc := range Scenarios(pMiss) {
			r := ScenarioResult{Scenario: sc, Ratio: pMiss, Repeats: eval.Repeats, Eligible: eligible}
			if sc == ScenarioFull {
				r.Ratio, r.Repeats = 0, 1
			} else {
				r.Masked = make([]int, 0, r.Repeats)
			}
			for rep := range r.Repeats {
				var masks []Masking
				if sc != ScenarioFull {
					masks = scenarioMasks(patients, sc, pMiss, eval.Seed, fold, rep)
					r.Masked = append(r.Masked, countMasked(masks))
				}
				risk, err := predict(patients, masks)
				if err != nil {
					return nil, nil, err
				}
				if sc == ScenarioFull {
					full = risk
				}
				r.C = append(r.C, Harrell(o, risk))
			}
			r.CMean, r.CSD = MeanSD(r.C)
			out = append(out, r)
		}
		return out, full, nil
	}
	var testRisk []float64
	if ev.Scenarios, testRisk, err = scenarios(test, testO); err != nil {
		return nil, err
	}
	if len(c.TestSet) > 0 {
		if ev.TestSet, _, err = scenarios(PatientsOf(c, c.TestSet), c.OutcomesOf(c.TestSet)); err != nil {
			return nil, err
		}
	}
	trainP := scoring.Predictions{Outcomes: trainO, Risk: trainRisk}
	ev.Metrics = *scoring.Score(scoring.Predictions{Outcomes: testO, Risk: testRisk}, &trainP,
		scoring.Options{CalibrationBins: eval.CalibrationBins})
	ev.Training = predictions(train, trainRisk)
	ev.OutOfFold = predictions(test, testRisk)
	if b, err := survival.BreslowBaseline(trainO, trainRisk); err == nil {
		ev.Baseline = b
		for k := range ev.OutOfFold {
			for _, tm := range ev.Metrics.Times {
				ev.OutOfFold[k].Surv = append(ev.OutOfFold[k].Surv, b.Survival(tm, testRisk[k]))
			}
		}
	}
	return ev, nil
}

// countMasked counts the masks that drop a modality.
func countMasked(masks []Masking) int {
	n := 0
	for _, m := range masks {
		if m.DropPathology || m.DropRadiology {
			n++
		}
	}
	return n
}

// predictions pairs patients with their risks.
func predictions(patients []*data.Patient, risk []float64) []Prediction {
	out := make([]Prediction, len(patients))
	for k, p := range patients {
		out[k] = Prediction{Patient: p.ID, Risk: risk[k], Time: p.Time, Event: p.Event}
	}
	return out
}

// Harrell is Harrell's C of the risks against the outcomes, NaN when
// undefined (no comparable pair).
func Harrell(o survival.Outcomes, risk []float64) scoring.Number {
	c, err := survival.ConcordanceIndex(o, risk)
	if err != nil {
		return scoring.Number(math.NaN())
	}
	return scoring.Number(c.Index)
}

// meanSD returns the mean and sample SD of the defined values (SD 0 for one).
func MeanSD(xs []scoring.Number) (scoring.Number, scoring.Number) {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(float64(x)) {
			v = append(v, float64(x))
		}
	}
	if len(v) == 0 {
		return scoring.Number(math.NaN()), scoring.Number(math.NaN())
	}
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) == 1 {
		return scoring.Number(mean), 0
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return scoring.Number(mean), scoring.Number(math.Sqrt(ss / float64(len(v)-1)))
}
