// SPDX-License-Identifier: Apache-2.0

package train

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestRunMemoryBytesBoundsWhatARunHolds checks the estimate against what a
// run provably holds after a step: its variables (parameters, AdamW moments,
// random state) and the batch's inputs are part of it, so the estimate
// exceeds their sum; it grows with the batch and with the width.
func TestRunMemoryBytesBoundsWhatARunHolds(t *testing.T) {
	c, b := stackCohort(t)
	cfg := tinyConfig(t)
	est, err := RunMemoryBytes(b, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(b, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	train := PatientsOf(c, c.Folds[0].Train)
	args, _, err := tr.stepArgs(train[:cfg.BatchSize], 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Step(train[:cfg.BatchSize], 1e-3); err != nil {
		t.Fatal(err)
	}
	var held int64
	tr.ctx.EnumerateVariables(func(v *context.Variable) { held += int64(v.Shape().Memory()) })
	for _, a := range args {
		held += int64(a.(*tensors.Tensor).Shape().Memory())
	}
	if est <= held {
		t.Fatalf("estimate %d B is not above the %d B of variables and inputs a run holds after a step", est, held)
	}
	t.Logf("estimate %d B, variables and inputs %d B", est, held)

	bigger := cfg
	bigger.BatchSize *= 2
	wider := cfg
	wider.Model.Dim, wider.Model.Inter, wider.Model.FFN, wider.Model.Hazard = 2*cfg.Model.Dim, 2*cfg.Model.Inter, 2*cfg.Model.FFN, 2*cfg.Model.Hazard
	for name, other := range map[string]TrainConfig{"twice the batch": bigger, "twice the width": wider} {
		more, err := RunMemoryBytes(b, c, other)
		if err != nil {
			t.Fatal(err)
		}
		if more <= est {
			t.Errorf("%s: estimate %d B, not above %d B", name, more, est)
		}
	}
}

func TestStackSizeFor(t *testing.T) {
	for _, tc := range []struct {
		perRun, budget int64
		limit, want    int
	}{
		{100, 1000, 20, 10},
		{100, 1099, 20, 10},
		{100, 100000, 20, 20}, // the cap
		{100, 50, 20, 1},      // never below one run
		{100, 0, 20, 20},      // no budget
		{100, -1, 20, 20},
		{0, 1000, 7, 7},
	} {
		if got := StackSizeFor(tc.perRun, tc.budget, tc.limit); got != tc.want {
			t.Errorf("stackSizeFor(%d, %d, %d) = %d, want %d", tc.perRun, tc.budget, tc.limit, got, tc.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "512": 512, "2KB": 2000, "2 KiB": 2048, "1.5GiB": 3 << 29, "80GB": 80e9, "3mib": 3 << 20, "1TiB": 1 << 40} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GB", "-1GB", "12 parsecs", "1e"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q): no error", bad)
		}
	}
}

func TestAvailableMemory(t *testing.T) {
	meminfo := "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   12000000 kB\nBuffers: 1 kB\n"
	if got := availableMemory(meminfo); got != 12000000<<10 {
		t.Errorf("availableMemory = %d, want %d", got, 12000000<<10)
	}
	if got := availableMemory("MemTotal: 1 kB\n"); got != 0 {
		t.Errorf("without MemAvailable: %d, want 0", got)
	}
}
