// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// checkLandscape reads OUT/landscape.json and checks its shape.
func checkLandscape(t *testing.T, out string, grid int) *landscape.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, "landscape.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r landscape.Result
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Eigenvalues) != 2 || r.Eigenvalues[0] < r.Eigenvalues[1] {
		t.Errorf("eigenvalues %v: want two, descending", r.Eigenvalues)
	}
	if len(r.Alphas) != grid || len(r.Betas) != grid || len(r.Loss) != grid || len(r.Loss[0]) != grid {
		t.Fatalf("grid %d×%d for %d α and %d β, want %d", len(r.Loss), len(r.Loss[0]), len(r.Alphas), len(r.Betas), grid)
	}
	if c := r.Loss[grid/2][grid/2]; c != r.LossAtOptimum || r.Alphas[grid/2] != 0 {
		t.Errorf("centre %v, loss at the optimum %v", c, r.LossAtOptimum)
	}
	for _, f := range []string{"landscape.png", "landscape.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	return &r
}

// TestLandscapeOnATrainFolder: the command on a "parachute train" folder
// writes the result and the figure; the same seed gives the same numbers.
func TestLandscapeOnATrainFolder(t *testing.T) {
	runDir := t.TempDir()
	if _, errOut, status := runCommand(t, "train", "--cohort", "synth:pda", "--fold", "1", "--epochs", "2", "--out", runDir); status != 0 {
		t.Fatalf("train: %s", errOut)
	}
	out := t.TempDir()
	stdout, errOut, status := runCommand(t, "landscape", "--run", runDir, "--grid", "3", "--eps", "0.5", "--trace-probes", "3", "--out", out)
	if status != 0 {
		t.Fatalf("landscape: %d %s", status, errOut)
	}
	if !strings.Contains(stdout, "λ₁ = ") || !strings.Contains(errOut, "fold 1 of CPTACPDA") {
		t.Errorf("stdout %q stderr %q", stdout, errOut)
	}
	// Each part reports its progress.
	for _, want := range []string{"landscape: top-2 Hessian eigenpairs by Lanczos", "landscape: trace by Hutchinson's estimator (3 probes)",
		"landscape: loss on a 3 × 3 grid", "landscape: grid done in"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("no progress line %q in\n%s", want, errOut)
		}
	}
	r := checkLandscape(t, out, 3)
	if r.TraceProbes != 3 || r.Directions != "hessian" {
		t.Errorf("trace probes %d, directions %s", r.TraceProbes, r.Directions)
	}
	again := t.TempDir()
	if _, errOut, status := runCommand(t, "landscape", "--run", runDir, "--grid", "3", "--eps", "0.5", "--trace-probes", "3", "--out", again); status != 0 {
		t.Fatalf("landscape: %s", errOut)
	}
	if r2 := checkLandscape(t, again, 3); !slices.Equal(r.Eigenvalues, r2.Eigenvalues) || r.Trace != r2.Trace {
		t.Errorf("not reproducible: %v %v vs %v %v", r.Eigenvalues, r.Trace, r2.Eigenvalues, r2.Trace)
	}
	if _, errOut, status := runCommand(t, "landscape", "--run", runDir, "--directions", "pca", "--out", out); status == 0 || !strings.Contains(errOut, "pca") {
		t.Errorf("--directions pca: status %d, %s", status, errOut)
	}
}

// TestLandscapeOnACacheRun: a result file of the protocol cache is
// retrained from its configuration, its test risks reproduced; a tampered
// file is refused by its checksum, or, without one, because the model does
// not reproduce its risks.
func TestLandscapeOnACacheRun(t *testing.T) {
	base, err := train.Profile(train.ProfileQuick)
	if err != nil {
		t.Fatal(err)
	}
	base.Epochs, base.Schedule.TMax = 2, 2
	rc := experiment.ProtocolRuns(data.CohortSpec{Source: "synth:pda", Seed: 1}, 5, train.MethodParachute, base, train.EvalProfile(train.ProfileSmoke))[1]
	cache := t.TempDir()
	if _, _, err := experiment.RunOrLoad(cache, rc, experiment.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	path := experiment.ResultPath(cache, rc)
	out := t.TempDir()
	if _, errOut, status := runCommand(t, "landscape", "--run", path, "--grid", "3", "--trace-probes", "0", "--directions", "random", "--out", out); status != 0 {
		t.Fatalf("landscape: %d %s", status, errOut)
	} else if !strings.Contains(errOut, "retrained, test risks reproduced") {
		t.Errorf("stderr %q", errOut)
	}
	if r := checkLandscape(t, out, 3); r.Directions != "random" || r.TraceProbes != 0 {
		t.Errorf("directions %s, trace probes %d", r.Directions, r.TraceProbes)
	}

	raw, _ := os.ReadFile(path)
	var res experiment.RunResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	res.OutOfFold[0].Risk += 0.5
	if err := experiment.WriteJSON(path, res); err != nil {
		t.Fatal(err)
	}
	if _, errOut, status := runCommand(t, "landscape", "--run", path, "--grid", "3", "--out", t.TempDir()); status == 0 || !strings.Contains(errOut, "damaged") {
		t.Errorf("a tampered cache run: status %d, %s", status, errOut)
	}
	// Without its checksum (a file of an older build), the retrained model
	// is what refuses it.
	res.Checksum = ""
	if err := experiment.WriteJSON(path, res); err != nil {
		t.Fatal(err)
	}
	if _, errOut, status := runCommand(t, "landscape", "--run", path, "--grid", "3", "--out", t.TempDir()); status == 0 || !strings.Contains(errOut, "does not reproduce the cached run") {
		t.Errorf("a tampered cache run without checksum: status %d, %s", status, errOut)
	}
}
