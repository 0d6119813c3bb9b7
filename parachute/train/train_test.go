// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// tinyConfig trains in about a second on the synthetic ucec cohort.
func tinyConfig(t *testing.T) TrainConfig {
	t.Helper()
	cfg, err := Profile(ProfileQuick)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Model.Dim, cfg.Model.Inter, cfg.Model.FFN, cfg.Model.Hazard, cfg.Model.TopK = 8, 8, 8, 8, 2
	cfg.Model.Slices, cfg.Model.MaxSlides, cfg.Model.MaxSeries = 4, 4, 1
	cfg.Epochs, cfg.BatchSize, cfg.Seed = 4, 8, 1
	cfg.Schedule.TMax = 4
	return cfg
}

func ucec(t *testing.T) *data.Cohort {
	t.Helper()
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1, MinSlices: 4, MaxSlices: 6})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testRisks(t *testing.T, res *TrainResult, c *data.Cohort) []float64 {
	t.Helper()
	var test []*data.Patient
	for _, i := range c.Folds[0].Test {
		test = append(test, &c.Patients[i])
	}
	r, err := res.Trainer.Predict(test, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTrainingIsDeterministicAndLearns(t *testing.T) {
	c := ucec(t)
	cfg := tinyConfig(t)
	a, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(testRisks(t, a, c), testRisks(t, b, c)) {
		t.Fatal("same seed, different predictions")
	}
	h := a.History
	if len(h) != cfg.Epochs || !(h[len(h)-1].Loss < h[0].Loss) {
		t.Fatalf("loss did not decrease: %+v", h)
	}
	cfg.Seed = 2
	d, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(testRisks(t, a, c), testRisks(t, d, c)) {
		t.Fatal("different seeds, same predictions")
	}
}

// TestResumeIsExact stops a run after two epochs, resumes it from its
// checkpoint in a new trainer, and compares with an uninterrupted run.
func TestResumeIsExact(t *testing.T) {
	c := ucec(t)
	cfg := tinyConfig(t)
	cfg.PMiss = 0.3 // the host random generator matters too
	full, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(t.TempDir(), "ck.gob")
	part, err := Train(c, 0, cfg, TrainOptions{Checkpoint: ck, StopAfter: 2})
	if err != nil || part.Done || len(part.History) != 2 {
		t.Fatalf("first part: %v, done %v, %d epochs", err, part.Done, len(part.History))
	}
	rest, err := Train(c, 0, cfg, TrainOptions{Checkpoint: ck})
	if err != nil {
		t.Fatal(err)
	}
	if !rest.Done || len(rest.History) != cfg.Epochs {
		t.Fatalf("resumed run: done %v, %d epochs", rest.Done, len(rest.History))
	}
	for i := range full.History {
		if full.History[i].Loss != rest.History[i].Loss {
			t.Fatalf("epoch %d loss %v, resumed %v", i, full.History[i].Loss, rest.History[i].Loss)
		}
	}
	if !slices.Equal(testRisks(t, full, c), testRisks(t, rest, c)) {
		t.Fatal("resumed run ends with different weights")
	}
	// A checkpoint of another configuration is refused.
	cfg.Epochs++
	if _, err := Train(c, 0, cfg, TrainOptions{Checkpoint: ck}); err == nil {
		t.Fatal("resumed another configuration without error")
	}
}

func TestCompatInvertedEventsChangesTraining(t *testing.T) {
	c := ucec(t)
	cfg := tinyConfig(t)
	a, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.CompatInvertedEvents = true
	b, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(testRisks(t, a, c), testRisks(t, b, c)) || a.History[0].Loss == b.History[0].Loss {
		t.Fatal("the inverted-event compat option changed nothing")
	}
}

func TestTrainingMaskNeverDropsBoth(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	both := &data.Patient{Slides: []data.Slide{{}}, Series: []data.Series{{}}}
	onlyPath := &data.Patient{Slides: []data.Slide{{}}}
	dropped := 0
	const n = 20000
	for range n {
		m := trainingMask(both, 0.3, rng)
		if m.DropPathology && m.DropRadiology {
			t.Fatal("both modalities dropped")
		}
		if m.DropPathology {
			dropped++
		}
		if m := trainingMask(onlyPath, 0.3, rng); m.DropPathology || m.DropRadiology {
			t.Fatal("a single real modality was dropped")
		}
	}
	// P(drop pathology) = p(1−p) + p²/2 = 0.255 for p = 0.3; 5σ ≈ 0.015.
	if rate := float64(dropped) / n; math.Abs(rate-0.255) > 0.015 {
		t.Fatalf("pathology dropped in %.3f of draws, want 0.255", rate)
	}
}

// ridgeCoxReference is testdata/reference/ridge_cox_pda.json (R glmnet and
// survival, see testdata/gen/ridge_cox.R).
type ridgeCoxReference struct {
	Folds []struct {
		Fold              int     `json:"fold"`
		RidgeCoxC         float64 `json:"ridge_cox_c"`
		OracleC           float64 `json:"oracle_c"`
		ObservableOracleC float64 `json:"observable_oracle_c"`
	} `json:"folds"`
	RidgeCoxMeanC float64 `json:"ridge_cox_mean_c"`
	Latent        struct {
		OracleMeanC float64 `json:"oracle_mean_c"`
		FittedMeanC float64 `json:"fitted_mean_c"`
		GapMean     float64 `json:"gap_mean"`
		ShareOver10 float64 `json:"share_gap_over_0.10"`
	} `json:"latent_cox_simulation"`
}

// quickVersusRidgeCox is how far the quick profile's mean test C may fall
// below the ridge-penalised Cox model of R glmnet on the same folds: about
// one standard error of a five-fold mean C on 96 patients.
const quickVersusRidgeCox = 0.03

// TestQuickProfileOnSyntheticPDA trains the quick profile on the five folds
// of the synthetic pda cohort (seed 1) and compares its mean test-fold
// Harrell C with what can be learnt there:
//   - the ridge-penalised Cox model of R glmnet on the pooled embeddings of
//     the same folds (reference file): the network must come within
//     quickVersusRidgeCox of it;
//   - the observable oracle (the best prediction from the modalities each
//     patient has): within 0.10.
//
// The oracle C of the true log-hazard is logged, not asserted: the
// reference's simulation of the generator shows that a Cox model fitted on
// the true latent factors of 77 training patients lands 0.099 below it on
// average (above 0.10 in 93 of 200 replicates), so the issue's "within 0.10 of
// the oracle" is out of reach of any estimator at this sample size. Go's
// per-fold oracle and observable C must equal R's.
func TestQuickProfileOnSyntheticPDA(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five folds (about 20 seconds)")
	}
	var ref ridgeCoxReference
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "ridge_cox_pda.json"), &ref)
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Folds) != len(c.Folds) {
		t.Fatalf("reference has %d folds, the cohort %d", len(ref.Folds), len(c.Folds))
	}
	cfg, _ := Profile(ProfileQuick)
	cfg.Seed = 1
	var model, oracle, observable float64
	for fold := range c.Folds {
		rec, err := TrainFold(c, fold, cfg, TrainOptions{})
		if err != nil {
			t.Fatal(err)
		}
		test := c.Folds[fold].Test
		pick := func(x []float64) []float64 {
			out := make([]float64, len(test))
			for k, i := range test {
				out[k] = x[i]
			}
			return out
		}
		o, _ := survival.ConcordanceIndex(c.OutcomesOf(test), pick(c.Synthetic.LogHazard))
		ob, _ := survival.ConcordanceIndex(c.OutcomesOf(test), pick(c.Synthetic.ObservableLogHazard))
		r := ref.Folds[fold]
		if math.Abs(o.Index-r.OracleC) > testutil.ReferenceInput || math.Abs(ob.Index-r.ObservableOracleC) > testutil.ReferenceInput {
			t.Errorf("fold %d: oracle C %v, observable %v; R says %v, %v", fold, o.Index, ob.Index, r.OracleC, r.ObservableOracleC)
		}
		model += float64(rec.TestHarrellC) / 5
		oracle += o.Index / 5
		observable += ob.Index / 5
		t.Logf("fold %d: test C %.3f (ridge-Cox %.3f, oracle %.3f, observable %.3f), %.1f s",
			fold, rec.TestHarrellC, r.RidgeCoxC, o.Index, ob.Index, rec.Seconds)
	}
	t.Logf("mean test C %.3f; ridge-Cox (glmnet) %.3f; observable oracle %.3f (gap %.3f); oracle %.3f (gap %.3f)",
		model, ref.RidgeCoxMeanC, observable, observable-model, oracle, oracle-model)
	t.Logf("simulated Cox on the true latent factors: %.3f vs oracle %.3f (gap %.3f, over 0.10 in %.1f %% of replicates)",
		ref.Latent.FittedMeanC, ref.Latent.OracleMeanC, ref.Latent.GapMean, 100*ref.Latent.ShareOver10)
	if model < ref.RidgeCoxMeanC-quickVersusRidgeCox {
		t.Errorf("mean test C %.3f is more than %.2f below glmnet's ridge-Cox %.3f on the same folds", model, quickVersusRidgeCox, ref.RidgeCoxMeanC)
	}
	if observable-model > 0.10 {
		t.Errorf("mean test C %.3f is more than 0.10 below the observable oracle %.3f", model, observable)
	}
}

// TestEveryOptimizerTrainsAndGCSReportsDiagnostics runs each training step
// for a few epochs with masking and checks the history.
func TestEveryOptimizerTrainsAndGCSReportsDiagnostics(t *testing.T) {
	c := ucec(t)
	for _, name := range optim.Optimizers() {
		cfg := tinyConfig(t)
		cfg.Optimizer, cfg.PMiss, cfg.Epochs = name, 0.3, 2
		res, err := Train(c, 0, cfg, TrainOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := res.History[len(res.History)-1]
		if math.IsNaN(h.Loss) {
			t.Fatalf("%s: NaN loss", name)
		}
		diag := []scoring.Number{h.CurvatureFull, h.CurvatureMissing, h.GradNormFull, h.GradNormMissing, h.Gate}
		for k, d := range diag {
			if defined := !math.IsNaN(float64(d)); defined != (name == "gcs") {
				t.Errorf("%s: diagnostic %d = %v", name, k, d)
			}
		}
		if name == "gcs" && !(h.Gate > 0 && h.Gate < 1 && h.GradNormMissing > 0) {
			t.Errorf("gcs diagnostics %+v", h)
		}
	}
}
