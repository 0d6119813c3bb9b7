// SPDX-License-Identifier: Apache-2.0

package train

import (
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

func TestScenarioMasksNeverDropBothAndAreReproducible(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	patients := PatientsOf(c, c.Folds[0].Test) // 9 patients, 8 with both modalities
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
	ra, _ := a.Trainer.Predict(PatientsOf(c, c.Folds[fold].Train), nil)
	rb, _ := b.Trainer.Predict(PatientsOf(d, d.Folds[fold].Train), nil)
	if !slices.Equal(ra, rb) {
		t.Fatal("training predictions changed with the test patients")
	}
}
