// SPDX-License-Identifier: Apache-2.0

package experiment_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/testutil"
	"github.com/parachute-surv/goparachute/parachute/train"
)

var updateRunFiles = flag.Bool("update-runfiles", false, "rewrite testdata/runfiles from this build")

// runFilesProtocol is a small protocol that reaches every route a run takes
// to its file: one run at a time (AdamW and SAM), a stack on a run axis
// (GCS), replicas (CR-SAM) and a linear baseline (CoxNet).
func runFilesProtocol(t *testing.T) (runs [][]experiment.RunConfig, opts []experiment.RunOptions) {
	t.Helper()
	spec := data.CohortSpec{Source: "synth:ucec", Seed: 3}
	eval := train.EvalProfile(train.ProfileSmoke)
	for _, o := range []struct {
		method, optimizer string
		stack             int
		layout            train.StackLayout
	}{
		{train.MethodParachute, "adamw", 1, train.LayoutAuto},
		{train.MethodParachute, "sam", 1, train.LayoutAuto},
		{train.MethodParachute, "gcs", 4, train.LayoutRunAxis},
		{train.MethodParachute, "crsam", 4, train.LayoutReplicas},
		{train.MethodCoxNet, "", 1, train.LayoutAuto},
	} {
		base, err := train.Profile(train.ProfileSmoke)
		if err != nil {
			t.Fatal(err)
		}
		if o.optimizer != "" {
			base.Optimizer = o.optimizer
		}
		all := experiment.ProtocolRuns(spec, 2, o.method, base, eval)
		// Two ratios of the four keep the test short.
		all = slices.DeleteFunc(all, func(r experiment.RunConfig) bool { return r.Train.PMiss != 0 && r.Train.PMiss != 0.30 })
		runs = append(runs, all)
		opts = append(opts, experiment.RunOptions{Stack: o.stack, StackLayout: o.layout, StackMemory: -1})
	}
	return runs, opts
}

// TestRunFilesUnchanged trains a small protocol and compares every result
// file, timings and checksums aside, with the files the same protocol wrote
// before the experiment wing was cut into packages (testdata/runfiles): a
// move that changes a configuration hash, a file's name or a single number
// fails here. The runs execute in a child process with PARACHUTE_BLAS=off,
// so the arithmetic is GoMLX's own Go loops, the same on every amd64 CPU.
func TestRunFilesUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 40 small runs")
	}
	out := os.Getenv("RUNFILES_CHILD_OUT")
	if out == "" {
		out = t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestRunFilesUnchanged$", "-test.count=1")
		cmd.Env = append(os.Environ(), "RUNFILES_CHILD_OUT="+out, "PARACHUTE_BLAS=off",
			"GOMLX_BACKEND=go:ops_sequential", "GOMLX_NO_AUTO_INSTALL=1")
		if raw, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("training the protocol: %v\n%s", err, raw)
		}
		compareRunFiles(t, filepath.Join(out, "runs"), filepath.Join("testdata", "runfiles"))
		return
	}
	runs, opts := runFilesProtocol(t)
	for i := range runs {
		if _, err := experiment.RunAll(out, runs[i], 1, nil, opts[i]); err != nil {
			t.Fatal(err)
		}
	}
}

// compareRunFiles compares the result files of got with want's (or, with
// -update-runfiles, copies them there).
func compareRunFiles(t *testing.T, got, want string) {
	t.Helper()
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil && !(os.IsNotExist(err) && *updateRunFiles) {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	if *updateRunFiles {
		if err := os.RemoveAll(want); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(want, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names(got) {
			raw, err := os.ReadFile(filepath.Join(got, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(want, n), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if g, w := names(got), names(want); !slices.Equal(g, w) {
		t.Fatalf("result files (configuration hashes) differ:\n got  %v\n want %v", g, w)
	}
	for _, n := range names(want) {
		g, w := testutil.Timeless(t, filepath.Join(got, n)), testutil.Timeless(t, filepath.Join(want, n))
		if !reflect.DeepEqual(g, w) {
			gj, _ := json.MarshalIndent(g, "", " ")
			wj, _ := json.MarshalIndent(w, "", " ")
			t.Errorf("%s differs from the file written before:\n%s", n, firstDifference(string(gj), string(wj)))
		}
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-200)
			return fmt.Sprintf("got  …%s…\nwant …%s…", a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
		}
	}
	return "one is a prefix of the other"
}
