// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// OpenRun reads back a model trained by TrainFold and saved in a run folder
// ("parachute train --out DIR": run.json and checkpoint.gob), ready to
// predict. The model keeps the input widths it was trained with.
func OpenRun(b backends.Backend, dir string) (*train.Trainer, *train.RunRecord, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, nil, err
	}
	var rec train.RunRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, "run.json"), err)
	}
	t, err := train.NewTrainerFromConfig(b, rec.Config)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, "run.json"), err)
	}
	if _, _, err := t.LoadCheckpoint(filepath.Join(dir, "checkpoint.gob")); err != nil {
		return nil, nil, err
	}
	return t, &rec, nil
}

// NewPrediction holds a model's predictions for new patients: the log-risk
// (higher = earlier death) and S(t | x) = exp(−H0(t)·exp(risk)) at Times,
// with H0 the Breslow baseline of the run's training patients (the baseline
// "parachute evaluate" uses). Outcomes are NaN where not known yet.
type NewPrediction struct {
	scoring.Predictions
	Times []float64
	// Surv[k][i] is S(Times[k] | x_i).
	Surv [][]float64
	// InTraining marks the patients the run was trained on (nil until
	// MarkTraining).
	InTraining []bool
}

// DefaultPredictionTimes are the horizons predictions are made at when none
// are asked for: the type-1 25, 50 and 75 % quantiles of the training event
// times, distinct (the horizons of package scoring, which new patients
// without outcomes cannot bound further).
func DefaultPredictionTimes(training survival.Outcomes) ([]float64, error) {
	q, err := survival.EventTimeQuantiles(training, 0.25, 0.5, 0.75)
	if err != nil {
		return nil, err
	}
	return slices.Compact(q), nil
}

// PredictNewPatients predicts for new patients with a model opened by
// [OpenRun]: every patient with all its modalities (an absent modality is
// replaced by the model's missing-modality tokens, as in training), at the
// given times (nil: [DefaultPredictionTimes]). The patients' encoders must
// have the widths the model was trained with.
func PredictNewPatients(t *train.Trainer, rec *train.RunRecord, np *data.NewPatients, times []float64) (*NewPrediction, error) {
	m := t.Config.Model
	if np.Pathology.Width != m.PathologyWidth || np.Radiology.Width != m.RadiologyWidth {
		return nil, fmt.Errorf("experiment: the patients' features are %s (%d) and %s (%d); the model was trained on widths %d and %d",
			np.Pathology.Name, np.Pathology.Width, np.Radiology.Name, np.Radiology.Width, m.PathologyWidth, m.RadiologyWidth)
	}
	training := rec.TrainingPredictions()
	baseline, err := survival.BreslowBaseline(training.Outcomes, training.Risk)
	if err != nil {
		return nil, fmt.Errorf("experiment: the run's training risks give no Breslow baseline: %w", err)
	}
	if times == nil {
		if times, err = DefaultPredictionTimes(training.Outcomes); err != nil {
			return nil, err
		}
	}
	for _, tm := range times {
		if !(tm > 0) || math.IsInf(tm, 0) {
			return nil, fmt.Errorf("experiment: prediction time %v: times must be positive and finite", tm)
		}
	}
	patients := make([]*data.Patient, len(np.Patients))
	for i := range np.Patients {
		patients[i] = &np.Patients[i]
	}
	risk, err := t.Predict(patients, nil)
	if err != nil {
		return nil, err
	}
	p := &NewPrediction{Times: times, Surv: baseline.SurvivalMatrix(times, risk)}
	p.Risk = risk
	for _, q := range patients {
		p.Patients = append(p.Patients, q.ID)
		p.Outcomes.Time = append(p.Outcomes.Time, q.Time)
		p.Outcomes.Event = append(p.Outcomes.Event, q.Event)
	}
	return p, nil
}

// MarkTraining sets InTraining for the patients that are among the run's
// training patients (by patient ID) and returns how many are: predictions
// for them are in-sample, and metrics on them overstate the model.
func (p *NewPrediction) MarkTraining(rec *train.RunRecord) int {
	inTraining := map[string]bool{}
	for _, id := range rec.TrainingPredictions().Patients {
		inTraining[id] = true
	}
	p.InTraining = make([]bool, len(p.Patients))
	n := 0
	for i, id := range p.Patients {
		if inTraining[id] {
			p.InTraining[i] = true
			n++
		}
	}
	return n
}

// CSV returns the predictions in the layout "parachute metrics" reads
// ([scoring.Table]; unknown outcomes as empty cells) with a last column
// in_training once MarkTraining ran (1 for a patient of the run's training
// set; the metrics command ignores it).
func (p *NewPrediction) CSV() ([]byte, error) {
	var buf bytes.Buffer
	var extra []scoring.Column
	if p.InTraining != nil {
		col := scoring.Column{Name: "in_training"}
		for _, in := range p.InTraining {
			cell := "0"
			if in {
				cell = "1"
			}
			col.Cells = append(col.Cells, cell)
		}
		extra = append(extra, col)
	}
	if err := scoring.WriteCSV(&buf, p.Predictions, p.Times, p.Surv, extra...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
