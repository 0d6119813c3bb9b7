// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
)

// stackConfigs are three runs that differ in fold-independent settings
// only: missing ratio and seed (dropout active, masking active).
func stackConfigs(t *testing.T, optimizer string) []TrainConfig {
	t.Helper()
	var cfgs []TrainConfig
	for k, p := range []float64{0, 0.15, 0.3} {
		cfg, err := Profile(ProfileSmoke)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Optimizer, cfg.PMiss, cfg.Seed, cfg.Model.Dropout = optimizer, p, uint64(7+k), 0.2
		cfg.BatchSize = 12
		cfgs = append(cfgs, cfg)
	}
	return cfgs
}

// variables returns the bytes of every variable of the trainer's own
// context by path.
func variables(t *testing.T, tr *Trainer) map[string]string {
	t.Helper()
	out := map[string]string{}
	for v := range tr.ctx.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		value.ConstBytes(func(b []byte) { out[v.ScopeAndName()] = value.Shape().String() + string(b) })
	}
	return out
}

// TestStackEqualsRunsAlone trains three runs stacked in one graph and the
// same three alone, step by step, and requires the same risks, losses and
// final variables (parameters, optimizer state, random state) bit for bit
// on the pure-Go backend, for AdamW, GCS and SAM.
func TestStackEqualsRunsAlone(t *testing.T) {
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, optimizer := range []string{"adamw", "gcs", "sam"} {
		t.Run(optimizer, func(t *testing.T) {
			cfgs := stackConfigs(t, optimizer)
			stack, err := NewStack(b, c, cfgs)
			if err != nil {
				t.Fatal(err)
			}
			alone := make([]*Trainer, len(cfgs))
			for k, cfg := range cfgs {
				if alone[k], err = NewTrainer(b, c, cfg); err != nil {
					t.Fatal(err)
				}
			}
			for step := range 4 {
				batches := make([][]*data.Patient, len(cfgs))
				lrs := make([]float64, len(cfgs))
				for k := range cfgs {
					// Different patients per run and step, the last batch short.
					n := 12 - 5*(step/3)
					for i := range n {
						batches[k] = append(batches[k], &c.Patients[(step*7+k*11+i*3)%len(c.Patients)])
					}
					lrs[k] = 1e-3 * float64(1+k)
				}
				got, errs, err := stack.Step(batches, lrs)
				if err != nil {
					t.Fatal(err)
				}
				for k, tr := range alone {
					if errs[k] != nil {
						t.Fatalf("stacked run %d step %d: %v", k, step, errs[k])
					}
					want, err := tr.Step(batches[k], lrs[k])
					if err != nil {
						t.Fatal(err)
					}
					if got[k].Loss != want.Loss || !slices.Equal(got[k].Risk, want.Risk) || !slices.Equal(got[k].Curvature, want.Curvature) ||
						!slices.Equal(got[k].Gate, want.Gate) || !slices.Equal(got[k].Missing, want.Missing) {
						t.Fatalf("run %d step %d: stacked loss %v risks %v, alone %v %v", k, step, got[k].Loss, got[k].Risk[:3], want.Loss, want.Risk[:3])
					}
				}
			}
			for k, tr := range alone {
				if err := stack.Export(k); err != nil {
					t.Fatal(err)
				}
				got, want := variables(t, stack.Runs[k]), variables(t, tr)
				if len(got) != len(want) {
					t.Fatalf("run %d: %d variables stacked, %d alone", k, len(got), len(want))
				}
				for name, w := range want {
					if got[name] != w {
						t.Fatalf("run %d: variable %s differs stacked and alone", k, name)
					}
				}
				// The exported trainer predicts as the one trained alone.
				ps := patientsOf(c, c.Folds[0].Test)
				p1, err := stack.Runs[k].Predict(ps, nil)
				if err != nil {
					t.Fatal(err)
				}
				p2, err := tr.Predict(ps, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(p1, p2) {
					t.Fatalf("run %d: exported predictions differ", k)
				}
			}
		})
	}
}
