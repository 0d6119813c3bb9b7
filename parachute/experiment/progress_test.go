// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"sync"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// recorder is a progress writer that observes events.
type recorder struct {
	mu     sync.Mutex
	events []ProgressEvent
	text   int
}

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	r.text++
	r.mu.Unlock()
	return len(b), nil
}
func (r *recorder) Observe(e ProgressEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// A progress writer that observes gets one event per epoch and per
// finished run, and no text; a second sweep reads every run from the cache.
func TestRunAllReportsEvents(t *testing.T) {
	cfg := traintest.TinyConfig(t)
	cfg.Epochs, cfg.Schedule.TMax = 2, 2
	runs := ProtocolRuns(data.CohortSpec{Source: "synth:ucec", Seed: 1}, 4, train.MethodParachute, cfg, train.EvalConfig{Repeats: 1, CalibrationBins: 2})[:2]
	root := t.TempDir()
	rec := &recorder{}
	if _, err := RunAll(root, runs, 1, rec, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if rec.text != 0 || len(rec.events) != 2*2+2 {
		t.Fatalf("%d text writes, %d events; want 0 and 6", rec.text, len(rec.events))
	}
	last := rec.events[len(rec.events)-1]
	if !last.Finished || last.RunsDone != 2 || last.RunsTotal != 2 || last.RunsTrained != 2 || last.Cached {
		t.Errorf("last event %+v", last)
	}
	if e := rec.events[0]; e.Finished || e.Epoch != 1 || e.Epochs != 2 || e.RunsDone != 0 || e.Run == "" {
		t.Errorf("first event %+v", e)
	}
	again := &recorder{}
	if _, err := RunAll(root, runs, 1, again, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(again.events) != 2 || !again.events[1].Cached || again.events[1].RunsTrained != 0 {
		t.Errorf("cached sweep events %+v", again.events)
	}
}
