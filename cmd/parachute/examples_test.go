// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exampleOrder is the order in which the help examples run: each uses what
// the ones before it wrote (the quick start's data and run first).
var exampleOrder = [][]string{{"data", "synth"}, {"data", "summary"}, {"train"}, {"evaluate"}, {"metrics"}, {"predict"},
	{"landscape"}, {"interpret", "morphology"}, {"protocol"}, {"collect"}, {"sweep"}, {"slurm"}, {"reproduce"}, {"interpret"}, {"index"},
	{"model", "summary"}, {"coxph"}, {"coxnet"}, {"backends"}, {"bench"}, {"fidelity", "export"}}

// TestHelpExamplesRun runs every command's help example, as printed, in one
// folder (with the repository's parachute/ and tools/ beside it, which some
// examples read): each must exit 0. Only data fetch-splits is left out (it
// downloads; TestDataFetchSplits serves it locally).
func TestHelpExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains about 40 small models")
	}
	covered := map[string]bool{"data fetch-splits": true}
	for _, cmd := range exampleOrder {
		covered[strings.Join(cmd, " ")] = true
	}
	for _, cmd := range commandNames {
		if !covered[strings.Join(cmd, " ")] {
			t.Fatalf("the example of %v is not run", cmd)
		}
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, d := range []string{"parachute", "tools"} {
		if err := os.Symlink(filepath.Join(repo, d), filepath.Join(dir, d)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, cmd := range exampleOrder {
		help, _, _ := flagsOnlyRun(t, append(slices.Clone(cmd), "-h")...)
		_, example, ok := strings.Cut(help, "\nexample:\n  parachute ")
		if !ok {
			t.Fatalf("%v: no example in\n%s", cmd, help)
		}
		example, _, _ = strings.Cut(example, "\n")
		args := strings.Fields(example)
		if !slices.Equal(args[:len(cmd)], cmd) {
			t.Fatalf("the example of %v runs %v", cmd, args)
		}
		if _, errOut, status := runCommand(t, args...); status != 0 {
			t.Errorf("parachute %s: status %d\n%s", example, status, errOut)
		}
	}
}
