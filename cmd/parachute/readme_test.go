// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMEQuickStart runs the README's quick start as a reader would: every
// "./parachute ..." line of its first code block, in order, in an empty
// folder, each of which must exit 0; the evaluation must print the masked
// scenarios and metrics a JSON object with Harrell's C.
func TestREADMEQuickStart(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "<!-- quick start:")
	if !ok {
		t.Fatal("README.md has no quick start marker")
	}
	_, rest, _ = strings.Cut(rest, "```sh\n")
	block, _, _ := strings.Cut(rest, "```")
	var commands [][]string
	for _, line := range strings.Split(block, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == "./parachute" {
			commands = append(commands, fields[1:])
		}
	}
	if len(commands) < 4 {
		t.Fatalf("%d ./parachute commands in the quick start:\n%s", len(commands), block)
	}
	t.Chdir(t.TempDir())
	began := time.Now()
	var outputs []string
	for _, args := range commands {
		stdout, errOut, status := runCommand(t, args...)
		if status != 0 {
			t.Fatalf("./parachute %s: status %d\n%s", strings.Join(args, " "), status, errOut)
		}
		outputs = append(outputs, stdout)
	}
	t.Logf("the quick start took %v", time.Since(began).Round(time.Millisecond))
	all := strings.Join(outputs, "\n")
	for _, want := range []string{"rad_missing", "eligible per repeat", `"harrell_c"`, `"brier"`} {
		if !strings.Contains(all, want) {
			t.Errorf("the quick start's output has no %q:\n%s", want, all)
		}
	}
}
