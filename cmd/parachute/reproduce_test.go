// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reproduce writes the notebooks' files without Jupyter: figures as PNG and
// SVG, tables as Markdown, and one path per line on stdout.
func TestReproduceWritesTheNamedFiles(t *testing.T) {
	out := t.TempDir()
	stdout, errOut, status := runCommand(t, "reproduce", "--profile", "smoke", "--out", out, "--cache", t.TempDir(),
		"--only", "table4_cohorts,tutorial01_cox_profile")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	want := []string{"table4_cohorts.md", "tutorial01_cox_profile.png", "tutorial01_cox_profile.svg"}
	lines := strings.Fields(stdout)
	if len(lines) != len(want) {
		t.Fatalf("stdout %q, want %d paths", stdout, len(want))
	}
	for i, name := range want {
		if lines[i] != filepath.Join(out, name) {
			t.Errorf("line %d = %q, want %q", i, lines[i], filepath.Join(out, name))
		}
		if info, err := os.Stat(filepath.Join(out, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !strings.Contains(errOut, "synthetic cohorts") || !strings.Contains(errOut, "profile: smoke") {
		t.Errorf("stderr does not say the data and profile: %q", errOut)
	}
	if _, errOut, status := runCommand(t, "reproduce", "--out", out, "--only", "figure99"); status == 0 || !strings.Contains(errOut, "figure99") {
		t.Errorf("unknown name: status %d, stderr %q", status, errOut)
	}
}
