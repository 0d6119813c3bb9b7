// SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// commandNames lists every command with its subcommand words.
var commandNames = [][]string{{"metrics"}, {"coxph"}, {"coxnet"}, {"data", "fetch-splits"}, {"data", "synth"}, {"data", "summary"},
	{"train"}, {"model", "summary"}, {"protocol"}, {"evaluate"}, {"predict"}, {"sweep"}, {"collect"}, {"slurm"}, {"reproduce"},
	{"backends"}, {"index"}, {"interpret"}, {"interpret", "morphology"}, {"landscape"}, {"fidelity", "export"}, {"bench"}}

// flagsOnlyRun runs a command with flagsOnly set: its flags are parsed and
// checked, and nothing else happens.
func flagsOnlyRun(t testing.TB, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	flagsOnly = true
	defer func() { flagsOnly = false }()
	var out, errOut strings.Builder
	status = run(args, &out, &errOut)
	return out.String(), errOut.String(), status
}

// commandFlagNames returns the flags a command defines, read from its help.
func commandFlagNames(t testing.TB, cmd []string) []string {
	t.Helper()
	stdout, errOut, status := flagsOnlyRun(t, append(slices.Clone(cmd), "-h")...)
	if status != 0 {
		t.Fatalf("%v -h: status %d, stderr %q", cmd, status, errOut)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(stdout, -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatalf("%v -h lists no flags:\n%s", cmd, stdout)
	}
	return names
}

// Out-of-range and malformed values are refused before any work, exit 2,
// with the flag's name; these panicked or were silently replaced before
// (bench --steps -2 panicked, train --epochs -3 trained 20 epochs, evaluate
// --repeats -3 used 5, landscape --grid 0 computed 41 × 41 and printed
// "0×0", collect --out typo created the folder and printed null).
func TestBadFlagValuesNameTheFlag(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"bench", "--steps", "-2"}, "--steps"},
		{[]string{"bench", "--predictions", "0"}, "--predictions"},
		{[]string{"bench", "--stack", "0,5"}, "--stack"},
		{[]string{"bench", "--stack-layout", "rows"}, "--stack-layout"},
		{[]string{"train", "--cohort", "synth:pda", "--out", dir, "--epochs", "-3"}, "--epochs"},
		{[]string{"train", "--cohort", "synth:pda", "--out", dir, "--fold", "-1"}, "--fold"},
		{[]string{"train", "--cohort", "synth:pda", "--out", dir, "--pmiss", "1.5"}, "--pmiss"},
		{[]string{"train", "--cohort", "synth:pda", "--out", dir, "--profile", "papr"}, `did you mean "paper"`},
		{[]string{"train", "--cohort", "synth:pda", "--out", dir, "--optimizer", "adam"}, "--optimizer"},
		{[]string{"evaluate", "--run", dir, "--repeats", "-3"}, "--repeats"},
		{[]string{"landscape", "--run", dir, "--out", dir, "--grid", "0"}, "--grid"},
		{[]string{"landscape", "--run", dir, "--out", dir, "--eps", "-1"}, "--eps"},
		{[]string{"landscape", "--run", dir, "--out", dir, "--directions", "pca"}, "--directions"},
		{[]string{"collect", "--out", filepath.Join(dir, "typo")}, "--out"},
		{[]string{"metrics", "--test", filepath.Join(dir, "none.csv")}, "--test"},
		{[]string{"metrics", "--test", "x.csv", "--bins", "-1"}, "--bins"},
		{[]string{"metrics", "--test", "x.csv", "--times", "0,5"}, "--times"},
		{[]string{"protocol", "--cohort", "synth:pda", "--out", dir, "--workers", "-1"}, "--workers"},
		{[]string{"protocol", "--cohort", "synth:pda", "--out", dir, "--stack", "-2"}, "--stack"},
		{[]string{"protocol", "--cohort", "synth:pda", "--out", dir, "--method", "coxhp"}, "--method"},
		{[]string{"sweep", "--grid", "g.json", "--out", dir, "--shard", "3/2"}, "--shard"},
		{[]string{"coxnet", "--data", "x.csv", "--covariates", "a", "--alpha", "2"}, "--alpha"},
		{[]string{"coxnet", "--data", "x.csv", "--covariates", "a", "--lambda", "0.1,-1"}, "--lambda"},
		{[]string{"coxph", "--data", "x.csv", "--covariates", "a", "--ridge", "-1"}, "--ridge"},
		{[]string{"data", "synth", "--preset", "pda", "--out", dir, "--slices", "-4"}, "--slices"},
		{[]string{"data", "synth", "--preset", "pdac", "--out", dir}, "--preset"},
		{[]string{"data", "fetch-splits", "--cohort", "all", "--dest", dir, "--timeout", "-1s"}, "--timeout"},
		{[]string{"reproduce", "--only", "figure8"}, "--only"},
		{[]string{"reproduce", "--profile", "authors"}, "--profile"},
		{[]string{"interpret", "--cohort", "synth:pda", "--out", dir, "--pmiss", "0.2"}, "--pmiss"},
		{[]string{"train", "--cohort", "synth:pda"}, "--out is required"},
		{[]string{"data", "summary", "--cohort", "synth:pda", "--seed", "2"}, `did you mean "--data-seed"`},
	} {
		_, errOut, status := flagsOnlyRun(t, c.args...)
		if status != 2 || !strings.Contains(errOut, c.flag) {
			t.Errorf("%v: status %d, stderr %q; want 2 naming %s", c.args, status, errOut, c.flag)
		}
	}
}

// Every command's help goes to stdout with exit 0, a usage line, an example
// that names the command, and its flags with their defaults; "help CMD"
// is the same.
func TestHelpFollowsTheConventions(t *testing.T) {
	for _, cmd := range commandNames {
		stdout, errOut, status := flagsOnlyRun(t, append(slices.Clone(cmd), "--help")...)
		name := strings.Join(cmd, " ")
		if status != 0 || errOut != "" {
			t.Errorf("%s --help: status %d, stderr %q", name, status, errOut)
			continue
		}
		if !strings.HasPrefix(stdout, "usage: parachute "+name) || !strings.Contains(stdout, "\nexample:\n  parachute "+name) ||
			!strings.Contains(stdout, "\nflags:\n") {
			t.Errorf("%s --help:\n%s", name, stdout)
		}
	}
	a, _, _ := flagsOnlyRun(t, "help", "train")
	b, _, _ := flagsOnlyRun(t, "train", "-h")
	if a != b || a == "" {
		t.Errorf("help train and train -h differ")
	}
	stdout, _, status := flagsOnlyRun(t, "--help")
	if status != 0 || !strings.Contains(stdout, "commands:") {
		t.Errorf("--help: %d %q", status, stdout)
	}
	// The profile list is one list, with every profile.
	stdout, _, _ = flagsOnlyRun(t, "train", "-h")
	if !strings.Contains(stdout, "quick, paper, authors, smoke") {
		t.Errorf("train -h does not list every profile:\n%s", stdout)
	}
}

func TestVersionAndUnknownCommands(t *testing.T) {
	stdout, _, status := flagsOnlyRun(t, "--version")
	for _, want := range []string{"parachute: github.com/parachute-surv/goparachute", "commit:", "gomlx:     v0.26.0", "backend:"} {
		if status != 0 || !strings.Contains(stdout, want) {
			t.Errorf("--version: status %d, no %q in\n%s", status, want, stdout)
		}
	}
	_, errOut, status := flagsOnlyRun(t, "trian")
	if status != 2 || !strings.Contains(errOut, `did you mean "train"`) {
		t.Errorf("trian: %d %q", status, errOut)
	}
}

// Every command runs its flag checks without panicking on any value of any
// of its flags; a refused value names a flag.
func FuzzCommandFlags(f *testing.F) {
	for _, s := range []string{"-2", "0", "1e309", "NaN", "-1s", "", ",", "synth:pda", "../..", "3/2", "0.5", "-", "papr", "4097"} {
		f.Add(uint8(0), uint8(0), s)
	}
	names := make([][]string, len(commandNames))
	for i, cmd := range commandNames {
		names[i] = commandFlagNames(f, cmd)
	}
	f.Fuzz(func(t *testing.T, c, k uint8, value string) {
		cmd := commandNames[int(c)%len(commandNames)]
		flagName := names[int(c)%len(commandNames)][int(k)%len(names[int(c)%len(commandNames)])]
		_, errOut, status := flagsOnlyRun(t, append(slices.Clone(cmd), "--"+flagName+"="+value)...)
		_, message, _ := strings.Cut(errOut, " -h for its flags)\n")
		if status != 0 && (status != 2 || !strings.Contains(message, "--")) {
			t.Errorf("%v --%s=%q: status %d, stderr %q", cmd, flagName, value, status, errOut)
		}
	})
}

// Every number or choice flag of every command has a check: a value out of
// any sensible range is refused with the flag's name.
func TestEveryNumericFlagIsChecked(t *testing.T) {
	for _, cmd := range commandNames {
		fs := flagSetOf(t, cmd)
		fs.VisitAll(func(fl *flag.Flag) {
			getter, ok := fl.Value.(flag.Getter)
			if !ok {
				return
			}
			var bad string
			switch getter.Get().(type) {
			case int, float64:
				bad = "-7"
			default:
				return
			}
			switch fl.Name { // flags whose whole range is meaningful
			case "data-seed", "seed":
				return
			}
			_, errOut, status := flagsOnlyRun(t, append(slices.Clone(cmd), "--"+fl.Name, bad)...)
			if status != 2 || !strings.Contains(errOut, "--"+fl.Name) {
				t.Errorf("%v --%s %s: status %d, stderr %q", cmd, fl.Name, bad, status, errOut)
			}
		})
	}
}

// flagSetOf returns a command's flag set, captured from its help run.
func flagSetOf(t *testing.T, cmd []string) *flag.FlagSet {
	t.Helper()
	captured = nil
	flagsOnlyRun(t, append(slices.Clone(cmd), "-h")...)
	if captured == nil {
		t.Fatalf("%v: no flag set captured", cmd)
	}
	return captured
}

// A missing split file is "not found", with the command that fetches it.
func TestMissingSplitFileSaysHowToFetchIt(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "labels_splits", "pda"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, errOut, status := runCommand(t, "data", "summary", "--cohort", dir)
	if status != 2 || !strings.Contains(errOut, "split file not found") || !strings.Contains(errOut, "parachute data fetch-splits") {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
}

// GOMLX_BACKEND=cuda (or cpu, simplego) panicked with a stack trace; it is
// an error that lists the valid names.
func TestUnknownBackendIsAnError(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "cuda")
	_, errOut, status := runCommand(t, "backends")
	if status != 2 || !strings.Contains(errOut, `unknown backend "cuda"`) || !strings.Contains(errOut, `"go"`) {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
}

// "-" reads standard input: metrics on the minimal documented input
// (time,event,risk) exits 0 with what it can compute and lists what it
// cannot (Brier, IBS and calibration need predicted survival).
func TestMetricsOnMinimalInputFromStdin(t *testing.T) {
	stdin = strings.NewReader("time,event,risk\n5,1,0.3\n8,0,0.1\n3,1,0.9\n10,1,0.2\n12,0,0.5\n7,1,0.4\n9,1,0.35\n")
	defer func() { stdin = os.Stdin }()
	stdout, errOut, status := runCommand(t, "metrics", "--test", "-")
	if status != 0 || !strings.Contains(stdout, `"harrell_c": 0.6666666666666666`) ||
		!strings.Contains(errOut, "not computed:\n  brier, ibs, calibration: no predicted survival") {
		t.Errorf("status %d, stdout %s, stderr %q", status, stdout, errOut)
	}
}

// A fault in standard input is reported as "standard input", not as the
// temporary file it is read through.
func TestStdinFaultsNameStandardInput(t *testing.T) {
	stdin = strings.NewReader("time,event,age\n5,1,abc\n")
	defer func() { stdin = os.Stdin }()
	_, errOut, status := runCommand(t, "coxph", "--data", "-", "--covariates", "age")
	if status != 2 || !strings.Contains(errOut, "standard input: row 2: age") || strings.Contains(errOut, "parachute-stdin") {
		t.Errorf("status %d, stderr %q", status, errOut)
	}
}
