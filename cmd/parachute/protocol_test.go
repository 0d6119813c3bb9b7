// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

func TestProtocolSummaryAndCache(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 16 small models")
	}
	out := t.TempDir()
	args := []string{"protocol", "--cohort", "synth:ucec", "--profile", "quick", "--epochs", "1", "--repeats", "2", "--out", out}
	stdout, errOut, status := runCommand(t, args...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if !strings.Contains(stdout, "degradation (supplement Table 5): Δ(5→15)") {
		t.Errorf("no degradation row:\n%s", stdout)
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
	_, errOut, status = runCommand(t, args...)
	if status != 0 || strings.Count(errOut, "(cached)") != 16 {
		t.Fatalf("second call: status %d, stderr %s", status, errOut)
	}
	t.Logf("second call from the cache: %v", time.Since(began))
	// collect merges the runs.
	stdout, _, status = runCommand(t, "collect", "--out", out)
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

// TestEvaluateExportRoundTrip: the predictions "evaluate --export" writes,
// given to "metrics" with the evaluation's times and τ, give the metrics of
// evaluation.json (one scoring path: the numbers agree to float64 rounding
// of nothing, since the CSV round-trips every value exactly).
func TestEvaluateExportRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	dir := t.TempDir()
	run, export := filepath.Join(dir, "run"), filepath.Join(dir, "export")
	if _, errOut, status := runCommand(t, "train", "--cohort", "synth:pda", "--fold", "1", "--epochs", "3", "--out", run); status != 0 {
		t.Fatalf("train: %s", errOut)
	}
	if _, errOut, status := runCommand(t, "evaluate", "--run", run, "--export", export); status != 0 {
		t.Fatalf("evaluate: %s", errOut)
	}
	raw, err := os.ReadFile(filepath.Join(run, "evaluation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Metrics scoring.Report `json:"metrics"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	want := ev.Metrics
	if len(want.Times) < 2 || len(want.Errors) > 0 {
		t.Fatalf("evaluation metrics: times %v, errors %v", want.Times, want.Errors)
	}
	var times []string
	for _, tm := range want.Times {
		times = append(times, strconv.FormatFloat(tm, 'g', -1, 64))
	}
	stdout, errOut, status := runCommand(t, "metrics", "--test", filepath.Join(export, "test.csv"), "--train", filepath.Join(export, "train.csv"),
		"--times", strings.Join(times, ","), "--tau", strconv.FormatFloat(float64(want.Tau), 'g', -1, 64))
	if status != 0 {
		t.Fatalf("metrics: status %d: %s", status, errOut)
	}
	var got scoring.Report
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	for _, m := range []struct {
		name      string
		got, want scoring.Number
	}{{"harrell_c", got.HarrellC, want.HarrellC}, {"uno_c", got.UnoC, want.UnoC}, {"mean_auc", got.MeanAUC, want.MeanAUC},
		{"ibs", got.IBS, want.IBS}, {"logrank chisq", got.LogRank.ChiSq, want.LogRank.ChiSq}} {
		testutil.CheckClose(t, m.name, float64(m.got), float64(m.want), tol)
	}
	for k := range want.Times {
		testutil.CheckClose(t, "auc", float64(got.AUC[k]), float64(want.AUC[k]), tol)
		testutil.CheckClose(t, "brier", float64(got.Brier[k]), float64(want.Brier[k]), tol)
	}
	if got.LogRank.ThresholdFrom != "train" || got.LogRank.Threshold != want.LogRank.Threshold || got.Censoring != "train" {
		t.Errorf("log-rank split %s %v, censoring from %s; evaluation: %s %v", got.LogRank.ThresholdFrom, got.LogRank.Threshold,
			got.Censoring, want.LogRank.ThresholdFrom, want.LogRank.Threshold)
	}
	// Without --times and --tau the command applies the same rules to the
	// same files: the S_<t> columns are the evaluation's horizons, τ the
	// last training or test time.
	stdout, errOut, status = runCommand(t, "metrics", "--test", filepath.Join(export, "test.csv"), "--train", filepath.Join(export, "train.csv"))
	if status != 0 {
		t.Fatalf("metrics without --times: status %d: %s", status, errOut)
	}
	var again scoring.Report
	if err := json.Unmarshal([]byte(stdout), &again); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Times, want.Times) || again.Tau != want.Tau || again.UnoC != want.UnoC || again.IBS != want.IBS {
		t.Errorf("default rules: times %v τ %v Uno %v IBS %v; evaluation: %v %v %v %v", again.Times, again.Tau, again.UnoC, again.IBS,
			want.Times, want.Tau, want.UnoC, want.IBS)
	}
}

// TestStackMemoryFlag: a size the flag cannot read, or 0, is an error that
// names the flag, before any training.
func TestStackMemoryFlag(t *testing.T) {
	for _, bad := range []string{"lots", "0", "-3GB"} {
		_, errOut, status := runCommand(t, "protocol", "--cohort", "synth:ucec", "--stack-memory", bad, "--out", t.TempDir())
		if status == 0 || !strings.Contains(errOut, bad) {
			t.Errorf("--stack-memory %s: status %d, stderr %q", bad, status, errOut)
		}
	}
}
