// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

func TestDataSummaryOfASyntheticCohort(t *testing.T) {
	out, errOut, status := runCommand(t, "data", "summary", "--cohort", "synth:pda", "--data-seed", "1")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]float64{"patients": 96, "events": 70, "folds": 5,
		"histo_patients": 76, "histo_images": 553, "rad_patients": 34, "rad_images": 232} {
		if s[key] != want {
			t.Errorf("%s = %v, want %v", key, s[key], want)
		}
	}
	if oc, ok := s["oracle_c"].(float64); !ok || oc <= 0.5 || oc >= 1 {
		t.Errorf("oracle_c = %v", s["oracle_c"])
	}
}

func TestDataSynthThenSummaryOfTheFolder(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := t.TempDir()
	if _, errOut, status := runCommand(t, "data", "synth", "--preset", "ccrcc", "--data-seed", "3", "--out", dir); status != 0 {
		t.Fatalf("synth: %s", errOut)
	}
	synthOut, _, _ := runCommand(t, "data", "summary", "--cohort", "synth:ccrcc", "--data-seed", "3")
	folderOut, errOut, status := runCommand(t, "data", "summary", "--cohort", dir)
	if status != 0 {
		t.Fatalf("summary: %s", errOut)
	}
	var a, b data.Summary
	json.Unmarshal([]byte(synthOut), &a)
	json.Unmarshal([]byte(folderOut), &b)
	if a.Counts != b.Counts || *a.OracleC != *b.OracleC || b.Report == nil || b.Report.Patients != 92 {
		t.Fatalf("in memory %+v, from the folder %+v", a, b)
	}
}

// TestDataSynthFixedSlices writes a cohort whose CT series all have the
// same slice count, as the authors' loader needs (one n_patches per cohort).
func TestDataSynthFixedSlices(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	dir := t.TempDir()
	if _, errOut, status := runCommand(t, "data", "synth", "--preset", "ucec", "--slices", "66", "--out", dir); status != 0 {
		t.Fatalf("synth: %s", errOut)
	}
	c, err := data.Load(dir, "ucec", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range c.Patients {
		for _, s := range p.Series {
			if s.Slices != 66 {
				t.Fatalf("patient %s series %s has %d slices", p.ID, s.ID, s.Slices)
			}
			n++
		}
		for _, s := range p.Slides {
			if len(s.Coords) < 16 {
				t.Fatalf("patient %s slide %s has coords %v", p.ID, s.ID, s.Coords)
			}
		}
	}
	if n != 192 {
		t.Fatalf("%d series, want the preset's 192", n)
	}
}

func TestDataFetchSplits(t *testing.T) {
	shared := os.Getenv("PARACHUTE_SHARED_COHORTS")
	if shared == "" {
		shared = filepath.Join("..", "..", "..", "shared", "cohorts")
	}
	if _, err := os.Stat(filepath.Join(shared, "CPTACUCEC", "k=all.tsv")); err != nil {
		t.Skipf("real split files not found in %s", shared)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(shared)))
	defer srv.Close()
	dest := t.TempDir()
	out, errOut, status := runCommand(t, "data", "fetch-splits", "--cohort", "all", "--dest", dest, "--base-url", srv.URL)
	if status != 0 || strings.Count(out, "SHA-256 verified") != 3 {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := data.ReadSplits(filepath.Join(dest, "MMISTCCRCC", "k=all.tsv")); err != nil {
		t.Fatal(err)
	}
}

func TestDataCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"data"},
		{"data", "nope"},
		{"data", "summary"},
		{"data", "summary", "--cohort", "synth:lung"},
		{"data", "summary", "--cohort", t.TempDir()},
		{"data", "synth", "--preset", "pda"},
		{"data", "synth", "--preset", "pda", "--slices", "-1", "--out", "x"},
		{"data", "fetch-splits", "--cohort", "pda"},
	} {
		if _, errOut, status := runCommand(t, args...); status != 2 || errOut == "" {
			t.Errorf("%v: status %d, stderr %q", args, status, errOut)
		}
	}
}

func TestTrainWritesARunFile(t *testing.T) {
	out := t.TempDir()
	stdout, errOut, status := runCommand(t, "train", "--cohort", "synth:ucec", "--fold", "2", "--epochs", "2", "--seed", "3", "--out", out)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	raw, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var run map[string]any
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"config", "history", "test_harrell_c", "risks"} {
		if _, ok := run[key]; !ok {
			t.Errorf("run.json lacks %q", key)
		}
	}
	if h := run["history"].([]any); len(h) != 2 {
		t.Errorf("%d epochs in the history", len(h))
	}
	if _, err := os.Stat(filepath.Join(out, "checkpoint.gob")); err != nil || !strings.Contains(stdout, "test Harrell C") {
		t.Errorf("checkpoint: %v; stdout %q", err, stdout)
	}
}

func TestModelSummaryJSON(t *testing.T) {
	out, errOut, status := runCommand(t, "model", "summary", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var s struct {
		TotalParams int `json:"total_params"`
		Modules     []struct {
			Module string `json:"module"`
		} `json:"modules"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.TotalParams != 5143297 || len(s.Modules) < 10 {
		t.Fatalf("summary %+v", s)
	}
	table, _, _ := runCommand(t, "model", "summary", "--config", "quick")
	if !strings.Contains(table, "fusion/block4") || !strings.Contains(table, "298849") {
		t.Fatalf("table:\n%s", table)
	}
}

// TestTrainCompatAuthors: --compat-authors turns on every switch that
// reproduces the authors' code, and the run trains (BatchNorm's running
// statistics are saved with the checkpoint).
func TestTrainCompatAuthors(t *testing.T) {
	out := t.TempDir()
	if _, errOut, status := runCommand(t, "train", "--cohort", "synth:ucec", "--fold", "1", "--epochs", "1", "--optimizer", "gcs",
		"--compat-authors", "--out", out); status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	raw, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Config struct {
			CompatInvertedEvents bool `json:"compat_inverted_events"`
			CompatDecayAll       bool `json:"compat_decay_all"`
			Model                struct {
				Batch bool `json:"compat_batch_attention"`
				Plain bool `json:"compat_plain_fusion"`
				Norm  bool `json:"compat_batch_norm"`
			} `json:"model"`
			Methods struct {
				GCS struct {
					Compat bool `json:"compat"`
				} `json:"gcs"`
			} `json:"methods"`
		} `json:"config"`
		TestC *float64 `json:"test_harrell_c"`
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		t.Fatal(err)
	}
	c := run.Config
	if !c.CompatInvertedEvents || !c.CompatDecayAll || !c.Model.Batch || !c.Model.Plain || !c.Model.Norm || !c.Methods.GCS.Compat || run.TestC == nil {
		t.Fatalf("run.json %s", raw)
	}
}
