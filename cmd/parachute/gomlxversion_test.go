// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnotherGoMLXVersionRuns builds parachute as if it were linked against
// another GoMLX version (the link-time version of package simplegoabi) and
// runs it: `parachute backends` says that fastgrad, blasdot and fastops are
// off and why, and a smoke protocol of GCS runs asked to stack trains —
// on GoMLX's own gradients and executors, its stacks as replicas (the run
// axis needs fastgrad's Slice gradient) — instead of failing at start-up.
func TestAnotherGoMLXVersionRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and trains a smoke protocol")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "parachute")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/parachute-surv/goparachute/parachute/internal/simplegoabi.linkedOverride=v0.99.0", ".")
	if raw, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, raw)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "GOMLX_BACKEND=go:ops_sequential")
		raw, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("parachute %s: %v\n%s", strings.Join(args, " "), err, raw)
		}
		return string(raw)
	}
	report := run("backends")
	for _, want := range []string{
		"fastgrad:    inactive: GoMLX's own gradients serve",
		"GoMLX v0.99.0 is not v0.26.0",
		"blas:        inactive",
		"fastops:     inactive",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("parachute backends does not say %q:\n%s", want, report)
		}
	}
	out := filepath.Join(dir, "protocol")
	run("protocol", "--cohort", "synth:ucec", "--profile", "smoke", "--epochs", "1", "--optimizer", "gcs",
		"--stack", "4", "--workers", "1", "--out", out)
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Fatal(err)
	}
}
