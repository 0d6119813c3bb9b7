// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// trainOnFolder writes a small synthetic ucec cohort to a folder, trains two
// epochs on its fold 0 and returns the data and run folders.
func trainOnFolder(t *testing.T) (dataDir, runDir string) {
	t.Helper()
	dataDir, runDir = t.TempDir(), t.TempDir()
	if _, errOut, status := runCommand(t, "data", "synth", "--preset", "ucec", "--slices", "8", "--out", dataDir); status != 0 {
		t.Fatalf("synth: %s", errOut)
	}
	if _, errOut, status := runCommand(t, "train", "--cohort", dataDir, "--fold", "0", "--epochs", "2", "--out", runDir); status != 0 {
		t.Fatalf("train: %s", errOut)
	}
	return dataDir, runDir
}

// TestPredictMatchesTheRunAndFeedsMetrics: on the training folder itself
// (its split file read as a case list), predict gives every patient the risk
// the run recorded, a survival curve from the run's Breslow baseline, and a
// CSV that "parachute metrics" scores.
func TestPredictMatchesTheRunAndFeedsMetrics(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dataDir, runDir := trainOnFolder(t)
	out := filepath.Join(t.TempDir(), "preds.csv")
	trainCSV := filepath.Join(t.TempDir(), "train.csv")
	stdout, errOut, status := runCommand(t, "predict", "--run", runDir, "--cohort", dataDir, "--times", "200,400", "--out", out, "--train-out", trainCSV)
	if status != 0 {
		t.Fatalf("predict: %d %s", status, errOut)
	}
	if !strings.Contains(stdout, "34 patients (33 with both modalities, 1 pathology only, 0 radiology only; 34 with a known outcome)") {
		t.Fatalf("stdout %q", stdout)
	}
	tab, err := scoring.ReadCSV(out, true)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(runDir, "run.json"))
	var rec train.RunRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	recorded := map[string]float64{}
	for _, r := range rec.Risks {
		recorded[r.Patient] = r.Risk
	}
	if len(tab.Risk) != 34 || len(recorded) != 34 {
		t.Fatalf("%d predictions, %d recorded risks", len(tab.Risk), len(recorded))
	}
	var train survival.Outcomes
	var trainRisk []float64
	for _, r := range rec.Risks {
		if r.Split == "train" {
			train.Time, train.Event, trainRisk = append(train.Time, r.Time), append(train.Event, r.Event), append(trainRisk, r.Risk)
		}
	}
	for i, id := range tab.Patients {
		if math.Abs(tab.Risk[i]-recorded[id]) > 1e-6 {
			t.Fatalf("patient %s: predicted risk %v, the run recorded %v", id, tab.Risk[i], recorded[id])
		}
		// S(t | x) = exp(−H0(t) e^risk): decreasing in t, and in risk.
		s200, s400 := tab.Surv[0][i], tab.Surv[1][i]
		if !(s400 <= s200 && s200 <= 1 && s400 >= 0) {
			t.Fatalf("patient %s: S(200) %v, S(400) %v", id, s200, s400)
		}
		for j := range tab.Patients {
			if tab.Risk[j] > tab.Risk[i] && tab.Surv[1][j] > tab.Surv[1][i] {
				t.Fatalf("higher risk, higher survival: %s and %s", tab.Patients[j], id)
			}
		}
	}
	// H0 from S at one patient agrees with S at every other: log(−log S) − risk
	// is the same log H0(400) for all.
	logH := func(i int) float64 { return math.Log(-math.Log(tab.Surv[1][i])) - tab.Risk[i] }
	for i := range tab.Patients {
		if math.Abs(logH(i)-logH(0)) > 1e-9 {
			t.Fatalf("log H0(400) differs: %v vs %v", logH(i), logH(0))
		}
	}
	// H0 is the Breslow baseline of the run's training patients (risks in
	// evaluation mode), as "parachute evaluate" uses.
	h0, err := survival.BreslowBaseline(train, trainRisk)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(h0.At(400)); math.Abs(logH(0)-want) > 1e-9 {
		t.Fatalf("log H0(400) from the predictions %v, from the run's training patients %v", logH(0), want)
	}
	if _, errOut, status := runCommand(t, "metrics", "--test", out, "--train", trainCSV); status != 0 && status != 1 {
		t.Fatalf("metrics: %d %s", status, errOut)
	}
}

// TestPredictWithoutOutcomes: a case list with case IDs only gives empty
// time and event cells (which metrics names until they are filled in);
// without any case list, CT case folders are the patients and a slide
// matching none is a patient of its own, reported as such.
func TestPredictWithoutOutcomes(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dataDir, runDir := trainOnFolder(t)
	list := filepath.Join(dataDir, "labels_splits", "CPTACUCEC", "k=all.tsv")
	raw, _ := os.ReadFile(list)
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
		ids = append(ids, strings.Split(line, "\t")[0])
	}
	os.WriteFile(list, []byte("case_id\n"+strings.Join(ids, "\n")+"\n"), 0o644)
	out := filepath.Join(t.TempDir(), "preds.csv")
	stdout, errOut, status := runCommand(t, "predict", "--run", runDir, "--cohort", dataDir, "--out", out)
	if status != 0 || !strings.Contains(stdout, "34 patients") || !strings.Contains(stdout, "0 with a known outcome") {
		t.Fatalf("predict: %d %q %s", status, stdout, errOut)
	}
	body, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 35 || !strings.HasPrefix(lines[0], "patient,time,event,risk,S_") || !strings.HasPrefix(lines[1], ids[0]+",,,") {
		t.Fatalf("preds.csv starts %q", lines[:2])
	}
	if _, errOut, status := runCommand(t, "metrics", "--test", out); status != 2 || !strings.Contains(errOut, "time and event are empty") {
		t.Fatalf("metrics on unknown outcomes: %d %s", status, errOut)
	}

	// No case list at all.
	os.Remove(list)
	stdout, errOut, status = runCommand(t, "predict", "--run", runDir, "--cohort", dataDir, "--out", out)
	if status != 0 {
		t.Fatalf("predict: %d %s", status, errOut)
	}
	np, err := data.LoadNewPatients(dataDir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	// ucec: 33 patients with CT; the one without has its slides taken one by one.
	if len(np.SlidesAsPatients) == 0 || len(np.Patients) != 33+len(np.SlidesAsPatients) ||
		!strings.Contains(errOut, "slide files taken as patients of their own") {
		t.Fatalf("%d patients, %d slides as patients; stderr %s", len(np.Patients), len(np.SlidesAsPatients), errOut)
	}
}

// TestPredictRejectsBadInput: a model trained on other encoders' widths, and
// a corrupt feature file, give errors that name the fault.
func TestPredictRejectsBadInput(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dataDir, runDir := trainOnFolder(t)
	other := t.TempDir()
	if _, errOut, status := runCommand(t, "data", "synth", "--preset", "ucec", "--radiology", "MedSAM2", "--out", other); status != 0 {
		t.Fatalf("synth: %s", errOut)
	}
	out := filepath.Join(t.TempDir(), "preds.csv")
	// The run reads MedImageInsight features, which this folder lacks: every
	// patient is predicted from pathology alone, and the output says so.
	stdout, errOut, status := runCommand(t, "predict", "--run", runDir, "--cohort", other, "--out", out)
	if status != 0 || !strings.Contains(errOut, "radiology folder features/CPTACUCEC/MedImageInsights") ||
		!strings.Contains(stdout, "0 with both modalities, 34 pathology only") {
		t.Fatalf("other encoders: %d %q %s", status, stdout, errOut)
	}
	ct := filepath.Join(dataDir, "features", "CPTACUCEC", "MedImageInsights")
	entries, _ := os.ReadDir(ct)
	victim := filepath.Join(ct, entries[0].Name(), "series001.npy")
	os.WriteFile(victim, []byte("not numpy"), 0o644)
	_, errOut, status = runCommand(t, "predict", "--run", runDir, "--cohort", dataDir, "--out", out)
	if status != 2 || !strings.Contains(errOut, "series001.npy") || !strings.Contains(errOut, "(patient "+entries[0].Name()+")") {
		t.Fatalf("corrupt file: %d %s", status, errOut)
	}
	_, err := data.LoadNewPatients(dataDir, "", nil)
	if !errors.Is(err, data.ErrFormat) {
		t.Fatalf("err = %v", err)
	}
}
