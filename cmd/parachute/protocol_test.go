// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProtocolSummaryAndCache(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 16 small models")
	}
	out := t.TempDir()
	args := []string{"protocol", "--cohort", "synth:ucec", "--profile", "quick", "--epochs", "1", "--repeats", "2", "--out", out}
	if _, errOut, status := runCommand(t, args...); status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Configs []map[string]any `json:"configs"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Configs) != 13 {
		t.Fatalf("%d rows, want 13 (full at p_miss 0; four scenarios at 0.05, 0.15, 0.30)", len(s.Configs))
	}
	for _, row := range s.Configs {
		for _, key := range []string{"pmiss", "scenario", "c_mean", "c_sd", "n_repeats"} {
			if _, ok := row[key]; !ok {
				t.Fatalf("row %v lacks %q", row, key)
			}
		}
	}
	began := time.Now()
	_, errOut, status := runCommand(t, args...)
	if status != 0 || strings.Count(errOut, "(cached)") != 16 {
		t.Fatalf("second call: status %d, stderr %s", status, errOut)
	}
	t.Logf("second call from the cache: %v", time.Since(began))
	// collect merges the runs.
	stdout, _, status := runCommand(t, "collect", "--out", out)
	if status != 0 || !strings.HasPrefix(stdout, "52 rows") {
		t.Fatalf("collect: %q", stdout)
	}
}

func TestSweepShardsAndEvaluate(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.json")
	os.WriteFile(grid, []byte(`{"cohorts": [{"source": "synth:ucec", "seed": 1}], "pmiss": [0.15], "folds": [0, 1], "repeats": 2}`), 0o644)
	out := filepath.Join(dir, "out")
	for _, shard := range []string{"0/2", "1/2"} {
		if _, errOut, status := runCommand(t, "sweep", "--grid", grid, "--shard", shard, "--out", out); status != 0 {
			t.Fatalf("shard %s: %s", shard, errOut)
		}
	}
	runs, _ := filepath.Glob(filepath.Join(out, "runs", "*.json"))
	if len(runs) != 2 {
		t.Fatalf("%d run files, want 2", len(runs))
	}
	// evaluate re-scores a model saved by train.
	run := filepath.Join(dir, "run")
	if _, errOut, status := runCommand(t, "train", "--cohort", "synth:ucec", "--fold", "0", "--pmiss", "0.3", "--epochs", "2", "--out", run); status != 0 {
		t.Fatalf("train: %s", errOut)
	}
	stdout, errOut, status := runCommand(t, "evaluate", "--run", run, "--repeats", "3")
	if status != 0 || !strings.Contains(stdout, "mixed_missing") {
		t.Fatalf("evaluate: %d %q %q", status, stdout, errOut)
	}
}
