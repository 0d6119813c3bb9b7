// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// A result file carries a checksum: read back intact it loads; truncated
// or with one digit changed it is refused as corrupt, and RunOrLoad
// retrains it rather than read it.
func TestDamagedResultIsRetrained(t *testing.T) {
	cfg := tinyConfig(t)
	cfg.Epochs, cfg.Schedule.TMax = 2, 2
	rc := ProtocolRuns(data.CohortSpec{Source: "synth:ucec", Seed: 1}, 4, MethodParachute, cfg, EvalConfig{Repeats: 1, CalibrationBins: 2})[0]
	root := t.TempDir()
	first, _, err := RunOrLoad(root, rc, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Checksum == "" {
		t.Fatal("no checksum written")
	}
	if _, ok, err := LoadResult(root, rc); !ok || err != nil {
		t.Fatalf("an intact file: ok %v, %v", ok, err)
	}
	path := ResultPath(root, rc)
	raw, _ := os.ReadFile(path)
	i := strings.Index(string(raw), `"seconds": `) + len(`"seconds": `)
	flipped := append([]byte(nil), raw...)
	if flipped[i]++; flipped[i] > '9' { // change the first digit of "seconds"
		flipped[i] = '1'
	}
	for name, bad := range map[string][]byte{"truncated": raw[:len(raw)/2], "one digit changed": flipped} {
		os.WriteFile(path, bad, 0o644)
		if _, _, err := LoadResult(root, rc); !errors.Is(err, ErrCorruptResult) {
			t.Errorf("%s: %v", name, err)
		}
		var log strings.Builder
		again, cached, err := RunOrLoad(root, rc, RunOptions{TrainOptions: TrainOptions{Progress: &log}})
		if err != nil || cached {
			t.Fatalf("%s: cached %v, %v", name, cached, err)
		}
		if !strings.Contains(log.String(), "retraining") || again.Metrics.HarrellC != first.Metrics.HarrellC {
			t.Errorf("%s: log %q; C %v then %v", name, log.String(), first.Metrics.HarrellC, again.Metrics.HarrellC)
		}
	}
}

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
