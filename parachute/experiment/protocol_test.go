// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"math"
	"os"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

func tinyRun(t *testing.T, fold int, pMiss float64) RunConfig {
	t.Helper()
	cfg := traintest.TinyConfig(t)
	cfg.PMiss = pMiss
	return RunConfig{Cohort: data.CohortSpec{Source: "synth:ucec", Seed: 1}, Method: train.MethodParachute, Fold: fold,
		Train: cfg, Eval: train.EvalConfig{Repeats: 3, Seed: 5, CalibrationBins: 2}}
}

func TestShardsCoverTheGridOnce(t *testing.T) {
	g := Grid{Cohorts: []data.CohortSpec{{Source: "synth:ucec", Seed: 1}}, Optimizers: []string{"adamw", "gcs"}, Seeds: []uint64{1, 2}}
	runs, err := g.Runs(&CohortCache{})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 * 2 * 2 * len(MissingRatios) * 4; len(runs) != want {
		t.Fatalf("%d runs, want %d", len(runs), want)
	}
	hashes := map[string]int{}
	for _, r := range runs {
		hashes[r.Hash()]++
	}
	if len(hashes) != len(runs) {
		t.Fatalf("%d distinct hashes for %d runs", len(hashes), len(runs))
	}
	for _, n := range []int{1, 3, 7, len(runs), len(runs) + 5} {
		count := map[string]int{}
		for i := range n {
			shard, err := Shard(runs, i, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range shard {
				count[r.Hash()]++
			}
		}
		for h, k := range count {
			if k != 1 {
				t.Fatalf("n = %d: run %s in %d shards", n, h, k)
			}
		}
		if len(count) != len(runs) {
			t.Fatalf("n = %d: shards cover %d of %d runs", n, len(count), len(runs))
		}
	}
	if _, err := Shard(runs, 3, 3); err == nil {
		t.Fatal("shard 3/3 accepted")
	}
}

func TestRunOrLoadCachesAndResumes(t *testing.T) {
	root := t.TempDir()
	cfg := tinyRun(t, 0, 0.15)
	a, cached, err := RunOrLoad(root, cfg, RunOptions{})
	if err != nil || cached {
		t.Fatalf("first call: cached %v, %v", cached, err)
	}
	b, cached, err := RunOrLoad(root, cfg, RunOptions{})
	if err != nil || !cached || b.Hash != a.Hash || b.Metrics.HarrellC != a.Metrics.HarrellC {
		t.Fatalf("second call: cached %v, %v", cached, err)
	}
	if len(a.Scenarios) != 4 || a.Scenarios[1].Repeats != 3 || len(a.OutOfFold) == 0 || len(a.OutOfFold[0].Surv) != len(a.Metrics.Times) {
		t.Fatalf("result %+v", a.Scenarios)
	}
	// Another setting is another run.
	other := cfg
	other.Eval.Repeats = 4
	if other.Hash() == cfg.Hash() {
		t.Fatal("changing repeats kept the hash")
	}
	// A run killed after two epochs resumes from its checkpoint to the
	// result of an uninterrupted run.
	root2 := t.TempDir()
	cfg2 := tinyRun(t, 2, 0.05)
	c, err := data.Open(cfg2.Cohort)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := train.Train(c, cfg2.Fold, cfg2.Train, train.TrainOptions{Checkpoint: root2 + "/checkpoints/" + cfg2.Hash() + ".gob", StopAfter: 2}); err != nil {
		t.Fatal(err)
	}
	resumed, _, err := RunOrLoad(root2, cfg2, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := RunOrLoad(t.TempDir(), cfg2, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Metrics.HarrellC != fresh.Metrics.HarrellC || resumed.History[3].Loss != fresh.History[3].Loss {
		t.Fatal("resumed run differs from an uninterrupted one")
	}
	if _, err := os.Stat(root2 + "/checkpoints/" + cfg2.Hash() + ".gob"); err == nil {
		t.Error("the checkpoint of a finished run was left behind")
	}
}

func TestSummarizeAndDegradation(t *testing.T) {
	mk := func(p float64, fold int, c map[string]float64) *RunResult {
		r := &RunResult{Config: RunConfig{Method: train.MethodParachute, Fold: fold, Train: train.TrainConfig{PMiss: p, Optimizer: "adamw"}}}
		for _, sc := range train.Scenarios(p) {
			r.Scenarios = append(r.Scenarios, train.ScenarioResult{Scenario: sc, Repeats: 3, CMean: scoring.Number(c[sc]), CSD: 0.01})
		}
		return r
	}
	var results []*RunResult
	for fold := range 2 {
		off := 0.01 * float64(fold) // folds differ by 0.01
		results = append(results, mk(0, fold, map[string]float64{"full": 0.80 + off}))
		for _, p := range []float64{0.05, 0.15, 0.30} {
			base := 0.78 - p/2 + off
			results = append(results, mk(p, fold, map[string]float64{"full": 0.8, "rad_missing": base + 0.01, "wsi_missing": base - 0.02, "mixed_missing": base + 0.01}))
		}
	}
	s := Summarize(results)
	if len(s.Configs) != 1+3*4 || s.Configs[0].Scenario != "full" || s.Configs[0].PMiss != 0 {
		t.Fatalf("configs %+v", s.Configs)
	}
	row := s.Configs[0]
	if math.Abs(float64(row.CMean)-0.805) > 1e-12 || math.Abs(float64(row.CSD)-0.01/math.Sqrt2) > 1e-12 || row.BestFold != 1 {
		t.Fatalf("row %+v", row)
	}
	d, err := Degradation(s)
	if err != nil {
		t.Fatal(err)
	}
	// The masked average at p is 0.78 − p/2 + 0.005: Δ(5→15) = −0.05.
	if math.Abs(d.Delta5to15+0.05) > 1e-12 || math.Abs(d.Speed5to30-(-0.125/2.5)) > 1e-12 {
		t.Fatalf("degradation %+v", d)
	}
}

// TestUnimodalRunConfigsValidate checks that a unimodal method's protocol
// configuration validates with its modality, and not without.
func TestUnimodalRunConfigsValidate(t *testing.T) {
	cfg, _ := train.Profile(train.ProfileSmoke)
	cfg, err := train.WithMethodDefaults(train.MethodParachutePathology, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rc := RunConfig{Cohort: data.CohortSpec{Source: "synth:ucec"}, Method: train.MethodParachutePathology, Train: cfg, Eval: train.EvalProfile(train.ProfileSmoke)}
	if err := rc.Validate(); err != nil {
		t.Fatal(err)
	}
	rc.Train.Modality = ""
	if err := rc.Validate(); err == nil {
		t.Fatal("a unimodal method without its modality validated")
	}
}
