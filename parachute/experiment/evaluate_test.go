// SPDX-License-Identifier: Apache-2.0

package experiment_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// givenRisks is a stand-in model: it returns each patient's given risk and
// ignores features and masks.
type givenRisks map[string]float64

func (g givenRisks) Predict(patients []*data.Patient, _ []experiment.Masking) ([]float64, error) {
	out := make([]float64, len(patients))
	for i, p := range patients {
		r, ok := g[p.ID]
		if !ok {
			return nil, fmt.Errorf("no risk for patient %s", p.ID)
		}
		out[i] = r
	}
	return out, nil
}

// TestEvaluateScoresLikeR feeds R's reference predictions through the
// protocol's scoring with a stand-in model and compares every metric with R
// (parachute/scoring/testdata: G, horizons, τ, Breslow baseline and log-rank
// threshold from the training fold). Estimating G on the test fold, splitting
// the log-rank groups at the test median or taking the horizons from the test
// fold each fails this test (make mutants plants them).
func TestEvaluateScoresLikeR(t *testing.T) {
	for _, name := range testutil.ScoringDatasets {
		t.Run(name, func(t *testing.T) {
			ref := testutil.LoadScoringReference(t, filepath.Join("..", "scoring"), name)
			c := &data.Cohort{Name: name}
			model := givenRisks{}
			for i := range ref.Time {
				id := fmt.Sprintf("%s-%03d", name, i)
				c.Patients = append(c.Patients, data.Patient{ID: id, Time: ref.Time[i], Event: ref.Event[i]})
				model[id] = ref.Risk[i]
			}
			c.Folds = []data.Fold{{Name: "split", Train: ref.TrainRows, Test: ref.TestRows}}
			ev, err := experiment.Evaluate(model, 0, c, 0, experiment.EvalConfig{Repeats: 1, CalibrationBins: ref.CalibrationBins})
			if err != nil {
				t.Fatal(err)
			}
			testutil.CheckScoringReport(t, &ev.Metrics, ref)
			// The out-of-fold survival predictions come from the training
			// fold's Breslow baseline: R's survfit at a fixed coefficient.
			for k := range ref.Expected.Times {
				for i, p := range ev.OutOfFold {
					testutil.CheckClose(t, "S(t | x)", p.Surv[k], ref.Expected.Surv[k][i], testutil.SameEstimator)
				}
			}
			if len(ev.Training) != len(ref.TrainRows) || ev.Baseline == nil {
				t.Errorf("%d training predictions for %d training patients; baseline %v", len(ev.Training), len(ref.TrainRows), ev.Baseline)
			}
		})
	}
}
