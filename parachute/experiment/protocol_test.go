// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"math"
	"os"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
)

func tinyRun(t *testing.T, fold int, pMiss float64) RunConfig {
	t.Helper()
	cfg := tinyConfig(t)
	cfg.PMiss = pMiss
	return RunConfig{Cohort: data.CohortSpec{Source: "synth:ucec", Seed: 1}, Method: MethodParachute, Fold: fold,
		Train: cfg, Eval: EvalConfig{Repeats: 3, Seed: 5, CalibrationBins: 2}}
}

func TestScenarioMasksNeverDropBothAndAreReproducible(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	patients := patientsOf(c, c.Folds[0].Test) // 9 patients, 8 with both modalities
	for _, sc := range []string{ScenarioRadMissing, ScenarioWSIMissing, ScenarioMixedMissing} {
		dropped := 0
		for rep := range 50 {
			masks := scenarioMasks(patients, sc, 0.5, 7, 0, rep)
			for i, m := range masks {
				p := patients[i]
				if m.DropPathology && m.DropRadiology {
					t.Fatalf("%s: both modalities dropped", sc)
				}
				if (m.DropPathology && !p.HasRadiology()) || (m.DropRadiology && !p.HasPathology()) {
					t.Fatalf("%s: a patient's only modality dropped", sc)
				}
				if (sc == ScenarioRadMissing && m.DropPathology) || (sc == ScenarioWSIMissing && m.DropRadiology) {
					t.Fatalf("%s dropped the other modality", sc)
				}
				if m.DropPathology || m.DropRadiology {
					dropped++
				}
			}
			if !slices.Equal(masks, scenarioMasks(patients, sc, 0.5, 7, 0, rep)) {
				t.Fatalf("%s repeat %d: masks differ for the same seed", sc, rep)
			}
		}
		if dropped == 0 {
			t.Fatalf("%s never dropped anything", sc)
		}
		if slices.Equal(scenarioMasks(patients, sc, 0.5, 7, 0, 0), scenarioMasks(patients, sc, 0.5, 7, 0, 1)) &&
			slices.Equal(scenarioMasks(patients, sc, 0.5, 7, 0, 0), scenarioMasks(patients, sc, 0.5, 7, 0, 2)) {
			t.Errorf("%s: repeats draw identical masks", sc)
		}
	}
}

// TestTestPatientsNeverReachTraining watches every training batch, and
// checks that changing the test patients' outcomes and features changes
// neither training nor the training patients' predictions.
func TestTestPatientsNeverReachTraining(t *testing.T) {
	c := ucec(t)
	fold := 1
	test := map[string]bool{}
	for _, i := range c.Folds[fold].Test {
		test[c.Patients[i].ID] = true
	}
	cfg := tinyConfig(t)
	seen := 0
	a, err := Train(c, fold, cfg, TrainOptions{Observe: func(ids []string) {
		for _, id := range ids {
			seen++
			if test[id] {
				t.Fatalf("test patient %s in a training batch", id)
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("no batch observed")
	}
	// Perturb every test patient.
	d := ucec(t)
	for _, i := range d.Folds[fold].Test {
		p := &d.Patients[i]
		p.Time, p.Event = p.Time*3+1, !p.Event
		for s := range p.Slides {
			p.Slides[s].Features[0] += 100
		}
	}
	b, err := Train(d, fold, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for e := range a.History {
		if a.History[e].Loss != b.History[e].Loss {
			t.Fatalf("epoch %d loss changed with the test patients: %v vs %v", e, a.History[e].Loss, b.History[e].Loss)
		}
	}
	ra, _ := a.Trainer.Predict(patientsOf(c, c.Folds[fold].Train), nil)
	rb, _ := b.Trainer.Predict(patientsOf(d, d.Folds[fold].Train), nil)
	if !slices.Equal(ra, rb) {
		t.Fatal("training predictions changed with the test patients")
	}
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
	if _, err := Train(c, cfg2.Fold, cfg2.Train, TrainOptions{Checkpoint: root2 + "/checkpoints/" + cfg2.Hash() + ".gob", StopAfter: 2}); err != nil {
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
		r := &RunResult{Config: RunConfig{Method: MethodParachute, Fold: fold, Train: TrainConfig{PMiss: p, Optimizer: "adamw"}}}
		for _, sc := range Scenarios(p) {
			r.Scenarios = append(r.Scenarios, ScenarioResult{Scenario: sc, Repeats: 3, CMean: scoring.Number(c[sc]), CSD: 0.01})
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
