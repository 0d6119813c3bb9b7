// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"reflect"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// TestPlanStacksFitsTheMemoryBudget: a budget of 2.5 runs per worker cuts a
// group of six into stacks of two, whatever the cap.
func TestPlanStacksFitsTheMemoryBudget(t *testing.T) {
	_, b := traintest.StackCohort(t)
	var runs []RunConfig
	for f := range 3 {
		for _, p := range []float64{0, 0.3} {
			runs = append(runs, tinyRun(t, f, p))
		}
	}
	c, err := (&CohortCache{}).Open(runs[0].Cohort)
	if err != nil {
		t.Fatal(err)
	}
	perRun, err := train.RunMemoryBytes(b, c, runs[0].Train)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		budget := int64(workers) * perRun * 5 / 2
		plan, err := planStacks(t.TempDir(), runs, workers, RunOptions{Cohorts: &CohortCache{}, Stack: testStack, StackMemory: budget})
		if err != nil {
			t.Fatal(err)
		}
		if want := [][]int{{0, 1}, {2, 3}, {4, 5}}; !reflect.DeepEqual(plan, want) {
			t.Errorf("%d workers, budget %d B (%d B per run): plan %v, want %v", workers, budget, perRun, plan, want)
		}
	}
	plan, err := planStacks(t.TempDir(), runs, 1, RunOptions{Cohorts: &CohortCache{}, Stack: testStack, StackMemory: -1})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{0, 1, 2, 3, 4, 5}}; !reflect.DeepEqual(plan, want) {
		t.Errorf("no budget: plan %v, want %v", plan, want)
	}
}
