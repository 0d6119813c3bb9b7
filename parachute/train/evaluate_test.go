// SPDX-License-Identifier: Apache-2.0

package train_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/testutil"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// givenRisks is a stand-in model: it returns each patient's given risk and
// ignores features and masks.
type givenRisks map[string]float64

func (g givenRisks) Predict(patients []*data.Patient, _ []train.Masking) ([]float64, error) {
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
			ev, err := train.Evaluate(model, 0, c, 0, train.EvalConfig{Repeats: 1, CalibrationBins: ref.CalibrationBins})
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

// maskCounter is a stand-in model that counts, call by call, the patients
// whose masks drop a modality: what the model was really given.
type maskCounter struct{ dropped []int }

func (m *maskCounter) Predict(patients []*data.Patient, masks []train.Masking) ([]float64, error) {
	n := 0
	for _, k := range masks {
		if k.DropPathology || k.DropRadiology {
			n++
		}
	}
	m.dropped = append(m.dropped, n)
	out := make([]float64, len(patients))
	for i := range out {
		out[i] = float64(i % 7)
	}
	return out, nil
}

// The masked counts a scenario reports are the masks the model was given:
// the stand-in model counts them call by call. At p_miss 0.9 nearly every
// eligible patient is masked; a patient with one modality never is.
func TestEvaluateReportsTheMasksTheModelGot(t *testing.T) {
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := &maskCounter{}
	ev, err := train.Evaluate(m, 0.9, c, 0, train.EvalConfig{Repeats: 4, CalibrationBins: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	eligible := 0
	for _, i := range c.Folds[0].Test {
		if c.Patients[i].HasPathology() && c.Patients[i].HasRadiology() {
			eligible++
		}
	}
	// Calls: training predictions, then per scenario its repeats in order.
	calls := m.dropped[1:]
	for _, sc := range ev.Scenarios {
		if sc.Eligible != eligible {
			t.Errorf("%s: eligible %d, want %d", sc.Scenario, sc.Eligible, eligible)
		}
		if sc.Scenario == train.ScenarioFull {
			if sc.Masked != nil || calls[0] != 0 {
				t.Errorf("full: masked %v, the model got %d masks", sc.Masked, calls[0])
			}
			calls = calls[1:]
			continue
		}
		got := calls[:sc.Repeats]
		calls = calls[sc.Repeats:]
		for r := range got {
			if sc.Masked[r] != got[r] {
				t.Errorf("%s repeat %d: reports %d masked, the model got %d", sc.Scenario, r, sc.Masked[r], got[r])
			}
			if got[r] < eligible/2 {
				t.Errorf("%s repeat %d: %d of %d eligible masked at p_miss 0.9", sc.Scenario, r, got[r], eligible)
			}
		}
		if summary := sc.MaskedSummary(); !strings.Contains(summary, fmt.Sprintf("of %d eligible", eligible)) {
			t.Errorf("%s: summary %q", sc.Scenario, summary)
		}
	}
	none := train.ScenarioResult{Scenario: train.ScenarioRadMissing, Eligible: 1, Masked: []int{0, 0, 0}}
	if s := none.MaskedSummary(); !strings.Contains(s, "masked nobody") || !strings.Contains(s, "equals full") {
		t.Errorf("a scenario that masked nobody: %q", s)
	}
}
