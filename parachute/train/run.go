// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// PatientRisk is one patient's prediction in a run file.
type PatientRisk struct {
	Patient string  `json:"patient"`
	Split   string  `json:"split"` // "train" or "test"
	Risk    float64 `json:"risk"`
	Time    float64 `json:"time"`
	Event   bool    `json:"event"`
}

// RunRecord is the result file of one trained fold (run.json).
type RunRecord struct {
	Config TrainConfig `json:"config"`
	// CohortSpec says how to open the cohort again ("parachute evaluate").
	CohortSpec data.CohortSpec `json:"cohort_spec"`
	Cohort     string          `json:"cohort"`
	Synthetic  bool            `json:"synthetic"`
	Fold       int             `json:"fold"`
	Params     int             `json:"params"`
	History    []Epoch         `json:"history"`
	// TestHarrellC is Harrell's C of the test patients' risks (null when
	// undefined).
	TestHarrellC scoring.Number `json:"test_harrell_c"`
	// TrainHarrellC is the same on the training patients, in evaluation mode.
	TrainHarrellC scoring.Number `json:"train_harrell_c"`
	OracleC       *float64       `json:"oracle_c,omitempty"`
	Risks         []PatientRisk  `json:"risks"`
	Seconds       float64        `json:"seconds"`
}

// TrainFold trains fold `fold` (see [Train]) and scores the model on the
// fold's training and test patients in evaluation mode, with all modalities.
func TrainFold(c *data.Cohort, fold int, cfg TrainConfig, opts TrainOptions) (*RunRecord, error) {
	res, err := Train(c, fold, cfg, opts)
	if err != nil {
		return nil, err
	}
	rec := &RunRecord{Config: res.Trainer.Config, Cohort: c.Name, Synthetic: c.Synthetic != nil, Fold: fold,
		Params: res.Trainer.ParameterCount(), History: res.History}
	for _, h := range res.History {
		rec.Seconds += h.Seconds
	}
	if c.Synthetic != nil {
		oc := c.Synthetic.OracleC
		rec.OracleC = &oc
	}
	for _, part := range []struct {
		name string
		idx  []int
		c    *scoring.Number
	}{{"train", c.Folds[fold].Train, &rec.TrainHarrellC}, {"test", c.Folds[fold].Test, &rec.TestHarrellC}} {
		patients := make([]*data.Patient, len(part.idx))
		for k, i := range part.idx {
			patients[k] = &c.Patients[i]
		}
		risks, err := res.Trainer.Predict(patients, nil)
		if err != nil {
			return nil, err
		}
		*part.c = scoring.Number(math.NaN())
		if ci, err := survival.ConcordanceIndex(c.OutcomesOf(part.idx), risks); err == nil {
			*part.c = scoring.Number(ci.Index)
		}
		for k, p := range patients {
			rec.Risks = append(rec.Risks, PatientRisk{Patient: p.ID, Split: part.name, Risk: risks[k], Time: p.Time, Event: p.Event})
		}
	}
	return rec, nil
}

// TrainingPredictions returns the training patients of a run record with
// their outcomes and their risks in evaluation mode (all modalities).
func (r *RunRecord) TrainingPredictions() scoring.Predictions {
	var p scoring.Predictions
	for _, q := range r.Risks {
		if q.Split == "train" {
			p.Patients = append(p.Patients, q.Patient)
			p.Outcomes.Time = append(p.Outcomes.Time, q.Time)
			p.Outcomes.Event = append(p.Outcomes.Event, q.Event)
			p.Risk = append(p.Risk, q.Risk)
		}
	}
	return p
}
