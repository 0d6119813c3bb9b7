// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops_test

import (
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/bench"
	"github.com/parachute-surv/goparachute/parachute/fastops"
)

// TestModelIsBitwiseUnchanged trains the paper-size model for two steps of
// AdamW and of GCS (second-order gradients) from the same start, with the
// executors on and off, and requires bitwise equal losses and predictions.
func TestModelIsBitwiseUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs training steps of the paper-size model")
	}
	if s := fastops.Install(); !s.Active {
		t.Fatal(s)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	run := func(opt string, on bool) (losses []float64, risks []float64) {
		fastops.SetEnabled(on)
		defer fastops.SetEnabled(true)
		tr, patients, err := bench.BenchWorkload(b, opt)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			loss, err := tr.Step(patients, 1e-3)
			if err != nil {
				t.Fatal(err)
			}
			losses = append(losses, loss.Loss)
		}
		if risks, err = tr.Predict(patients, nil); err != nil {
			t.Fatal(err)
		}
		return losses, risks
	}
	for _, opt := range []string{"adamw", "gcs"} {
		fast, _ := fastops.Counts()
		lossOn, riskOn := run(opt, true)
		taken, _ := fastops.Counts()
		lossOff, riskOff := run(opt, false)
		if !slices.Equal(lossOn, lossOff) || !slices.Equal(riskOn, riskOff) {
			t.Errorf("%s: losses %v vs %v; risks differ: %v", opt, lossOn, lossOff, !slices.Equal(riskOn, riskOff))
		}
		t.Logf("%s: %d calls through fastops, losses %v", opt, taken-fast, lossOn)
	}
}
