// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// ExportPredictions writes an evaluation's predictions with all modalities
// as the CSV files "parachute metrics" reads (layout of [scoring.Table]):
// dir/test.csv (patient, time, event, risk and S_<t> at Metrics.Times) and
// dir/train.csv (patient, time, event, risk). Given the evaluation's times
// and τ, the command then prints the evaluation's metrics; the files are
// written atomically.
func ExportPredictions(ev *train.Evaluation, dir string) error {
	test, train := tablesOf(ev.OutOfFold), tablesOf(ev.Training)
	surv := make([][]float64, len(ev.Metrics.Times))
	for k := range surv {
		surv[k] = make([]float64, len(ev.OutOfFold))
		for i, p := range ev.OutOfFold {
			if len(p.Surv) != len(ev.Metrics.Times) {
				return fmt.Errorf("experiment: patient %s has %d survival predictions for %d times", p.Patient, len(p.Surv), len(ev.Metrics.Times))
			}
			surv[k][i] = p.Surv[k]
		}
	}
	for _, f := range []struct {
		name  string
		p     scoring.Predictions
		times []float64
		surv  [][]float64
	}{{"test.csv", test, ev.Metrics.Times, surv}, {"train.csv", train, nil, nil}} {
		var buf bytes.Buffer
		if err := scoring.WriteCSV(&buf, f.p, f.times, f.surv); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// tablesOf converts predictions to scoring's form.
func tablesOf(preds []train.Prediction) scoring.Predictions {
	var p scoring.Predictions
	for _, q := range preds {
		p.Patients = append(p.Patients, q.Patient)
		p.Outcomes.Time = append(p.Outcomes.Time, q.Time)
		p.Outcomes.Event = append(p.Outcomes.Event, q.Event)
		p.Risk = append(p.Risk, q.Risk)
	}
	return p
}
