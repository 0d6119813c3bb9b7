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

// backends says what is selected and why, and runs a 2-op graph on it.
func TestBackendsReportsTheSelection(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	stdout, errOut, status := runCommand(t, "backends", "--smoke")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"go:ops_sequential (from default)", "2x + 1 of [1 2 3] = [3 5 7]", "xla:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	t.Setenv("GOMLX_BACKEND", "xla:/no/such/plugin.so")
	if _, errOut, status := runCommand(t, "backends"); status == 0 || !strings.Contains(errOut, "-tags xla") {
		t.Errorf("xla in a build without it: status %d, stderr %q", status, errOut)
	}
}
