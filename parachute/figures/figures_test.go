// SPDX-License-Identifier: Apache-2.0

package figures_test

import (
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Figures 8 and 9 pool each patient's out-of-fold prediction exactly once,
// and their statistics are well formed: AUC(t) inside its bootstrap band,
// calibration bins that hold every patient at each horizon. The smoke
// profile trains in seconds; the second call reuses the cached runs.
func TestFigure8And9PoolOutOfFoldPredictions(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five small models")
	}
	spec := data.CohortSpec{Source: "synth:pda", Seed: 1}
	opts := figures.Options{Cohorts: []data.CohortSpec{spec}, Profile: experiment.ProfileSmoke, Root: t.TempDir()}
	about, err := opts.Describe()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(about, "synthetic cohorts") || !strings.Contains(about, "profile: smoke") {
		t.Errorf("description %q does not say the data and profile", about)
	}
	auc, err := figures.Figure8(opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := auc[0]
	if p.Patients != len(c.Patients) || p.Events != c.Events() {
		t.Errorf("pooled %d patients, %d events; the cohort has %d, %d", p.Patients, p.Events, len(c.Patients), c.Events())
	}
	if len(p.Times) < 6 {
		t.Errorf("AUC at only %d times", len(p.Times))
	}
	for k := range p.Times {
		if p.AUC[k] < 0 || p.AUC[k] > 1 || p.Lower[k] > p.AUC[k]+1e-9 || p.Upper[k] < p.AUC[k]-1e-9 {
			t.Errorf("t = %v: AUC %.3f outside [0, 1] or its band [%.3f, %.3f]", p.Times[k], p.AUC[k], p.Lower[k], p.Upper[k])
		}
	}
	cal, err := figures.Figure9(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(cal[0].Curves) != 3 {
		t.Fatalf("%d calibration horizons, want the three event-time quartiles", len(cal[0].Curves))
	}
	for _, curve := range cal[0].Curves {
		n := 0
		for _, b := range curve.Bins {
			n += b.N
			if b.Predicted < 0 || b.Predicted > 1 {
				t.Errorf("t = %v: mean prediction %v", curve.Horizon, b.Predicted)
			}
		}
		if n != len(c.Patients) {
			t.Errorf("t = %v: bins hold %d patients, want %d", curve.Horizon, n, len(c.Patients))
		}
	}
}

func TestPoolOutOfFoldRejectsAPatientPredictedTwice(t *testing.T) {
	r := &experiment.RunResult{}
	r.OutOfFold = []experiment.Prediction{{Patient: "P1", Time: 10, Event: true, Risk: 0.1}}
	b, err := survival.BreslowBaseline(survival.Outcomes{Time: []float64{5}, Event: []bool{true}}, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	r.Baseline = b
	if _, err := figures.PoolOutOfFold([]*experiment.RunResult{r, r}); err == nil || !strings.Contains(err.Error(), "P1") {
		t.Errorf("error %v, want one naming P1", err)
	}
}

func TestTable4MatchesThePresets(t *testing.T) {
	rows, err := figures.Table4(1)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		want := figures.PaperTable4[i]
		if !strings.HasPrefix(r.Cohort, want.Cohort) || r.Patients == 0 || r.Folds == 0 {
			t.Errorf("row %d: %+v", i, r)
		}
	}
}
