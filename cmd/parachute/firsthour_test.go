// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Regression tests of a new user's first hour (issue 29): each silent wrong
// answer they met is refused or said.

// A run folder is one run: training fold 3 (or another cohort) into fold
// 0's folder reused fold 0's finished checkpoint and scored it on fold 3's
// test patients. Now the second call is refused, naming what differs.
func TestTrainRefusesAFolderOfAnotherRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r1")
	base := []string{"train", "--cohort", "synth:ucec", "--profile", "smoke", "--epochs", "1", "--out", out}
	if _, errOut, status := runCommand(t, append(base, "--fold", "0")...); status != 0 {
		t.Fatalf("fold 0: %d %s", status, errOut)
	}
	before, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--fold", "3"}, "fold: 0 → 3"},
		{[]string{"--fold", "0", "--data-seed", "2"}, "cohort.seed: 1 → 2"},
		{[]string{"--fold", "0", "--pmiss", "0.15"}, "train.p_miss: 0 → 0.15"},
	} {
		_, errOut, status := runCommand(t, append(base, c.args...)...)
		if status != 2 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "new --out") {
			t.Errorf("%v: status %d, stderr %q; want 2 naming %q and suggesting a new --out", c.args, status, errOut, c.want)
		}
	}
	after, _ := os.ReadFile(filepath.Join(out, "run.json"))
	if string(after) != string(before) {
		t.Error("a refused call rewrote run.json")
	}
	// The same run again is allowed (it resumes from its finished checkpoint).
	if _, errOut, status := runCommand(t, append(base, "--fold", "0")...); status != 0 || !strings.Contains(errOut, "resumed from") {
		t.Errorf("the same run again: status %d, stderr %q; want 0 and a resumed line", status, errOut)
	}
	// A folder an older version wrote (no identity.json) is refused too.
	if err := os.Remove(filepath.Join(out, experiment.IdentityFile)); err != nil {
		t.Fatal(err)
	}
	if _, errOut, status := runCommand(t, append(base, "--fold", "0")...); status != 2 || !strings.Contains(errOut, "does not record which") {
		t.Errorf("folder without identity: status %d, stderr %q", status, errOut)
	}
}

// Writing seed 2's cohort over seed 1's left seed 1's files mixed in (58
// radiology patients instead of 34). Now it is refused without --force, and
// --force gives exactly the clean cohort.
func TestDataSynthRefusesAFolderHoldingTheCohort(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir, clean := t.TempDir(), t.TempDir()
	synth := func(dir string, seed string, extra ...string) (string, int) {
		_, errOut, status := runCommand(t, append([]string{"data", "synth", "--preset", "ucec", "--slices", "4", "--data-seed", seed, "--out", dir}, extra...)...)
		return errOut, status
	}
	if errOut, status := synth(dir, "1"); status != 0 {
		t.Fatal(errOut)
	}
	if errOut, status := synth(dir, "2"); status != 2 || !strings.Contains(errOut, "--force") {
		t.Fatalf("second synth into the folder: status %d, stderr %q; want 2 pointing to --force", status, errOut)
	}
	if errOut, status := synth(dir, "2", "--force"); status != 0 {
		t.Fatal(errOut)
	}
	if errOut, status := synth(clean, "2"); status != 0 {
		t.Fatal(errOut)
	}
	summary := func(dir string) string {
		out, errOut, status := runCommand(t, "data", "summary", "--cohort", dir)
		if status != 0 {
			t.Fatal(errOut)
		}
		return strings.ReplaceAll(out, dir, "DIR")
	}
	if a, b := summary(dir), summary(clean); a != b {
		t.Errorf("--force over seed 1 gives\n%s\na clean seed-2 cohort\n%s", a, b)
	}
	files := func(dir string) int {
		n := 0
		filepath.WalkDir(dir, func(_ string, d os.DirEntry, _ error) error {
			if !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	if a, b := files(dir), files(clean); a != b {
		t.Errorf("--force left %d files, a clean cohort has %d", a, b)
	}
}

// A scenario that masks nobody scored the full model again without a word
// ("rad_missing ... C 0.7516 ± 0.0000"); every row now says how many
// patients its masks dropped.
func TestEvaluateSaysHowManyWereMasked(t *testing.T) {
	out := t.TempDir()
	if _, errOut, status := runCommand(t, "train", "--cohort", "synth:ucec", "--profile", "smoke", "--epochs", "1", "--pmiss", "0.15", "--out", out); status != 0 {
		t.Fatal(errOut)
	}
	stdout, errOut, status := runCommand(t, "evaluate", "--run", out, "--repeats", "3")
	if status != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	scenarios := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "full "):
			scenarios++
			if !strings.Contains(l, "nothing masked") {
				t.Errorf("full row %q", l)
			}
		case strings.HasPrefix(l, "rad_missing"), strings.HasPrefix(l, "wsi_missing"), strings.HasPrefix(l, "mixed_missing"):
			scenarios++
			if !strings.Contains(l, "eligible") {
				t.Errorf("row %q does not say how many were masked", l)
			}
		}
	}
	if scenarios != 4 {
		t.Fatalf("%d scenario rows in\n%s", scenarios, stdout)
	}
	var ev train.Evaluation
	raw, _ := os.ReadFile(filepath.Join(out, "evaluation.json"))
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	for _, sc := range ev.Scenarios[1:] {
		if sc.Eligible == 0 || len(sc.Masked) != 3 {
			t.Errorf("%s: eligible %d, masked %v", sc.Scenario, sc.Eligible, sc.Masked)
		}
		for _, m := range sc.Masked {
			if m < 0 || m > sc.Eligible {
				t.Errorf("%s: %d masked of %d eligible", sc.Scenario, m, sc.Eligible)
			}
		}
	}
}

// Predicting the run's own training patients overstated the model (C 0.880
// against 0.752) without a word; now they are marked and a warning says so.
func TestPredictMarksTheRunsTrainingPatients(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dataDir, runDir := trainOnFolder(t)
	out := filepath.Join(t.TempDir(), "preds.csv")
	_, errOut, status := runCommand(t, "predict", "--run", runDir, "--cohort", dataDir, "--out", out)
	if status != 0 {
		t.Fatal(errOut)
	}
	raw, _ := os.ReadFile(filepath.Join(runDir, "run.json"))
	var rec train.RunRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	train := map[string]bool{}
	for _, id := range rec.TrainingPredictions().Patients {
		train[id] = true
	}
	rows := readCSVRows(t, out)
	col := len(rows[0]) - 1
	if rows[0][0] != "patient" || rows[0][col] != "in_training" {
		t.Fatalf("header %v", rows[0])
	}
	marked := 0
	for _, r := range rows[1:] {
		if (r[col] == "1") != train[r[0]] {
			t.Errorf("patient %s marked %s, in the run's training set: %v", r[0], r[col], train[r[0]])
		}
		if r[col] == "1" {
			marked++
		}
	}
	if marked != len(train) || !strings.Contains(errOut, "warning: 25 of 34 predicted patients are patients the run was trained on") {
		t.Errorf("%d marked of %d training patients; stderr %q", marked, len(train), errOut)
	}
}

// Two protocols differing only in epochs gave collected rows that differed
// only by hash; the table now carries the epochs and the data seed, and any
// other setting that tells otherwise equal runs apart.
func TestCollectCarriesEverySettingThatDistinguishesRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 32 small models")
	}
	out := t.TempDir()
	for _, epochs := range []string{"1", "2"} {
		if _, errOut, status := runCommand(t, "protocol", "--cohort", "synth:ucec", "--profile", "smoke", "--epochs", epochs, "--repeats", "1", "--out", out); status != 0 {
			t.Fatal(errOut)
		}
	}
	if _, errOut, status := runCommand(t, "collect", "--out", out); status != 0 {
		t.Fatal(errOut)
	}
	rows := readCSVRows(t, filepath.Join(out, "results.csv"))
	header := rows[0]
	scenarioCol := slices.Index(header, "scenario")
	if header[0] != "hash" || scenarioCol < 0 || len(rows) != 1+2*52 {
		t.Fatalf("header %v, %d rows", header, len(rows))
	}
	seen := map[string]string{}
	for _, r := range rows[1:] {
		key := strings.Join(r[1:scenarioCol+1], "|") // every setting and the scenario
		if h, ok := seen[key]; ok && h != r[0] {
			t.Fatalf("runs %s and %s give rows equal but for the hash:\n%v\n%v", h, r[0], header, r)
		}
		seen[key] = r[0]
	}
	if !strings.Contains(strings.Join(header, ","), "data_seed,method,optimizer,profile,epochs") {
		t.Errorf("header %v", header)
	}
}

// A linear baseline has no optimizer and no epochs: giving them was
// recorded as if used ("optimizer: gcs"); now they are refused, and the
// defaults are recorded as not applicable.
func TestProtocolRefusesSettingsAMethodIgnores(t *testing.T) {
	for _, flag := range [][]string{{"--optimizer", "gcs"}, {"--epochs", "3"}} {
		_, errOut, status := runCommand(t, append([]string{"protocol", "--cohort", "synth:ucec", "--method", "coxph", "--out", t.TempDir()}, flag...)...)
		if status != 2 || !strings.Contains(errOut, flag[0]) || !strings.Contains(errOut, "linear baseline") {
			t.Errorf("%v: status %d, stderr %q", flag, status, errOut)
		}
	}
	out := t.TempDir()
	if _, errOut, status := runCommand(t, "protocol", "--cohort", "synth:ucec", "--method", "coxph", "--repeats", "1", "--out", out); status != 0 {
		t.Fatal(errOut)
	}
	raw, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	var s experiment.Summary
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.Optimizer != experiment.NotApplicable {
		t.Errorf("summary records optimizer %q for coxph", s.Optimizer)
	}
	if _, errOut, status := runCommand(t, "collect", "--out", out); status != 0 {
		t.Fatal(errOut)
	}
	raw, _ = os.ReadFile(filepath.Join(out, "results.json"))
	var rows []experiment.CollectRow
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Optimizer != experiment.NotApplicable || r.Epochs != experiment.NotApplicable {
			t.Fatalf("coxph row with optimizer %q, epochs %q", r.Optimizer, r.Epochs)
		}
	}
}

// readCSVRows reads a whole CSV file, the header first.
func readCSVRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
