// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// executedNotebook is a minimal executed notebook: a data line and a cell
// tagged "verdict".
const executedNotebook = `{"cells": [
 {"cell_type": "code", "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["data: synthetic cohorts, synth:pda; profile: quick\n"]}]},
 {"cell_type": "code", "metadata": {"tags": ["verdict"]}, "outputs": [{"name": "stdout", "output_type": "stream", "text": "saved out/figures/figure5_pooled.md\nGCS is not distinguishable from AdamW.\nline 2\nline 3\nline 4\nline 5\n"}]}
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`

func TestIndexFollowsTheSupplement(t *testing.T) {
	out := t.TempDir()
	files := map[string]string{
		"html/notebooks/figure5_optimizers.html": "x", "html/notebooks/table4_cohorts.html": "x", "html/notebooks/figure10_interpretability.html": "x",
		"html/notebooks/explore.html": "x", "html/tutorials/01_survival_analysis.html": "x", "html/notebooks/scratch.html": "x",
		"notebooks/notebooks/figure5_optimizers.ipynb": executedNotebook,
		"figures/figure5_optimizers.png":               "x", "figures/figure5_optimizers.svg": "x", "figures/figure5_pooled.md": "x",
		"figures/figure10_km_pda.png": "x", "figures/stray.png": "x",
	}
	for f, body := range files {
		p := filepath.Join(out, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	stdout, errOut, status := runCommand(t, "index", "--out", out)
	if status != 0 {
		t.Fatalf("%d %s", status, errOut)
	}
	if !strings.Contains(stdout, "6 notebooks, 5 figures and tables") {
		t.Errorf("stdout %q", stdout)
	}
	raw, _ := os.ReadFile(filepath.Join(out, "index.html"))
	page := string(raw)
	for _, want := range []string{`href="html/notebooks/figure5_optimizers.html"`, `<img src="figures/figure5_optimizers.png"`,
		`href="figures/figure5_optimizers.svg"`, `href="figures/figure5_pooled.md"`,
		"Data and profile: synthetic cohorts, synth:pda; profile: quick", "<p>GCS is not distinguishable from AdamW.</p>",
		`href="figures/stray.png"`, `href="html/notebooks/scratch.html"`} {
		if !strings.Contains(page, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(page, "<p>line 4</p>") || !strings.Contains(page, "… 2 more lines in the executed notebook.") {
		t.Error("a long verdict is not cut after three lines with a pointer to the rest")
	}
	if strings.Contains(page, "saved out/figures") {
		t.Error("the verdict keeps the 'saved' lines")
	}
	// The supplement's order, not the alphabet's.
	order := []string{"Table 4 — the cohorts", "Figure 5 —", "Figure 10 —", "The explorer", "Tutorial 1 —", "Other notebooks and files"}
	last := -1
	for _, h := range order {
		i := strings.Index(page, "<h2>"+h)
		if i < 0 || i < last {
			t.Errorf("heading %q at %d, after %d: not in the supplement's order", h, i, last)
		}
		last = i
	}
	if strings.Contains(page, "<h2>Figure 6") {
		t.Error("an artefact that did not run has a section")
	}
	if _, _, status := runCommand(t, "index", "--out", t.TempDir()); status == 0 {
		t.Error("an empty folder indexed")
	}
	os.WriteFile(filepath.Join(out, "notebooks/notebooks/figure5_optimizers.ipynb"), []byte("{"), 0o644)
	if _, errOut, status := runCommand(t, "index", "--out", out); status == 0 || !strings.Contains(errOut, "figure5_optimizers.ipynb") {
		t.Errorf("a broken notebook: status %d, %q", status, errOut)
	}
}
