// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/slurm"
)

// Without a cluster: parachute slurm writes the job, the shards run by
// hand, and collect names the task whose runs are missing, quotes the end
// of its log and says how to resubmit it, then passes once it ran.
func TestSlurmJobAndCollectReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results")
	grid := filepath.Join("..", "..", "tools", "grids", "ucec-smoke.json")
	stdout, errOut, status := runCommand(t, "slurm", "--grid", grid, "--out", out, "--shards", "2", "--cpus-per-task", "1")
	if status != 0 {
		t.Fatalf("slurm: %s", errOut)
	}
	script := filepath.Join(out, "slurm", "sweep.sbatch")
	if !strings.Contains(stdout, script) || !strings.Contains(stdout, "sbatch "+script) {
		t.Errorf("slurm printed:\n%s", stdout)
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatal(err)
	}
	// Before any run finished: every run missing, no task logged yet.
	stdout, errOut, status = runCommand(t, "collect", "--out", out)
	if status != 3 || !strings.Contains(stdout+errOut, "4 of 4 runs of the grid have no result") || !strings.Contains(stdout+errOut, "never started") {
		t.Errorf("collect before any run: status %d\n%s%s", status, stdout, errOut)
	}
	if _, errOut, status := runCommand(t, "sweep", "--grid", slurm.GridPath(out), "--out", out, "--shard", "0/2"); status != 0 {
		t.Fatalf("shard 0: %s", errOut)
	}
	logPath := slurm.LogPath(out, 1)
	if err := os.WriteFile(logPath, []byte("== task 1 of job 12, attempt 1, on n1 at 2026-12-05T10:00:00Z\nshard 1/2: 2 of 4 runs\nslurmstepd: error: *** JOB 14 ON n1 CANCELLED AT 2026-12-05T14:00:00 DUE TO TIME LIMIT ***\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, errOut, status = runCommand(t, "collect", "--out", out)
	report := stdout + errOut
	if status != 3 {
		t.Fatalf("collect with shard 1 missing: status %d, want 3\n%s", status, report)
	}
	for _, want := range []string{"2 of 4 runs of the grid have no result", "run 1, task 1: synth:ucec parachute adamw fold 1 p_miss 0.00", "DUE TO TIME LIMIT", "sbatch --array=1 " + script} {
		if !strings.Contains(report, want) {
			t.Errorf("collect's report lacks %q:\n%s", want, report)
		}
	}
	if strings.Contains(report, "task 0") {
		t.Errorf("collect names task 0, whose runs all finished:\n%s", report)
	}
	if _, errOut, status := runCommand(t, "sweep", "--grid", slurm.GridPath(out), "--out", out, "--shard", "1/2"); status != 0 {
		t.Fatalf("shard 1: %s", errOut)
	}
	if stdout, errOut, status := runCommand(t, "collect", "--out", out); status != 0 || !strings.Contains(stdout, "every run of the grid (4) has its result") {
		t.Errorf("collect after both shards: status %d\n%s%s", status, stdout, errOut)
	}
	// The same folder refuses another shard count; too many shards are refused.
	if _, errOut, status := runCommand(t, "slurm", "--grid", grid, "--out", out, "--shards", "3"); status == 0 || !strings.Contains(errOut, "another grid or shard count") {
		t.Errorf("another shard count on the same folder: status %d, %s", status, errOut)
	}
	if _, errOut, status := runCommand(t, "slurm", "--grid", grid, "--out", t.TempDir(), "--shards", "5"); status == 0 || !strings.Contains(errOut, "--shards 5") {
		t.Errorf("5 shards of 4 runs: status %d, %s", status, errOut)
	}
}
