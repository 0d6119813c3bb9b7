// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/baselines/deep"
)

// TestDeepBaselinesTrain trains every deep baseline for two quick epochs
// with AdamW and with GCS on a fold of the synthetic ucec cohort (some
// patients without CT), and checks that the loss and the predictions are
// finite, that a patient's prediction does not depend on its batch, and
// that the parameter count is the one each network documents.
func TestDeepBaselinesTrain(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range deep.Names {
		for _, opt := range []string{"adamw", "gcs"} {
			cfg, _ := Profile(ProfileQuick)
			cfg, _ = WithMethodDefaults(name, cfg)
			cfg.Epochs, cfg.Optimizer, cfg.PMiss = 2, opt, 0.15
			res, err := Train(c, 0, cfg, TrainOptions{Backend: b})
			if err != nil {
				t.Fatalf("%s with %s: %v", name, opt, err)
			}
			for _, e := range res.History {
				if math.IsNaN(e.Loss) || math.IsInf(e.Loss, 0) {
					t.Fatalf("%s with %s: loss %v", name, opt, e.Loss)
				}
			}
			test := PatientsOf(c, c.Folds[0].Test)
			all, err := res.Trainer.Predict(test, nil)
			if err != nil {
				t.Fatal(err)
			}
			alone, err := res.Trainer.Predict(test[3:4], nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(all[3]-alone[0]) > 1e-5 || math.IsNaN(all[0]) {
				t.Fatalf("%s with %s: risk %v in its batch, %v alone", name, opt, all[3], alone[0])
			}
			t.Logf("%s with %s: %d parameters, loss %.3f → %.3f", name, opt, res.Trainer.ParameterCount(), res.History[0].Loss, res.History[1].Loss)
		}
	}
}

// TestUnimodalParachuteSeesOneModality: PARACHUTE trained on pathology
// alone predicts the same whatever the patients' CT.
func TestUnimodalParachuteSeesOneModality(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := Profile(ProfileSmoke)
	cfg, err = WithMethodDefaults(MethodParachutePathology, cfg)
	if err != nil || cfg.Modality != "pathology" {
		t.Fatalf("%+v %v", cfg, err)
	}
	res, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	test := PatientsOf(c, c.Folds[0].Test)
	before, err := res.Trainer.Predict(test, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range test {
		for k := range p.Series {
			for j := range p.Series[k].Features {
				p.Series[k].Features[j] *= -3
			}
		}
	}
	after, err := res.Trainer.Predict(test, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("patient %d: %v, then %v after changing its CT", i, before[i], after[i])
		}
	}
}
