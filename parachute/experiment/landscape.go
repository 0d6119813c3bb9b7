// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/hvp"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TrainedRun is a trained model with the data of its fold, opened for
// analysis.
type TrainedRun struct {
	Trainer *train.Trainer
	Cohort  *data.Cohort
	Fold    int
	// Source says where the model came from.
	Source string
}

// TrainingPatients returns the fold's training patients.
func (r *TrainedRun) TrainingPatients() []*data.Patient {
	return train.PatientsOf(r.Cohort, r.Cohort.Folds[r.Fold].Train)
}

// reproduceTolerance bounds the difference between a retrained run's risks
// and the cached ones: training is deterministic, so on the backend that
// wrote the cache they are equal bit for bit; another backend computes the
// same float32 arithmetic in another order.
const reproduceTolerance = 1e-4

// OpenTrainedRun opens a trained network for analysis: path is a folder
// written by "parachute train" (run.json and checkpoint.gob), or a result
// file of the protocol cache (<cache>/runs/<hash>.json), which keeps no
// weights: its run is retrained from its configuration (deterministic: the
// same seed gives the same model) and its test risks are checked against the
// cached ones. Linear baselines have no Hessian to analyse.
func OpenTrainedRun(b backends.Backend, path string, progress io.Writer) (*TrainedRun, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		t, rec, err := OpenRun(b, path)
		if err != nil {
			return nil, err
		}
		c, err := data.Open(rec.CohortSpec)
		if err != nil {
			return nil, fmt.Errorf("%s: the run's cohort: %w", path, err)
		}
		if rec.Fold >= len(c.Folds) {
			return nil, fmt.Errorf("%s: fold %d of a cohort with %d folds", path, rec.Fold, len(c.Folds))
		}
		return &TrainedRun{Trainer: t, Cohort: c, Fold: rec.Fold, Source: path}, nil
	}
	r, err := ReadResult(path)
	if err != nil {
		return nil, err
	}
	if r.Hash == "" || r.Hash != r.Config.Hash() {
		return nil, fmt.Errorf("%s: not a run of the protocol cache (hash %q, configuration %s)", path, r.Hash, r.Config.Hash())
	}
	if train.IsLinear(r.Config.Method) {
		return nil, fmt.Errorf("%s: method %s is a linear baseline; the landscape needs a trained network", path, r.Config.Method)
	}
	c, err := data.Open(r.Config.Cohort)
	if err != nil {
		return nil, fmt.Errorf("%s: the run's cohort: %w", path, err)
	}
	res, err := train.Train(c, r.Config.Fold, r.Config.Train, train.TrainOptions{Backend: b, Progress: progress})
	if err != nil {
		return nil, fmt.Errorf("%s: retraining: %w", path, err)
	}
	test := train.PatientsOf(c, c.Folds[r.Config.Fold].Test)
	risks, err := res.Trainer.Predict(test, nil)
	if err != nil {
		return nil, err
	}
	if len(risks) != len(r.OutOfFold) {
		return nil, fmt.Errorf("%s: %d cached test predictions, %d test patients", path, len(r.OutOfFold), len(risks))
	}
	for k, p := range r.OutOfFold {
		if p.Patient != test[k].ID || math.Abs(p.Risk-risks[k]) > reproduceTolerance*(1+math.Abs(p.Risk)) {
			return nil, fmt.Errorf("%s: the retrained model does not reproduce the cached run: patient %s risk %v, cached %s %v",
				path, test[k].ID, risks[k], p.Patient, p.Risk)
		}
	}
	return &TrainedRun{Trainer: res.Trainer, Cohort: c, Fold: r.Config.Fold, Source: path + " (retrained, test risks reproduced)"}, nil
}

// Landscape analyses a trained run's Cox loss over its training patients
// (all modalities, evaluation mode; see [Objective]) with landscape.Analyze.
func Landscape(run *TrainedRun, opts landscape.Options) (*landscape.Result, error) {
	obj, err := run.Trainer.Objective(run.TrainingPatients())
	if err != nil {
		return nil, err
	}
	f, err := hvp.NewLossFunction(obj)
	if err != nil {
		return nil, err
	}
	opts.Theta, opts.Blocks = f.Theta(), f.Blocks()
	return landscape.Analyze(f, opts)
}

// WriteLandscape writes a result as landscape.json under dir (atomically).
func WriteLandscape(dir string, r *landscape.Result) error {
	return WriteJSON(filepath.Join(dir, "landscape.json"), r)
}
