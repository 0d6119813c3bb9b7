// SPDX-License-Identifier: Apache-2.0

package figures_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
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
	opts := figures.Options{Cohorts: []data.CohortSpec{spec}, Profile: train.ProfileSmoke, Root: t.TempDir()}
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
	if len(cal[0].Recalibration) != 3 || cal[0].Recalibration[0].Horizon != cal[0].Curves[0].Horizon {
		t.Errorf("recalibration %+v", cal[0].Recalibration)
	}
	if d := cal[0].DCalibration; d.N != len(c.Patients) || d.DF != figures.DCalibrationBins-1 || !(d.P >= 0 && d.P <= 1) {
		t.Errorf("D-calibration %+v", d)
	}
	if v := cal[0].Verdict(); !strings.Contains(v, "slope") || !strings.Contains(v, "D-calibration") || !strings.Contains(v, "Verdict:") {
		t.Errorf("calibration verdict %q", v)
	}
	if v := p.Verdict(); !strings.Contains(v, "0.60") || !strings.Contains(v, "chance") {
		t.Errorf("AUC verdict %q", v)
	}
}

func TestPoolOutOfFoldRejectsAPatientPredictedTwice(t *testing.T) {
	r := &experiment.RunResult{}
	r.OutOfFold = []train.Prediction{{Patient: "P1", Time: 10, Event: true, Risk: 0.1}}
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

// TestFigure5ComparesOnTheSameUnits runs Figure 5 in the smoke profile on
// one cohort with two optimizers and two seeds: every series has one value
// per fold and seed at every ratio, the comparisons pair them, and the
// verdict names every optimizer compared.
func TestFigure5ComparesOnTheSameUnits(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 64 small models")
	}
	opts := figures.Figure5Options{Options: figures.Options{Cohorts: []data.CohortSpec{{Source: "synth:ucec", Seed: 1}},
		Profile: train.ProfileSmoke, Root: t.TempDir()}, Optimizers: []string{"adamw", "gcs"}, Seeds: []uint64{1, 2}}
	r, err := figures.Figure5(opts)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Panels[0]
	if len(p.Units) != 8 || len(p.Series) != 2 {
		t.Fatalf("%d units, %d series; want 4 folds × 2 seeds, 2 optimizers", len(p.Units), len(p.Series))
	}
	for _, s := range p.Series {
		for k := range s.Ratios {
			if len(s.C[k]) != 8 {
				t.Errorf("%s at %v: %d values", s.Label, s.Ratios[k], len(s.C[k]))
			}
		}
	}
	if len(r.ByRatio) != 4 || r.ByRatio[3].MeanDiff != r.AtHighest[0].MeanDiff || r.ByRatio[3].Ratios[0] != 0.3 {
		t.Errorf("%d comparisons by ratio; the last should be the one at the highest ratio", len(r.ByRatio))
	}
	// Seeds and pooled ratios are averaged within the fold: 4 fold pairs
	// each, too few for a direction; the two tables are one Holm family.
	if len(r.AtHighest) != 1 || r.AtHighest[0].Units != 8 || r.AtHighest[0].Pairs != 4 ||
		len(r.Pooled) != 1 || r.Pooled[0].Units != 24 || r.Pooled[0].Pairs != 4 || r.Pooled[0].Family != 2 {
		t.Errorf("comparisons %+v / %+v", r.AtHighest, r.Pooled)
	}
	if r.Pooled[0].Verdict != stats.TooFewPairs {
		t.Errorf("pooled verdict %q at 4 fold pairs", r.Pooled[0].Verdict)
	}
	if v := r.Verdict(); !strings.Contains(v, "AdamW") || !strings.Contains(v, "GCS") {
		t.Errorf("verdict %q", v)
	}
	if c := r.ClaimsBeside(); !strings.Contains(c, "4.21") || !strings.Contains(c, "Not measured here") {
		t.Errorf("claims %q", c)
	}
	// Table 5 of the same cohort, PARACHUTE variants and seeds reuses every
	// run; by default it also has the linear baselines' rows.
	if v := figures.MethodVariants(); len(v) != len(train.Methods)+1 || v[0].Label != "PARACHUTE (AdamW)" || v[1].Optimizer != "gcs" ||
		v[2].Label != "PARACHUTE (pathology only)" || v[4].Method != "coxph" || v[len(v)-1].Label != "ShaSpec" {
		t.Errorf("method variants %+v", v)
	}
	var progress strings.Builder
	opts.Progress = &progress
	t5, err := figures.Table5(figures.Table5Options{Options: opts.Options, Seeds: opts.Seeds, Methods: figures.MethodVariants()[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(progress.String(), "(cached)"); n != 64 || strings.Contains(progress.String(), "(trained)") {
		t.Errorf("Table 5 trained runs again: %d cached\n%s", n, progress.String())
	}
	if len(t5.Rows) != 2 || t5.Rows[0].Units != 8 || len(t5.Paper) != 18 {
		t.Fatalf("%d rows (%d units), %d paper rows", len(t5.Rows), t5.Rows[0].Units, len(t5.Paper))
	}
	for _, row := range t5.Rows {
		if math.Abs(row.Speed5to30-row.Delta5to30/2.5) > 1e-12 || math.Abs(row.Delta15to30-(row.Avg30-row.Avg15)) > 1e-12 {
			t.Errorf("%s: speeds and deltas disagree: %+v", row.Method, row.Degradation)
		}
	}
	for k := range 3 {
		marked, negative := 0, false
		for _, row := range t5.Rows {
			if row.Steepest[k] {
				marked++
			}
			negative = negative || row.Speeds()[k] < 0
		}
		if negative && marked != 1 || !negative && marked != 0 {
			t.Errorf("speed %d: %d rows marked steepest", k, marked)
		}
	}
}

// TestPaperTable5MarksItsSteepestRows: the printed table's steepest speed
// per cohort, computed from the printed values.
func TestPaperTable5MarksItsSteepestRows(t *testing.T) {
	rows := figures.PaperTable5()
	steepest := map[string][3]string{}
	for _, r := range rows {
		for k, on := range r.Steepest {
			if on {
				s := steepest[r.Cohort]
				s[k] = r.Method
				steepest[r.Cohort] = s
			}
		}
	}
	want := map[string][3]string{
		"CPTAC-PDA":   {"PARACHUTE", "PARACHUTE", "AttentionMOI"},
		"CPTAC-UCEC":  {"ShaSpec", "ShaSpec", "CoxPH"},
		"MMIST-ccRCC": {"CoxPH", "MMD", "DRIM"},
	}
	for c, w := range want {
		if steepest[c] != w {
			t.Errorf("%s: steepest %v, want %v", c, steepest[c], w)
		}
	}
}

// TestFigure7PanelsShareTheirRuns: panels (a) and (b) hold the same series
// as panel (c), the default pair reuses the default cohort's runs, and the
// notes carry the generator's encoder qualities.
func TestFigure7PanelsShareTheirRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 64 small models")
	}
	opts := figures.Figure7Options{Options: figures.Options{Profile: train.ProfileSmoke, Root: t.TempDir()},
		Pathology: []string{"TITAN", "UNI"}, Radiology: []string{"MedImageInsight", "MedSAM2"}}
	r, err := figures.Figure7(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cohorts) != 1 || r.Cohorts[0].Cohort != "synth:ucec" || !r.Synthetic {
		t.Fatalf("cohorts %+v", r.Cohorts)
	}
	c := r.Cohorts[0]
	if len(c.ByRadiology) != 2 || len(c.Pairs.Series) != 4 || len(c.Pairs.Units) != 4 {
		t.Fatalf("%d radiology panels, %d pairs, %d units", len(c.ByRadiology), len(c.Pairs.Series), len(c.Pairs.Units))
	}
	for _, s := range c.ByRadiology[1].Series {
		j := slices.IndexFunc(c.Pairs.Series, func(p figures.Series) bool { return p.Label == s.Label+" + MedSAM2" })
		if j < 0 || !slices.Equal(c.Pairs.Series[j].Mean, s.Mean) {
			t.Errorf("(b) %s is not (c)'s %s + MedSAM2", s.Label, s.Label)
		}
	}
	if r.Pathology[1].Name != "UNI" || r.Pathology[1].Width != 1024 || r.Pathology[1].Signal == 0 || r.Radiology[1].Width != 256 {
		t.Errorf("notes %+v %+v", r.Pathology, r.Radiology)
	}
	if !strings.Contains(r.Summary(), "best pair") {
		t.Errorf("summary %q", r.Summary())
	}
}
