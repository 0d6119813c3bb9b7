// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// testStack is the stack limit the tests ask for (--stack 20).
const testStack = 20

// sameResult reports whether two result files hold the same run and numbers
// (timings aside).
func sameResult(t *testing.T, a, b *RunResult) bool {
	t.Helper()
	clean := func(r *RunResult) string {
		c := *r
		c.Seconds, c.Checksum = 0, ""
		c.History = slices.Clone(r.History)
		for i := range c.History {
			c.History[i].Seconds = 0
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	return clean(a) == clean(b)
}

// TestRunAllStackedEqualsOneAtATime runs a small protocol stacked and one
// run at a time: the same result files under the same
// keys, and the plan did stack.
func TestRunAllStackedEqualsOneAtATime(t *testing.T) {
	var runs []RunConfig
	for _, p := range []float64{0, 0.3} {
		for f := range 3 {
			runs = append(runs, tinyRun(t, f, p))
		}
	}
	runs[4].Train.Optimizer = "gcs" // a group of its own
	stacked, alone := t.TempDir(), t.TempDir()
	plan, err := planStacks(stacked, runs, 1, RunOptions{Cohorts: &CohortCache{}, Stack: testStack})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{4}, {0, 1, 2, 3, 5}}; !reflect.DeepEqual(plan, want) && !reflect.DeepEqual(plan, [][]int{{0, 1, 2, 3, 5}, {4}}) {
		t.Fatalf("plan %v, want the stack %v", plan, want[1])
	}
	a, err := RunAll(stacked, runs, 1, nil, RunOptions{Stack: testStack})
	if err != nil {
		t.Fatal(err)
	}
	b, err := RunAll(alone, runs, 1, nil, RunOptions{Stack: 1})
	if err != nil {
		t.Fatal(err)
	}
	for k := range runs {
		if a[k].Hash != runs[k].Hash() || !sameResult(t, a[k], b[k]) {
			t.Fatalf("run %d: stacked and alone differ", k)
		}
		if _, err := os.Stat(ResultPath(stacked, runs[k])); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStackResumesAndMixesFinishedRuns kills a stack after one epoch and
// starts it again with one run finished meanwhile and one run new: the
// finished run is read, not trained; the killed ones resume from their
// checkpoints, the new one starts at epoch 0 in a stack of its own; every
// result equals an uninterrupted run alone.
func TestStackResumesAndMixesFinishedRuns(t *testing.T) {
	root := t.TempDir()
	runs := []RunConfig{tinyRun(t, 0, 0.05), tinyRun(t, 1, 0.05), tinyRun(t, 2, 0.3), tinyRun(t, 3, 0.3)}
	opts := RunOptions{TrainOptions: train.TrainOptions{StopAfter: 1, CheckpointEvery: 1}}
	for _, r := range RunStackOrLoad(root, runs[:3], opts, nil) {
		if r.Err == nil || !strings.Contains(r.Err.Error(), "stopped early") {
			t.Fatalf("killed stack: %v", r.Err)
		}
	}
	for _, r := range runs[:3] {
		if _, err := os.Stat(filepath.Join(root, "checkpoints", r.Hash()+".gob")); err != nil {
			t.Fatal(err)
		}
	}
	finished, _, err := RunOrLoad(root, runs[0], RunOptions{}) // resumes run 0 alone
	if err != nil {
		t.Fatal(err)
	}
	epochs := map[int][]int{}
	var mu sync.Mutex
	out := RunStackOrLoad(root, runs, RunOptions{}, func(k int, e train.Epoch) {
		mu.Lock()
		defer mu.Unlock()
		epochs[k] = append(epochs[k], e.Epoch)
	})
	if !out[0].Cached || out[1].Cached || out[0].Result.Metrics.HarrellC != finished.Metrics.HarrellC {
		t.Fatalf("cached flags %v %v", out[0].Cached, out[1].Cached)
	}
	want := map[int][]int{1: {1, 2, 3}, 2: {1, 2, 3}, 3: {0, 1, 2, 3}}
	if !reflect.DeepEqual(epochs, want) {
		t.Fatalf("epochs trained %v, want %v", epochs, want)
	}
	for k, r := range out {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		fresh, _, err := RunOrLoad(t.TempDir(), runs[k], RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !sameResult(t, r.Result, fresh) {
			t.Fatalf("run %d: resumed stack and uninterrupted run alone differ", k)
		}
		if _, err := os.Stat(filepath.Join(root, "checkpoints", runs[k].Hash()+".gob")); err == nil {
			t.Errorf("run %d left its checkpoint behind", k)
		}
	}
}

// TestStackRunFaultIsItsOwn: a run of a stack driven to non-finite values
// (learning rate 1e30) fails alone; the others' steps stand, equal to their
// steps alone.
func TestStackRunFaultIsItsOwn(t *testing.T) {
	c, b := traintest.StackCohort(t)
	cfgs := traintest.StackConfigs(t, "adamw", "", false)
	stack, err := train.NewStack(b, c, cfgs, train.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	if stack.Layout() != train.LayoutRunAxis {
		t.Fatalf("layout %s, want the run axis", stack.Layout())
	}
	alone, err := train.NewTrainer(b, c, cfgs[0])
	if err != nil {
		t.Fatal(err)
	}
	batch := train.PatientsOf(c, c.Folds[0].Train)[:12]
	batches := [][]*data.Patient{batch, batch, batch}
	var faults []error
	for step := range 3 {
		got, errs, err := stack.Step(batches, []float64{1e-3, 1e30, 1e-3})
		if err != nil {
			t.Fatal(err)
		}
		if errs[0] != nil || errs[2] != nil {
			t.Fatalf("step %d: healthy runs failed: %v, %v", step, errs[0], errs[2])
		}
		want, err := alone.Step(batch, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Loss != want.Loss || !slices.Equal(got[0].Risk, want.Risk) {
			t.Fatalf("step %d: run 0 differs from its run alone", step)
		}
		faults = append(faults, errs[1])
	}
	if faults[len(faults)-1] == nil || !strings.Contains(faults[len(faults)-1].Error(), "non-finite") {
		t.Fatalf("run 1 at learning rate 1e30: errors %v", faults)
	}
}
