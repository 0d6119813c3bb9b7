// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIndexLinksNotebooksAndFigures(t *testing.T) {
	out := t.TempDir()
	for _, f := range []string{"html/notebooks/figure5_optimizers.html", "html/tutorials/01_survival_analysis.html",
		"figures/figure5_optimizers.png", "figures/figure5_optimizers.svg", "figures/table5_degradation.md"} {
		p := filepath.Join(out, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	stdout, errOut, status := runCommand(t, "index", "--out", out)
	if status != 0 {
		t.Fatalf("%d %s", status, errOut)
	}
	if !strings.Contains(stdout, "2 notebooks, 3 figures and tables") {
		t.Errorf("stdout %q", stdout)
	}
	raw, _ := os.ReadFile(filepath.Join(out, "index.html"))
	for _, want := range []string{`href="html/notebooks/figure5_optimizers.html"`, "<h2>tutorials</h2>", `<img src="figures/figure5_optimizers.png"`,
		`href="figures/table5_degradation.md"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if _, _, status := runCommand(t, "index", "--out", t.TempDir()); status == 0 {
		t.Error("an empty folder indexed")
	}
}
