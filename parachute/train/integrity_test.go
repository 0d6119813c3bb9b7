// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// A damaged checkpoint is never resumed from: the run starts over and ends
// with the result of an uninterrupted run.
func TestDamagedCheckpointStartsOver(t *testing.T) {
	cfg := tinyConfig(t)
	c := ucec(t)
	ck := t.TempDir() + "/ck.gob"
	full, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Train(c, 0, cfg, TrainOptions{Checkpoint: ck, StopAfter: 2}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(ck)
	os.WriteFile(ck, raw[:len(raw)-100], 0o644)
	var log strings.Builder
	res, err := Train(c, 0, cfg, TrainOptions{Checkpoint: ck, Progress: &log})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "training from the start") {
		t.Errorf("log %q", log.String())
	}
	want, got := testRisks(t, full, c), testRisks(t, res, c)
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("patient %d: %v after a damaged checkpoint, %v uninterrupted", i, got[i], want[i])
		}
	}
}

// A NaN in a patient's features stops training at the first step whose
// loss or gradients it reaches (measured: a gradient, before the loss),
// naming the epoch and the step; no update from it reaches the parameters.
func TestNonFiniteLossStopsAtTheStep(t *testing.T) {
	cfg := tinyConfig(t)
	c := ucec(t)
	for _, i := range c.Folds[0].Train {
		if p := &c.Patients[i]; len(p.Slides) > 0 {
			p.Slides[0].Features[0] = float32(math.NaN())
		}
	}
	_, err := Train(c, 0, cfg, TrainOptions{})
	if err == nil || !strings.Contains(err.Error(), "epoch 0: step ") || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("error %v", err)
	}
}

// nanPredictor predicts NaN for its second patient.
type nanPredictor struct{}

func (nanPredictor) Predict(patients []*data.Patient, _ []Masking) ([]float64, error) {
	out := make([]float64, len(patients))
	if len(out) > 1 {
		out[1] = math.NaN()
	}
	return out, nil
}

// A model that predicts NaN gets no result: Evaluate names the patient.
func TestNaNRisksAreNeverWritten(t *testing.T) {
	c := ucec(t)
	_, err := Evaluate(nanPredictor{}, 0, c, 0, EvalConfig{Repeats: 1, CalibrationBins: 2})
	second := c.Patients[c.Folds[0].Train[1]].ID
	if err == nil || !strings.Contains(err.Error(), second) {
		t.Fatalf("error %v, want one naming %s", err, second)
	}
}
