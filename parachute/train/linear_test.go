// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// TestFitLinearSeesTheTrainingFoldOnly: changing every test patient's
// features changes neither the feature map nor the coefficients, and the
// predictions of training patients stay put.
func TestFitLinearSeesTheTrainingFoldOnly(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range LinearMethods {
		cfg, _ := Profile(ProfileQuick)
		cfg, _ = WithMethodDefaults(method, cfg)
		cfg.PMiss = 0.15
		a, err := FitLinear(c, 1, method, cfg)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		d, _ := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 2})
		for _, i := range d.Folds[1].Test {
			for k := range d.Patients[i].Slides {
				for j := range d.Patients[i].Slides[k].Features {
					d.Patients[i].Slides[k].Features[j] += 5
				}
			}
			for k := range d.Patients[i].Series {
				for j := range d.Patients[i].Series[k].Features {
					d.Patients[i].Series[k].Features[j] *= -1
				}
			}
		}
		b, err := FitLinear(d, 1, method, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(a.Coef, b.Coef, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }) {
			t.Fatalf("%s: test features changed the coefficients: %v vs %v", method, a.Coef, b.Coef)
		}
		if method != MethodCoxPH && a.Lambda <= 0 {
			t.Fatalf("%s: no λ chosen", method)
		}
	}
}

// TestLinearPredictUnderMasks: dropping a modality moves a patient's
// covariates of that modality to the training mean (0) and sets its
// indicator, so the risk changes by exactly the coefficients involved.
func TestLinearPredictUnderMasks(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := Profile(ProfileQuick)
	cfg, _ = WithMethodDefaults(MethodCoxPH, cfg)
	cfg.PMiss = 0.3
	m, err := FitLinear(c, 0, MethodCoxPH, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Coef) != 10 || m.Names[8] != "pathology_missing" || m.Names[9] != "radiology_missing" {
		t.Fatalf("covariates %v", m.Names)
	}
	var both *data.Patient
	for i := range c.Patients {
		if c.Patients[i].HasPathology() && c.Patients[i].HasRadiology() {
			both = &c.Patients[i]
			break
		}
	}
	full, err := m.Predict([]*data.Patient{both}, nil)
	if err != nil {
		t.Fatal(err)
	}
	noRad, err := m.Predict([]*data.Patient{both}, []Masking{{DropRadiology: true}})
	if err != nil {
		t.Fatal(err)
	}
	blocks, _ := pooledBlocks([]*data.Patient{both}, []Masking{{}}, m.Params.Modalities)
	x, _ := m.Features.Transform(blocks)
	want := full[0] + m.Coef[9]
	for j := 4; j < 8; j++ {
		want -= m.Coef[j] * x[0][j]
	}
	if math.Abs(noRad[0]-want) > 1e-9 {
		t.Fatalf("risk without CT %v, want %v", noRad[0], want)
	}
}
