// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Missing tells each kind of absent run apart: finished runs are not
// listed, and a run that never started, one interrupted with a checkpoint,
// one locked by a dead process, one being trained and one whose result is
// damaged each say so, with their shard.
func TestMissingSaysWhatTheFolderHolds(t *testing.T) {
	runs := smokeGridRuns(t)
	root := t.TempDir()
	if err := writeResult(ResultPath(root, runs[0]), &RunResult{Config: runs[0], Hash: runs[0].Hash()}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, checkpointPath(root, runs[2]), []byte("a checkpoint"))
	writeFile(t, lockPath(root, runs[3].Hash()), lockOf(deadPID(t)))
	writeFile(t, lockPath(root, runs[4].Hash()), lockOf(os.Getpid()))
	writeFile(t, ResultPath(root, runs[5]), []byte(`{"hash": "damaged`))

	missing, err := Missing(root, runs, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "not started", 2: "interrupted: a checkpoint", 3: "not started; a stale lock of pid", 4: "being trained by pid", 5: "result file unreadable"}
	if len(missing) != len(want) {
		t.Fatalf("%d missing runs, want %d: %+v", len(missing), len(want), missing)
	}
	for _, m := range missing {
		if !strings.HasPrefix(m.State, want[m.Index]) {
			t.Errorf("run %d: %q, want it to begin %q", m.Index, m.State, want[m.Index])
		}
		if m.Shard != m.Index%4 {
			t.Errorf("run %d in shard %d of 4", m.Index, m.Shard)
		}
		if !strings.Contains(m.Describe(), "synth:ucec") {
			t.Errorf("run %d described as %q", m.Index, m.Describe())
		}
	}
	if _, err := Missing(root, runs, 0); err == nil {
		t.Error("0 shards accepted")
	}
}

// deadPID is the PID of a process of this host that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	return dead.Process.Pid
}

// A process killed between writing a run's result and releasing its lock
// leaves the lock behind; the next attempt finds the result and removes the
// dead holder's lock, and leaves a live holder's alone.
func TestFinishedRunsDropDeadLocks(t *testing.T) {
	runs := smokeGridRuns(t)
	root := t.TempDir()
	for _, k := range []int{0, 1} {
		if err := writeResult(ResultPath(root, runs[k]), &RunResult{Config: runs[k], Hash: runs[k].Hash()}); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, lockPath(root, runs[0].Hash()), lockOf(deadPID(t)))
	writeFile(t, lockPath(root, runs[1].Hash()), lockOf(os.Getpid()))
	if _, cached, err := RunOrLoad(root, runs[0], RunOptions{}); err != nil || !cached {
		t.Fatalf("run 0: cached %v, %v", cached, err)
	}
	if exists(lockPath(root, runs[0].Hash())) {
		t.Error("a finished run kept the lock of a dead process")
	}
	for _, res := range RunStackOrLoad(root, runs[1:2], RunOptions{}, nil) {
		if res.Err != nil || !res.Cached {
			t.Fatalf("run 1: %+v", res)
		}
	}
	if !exists(lockPath(root, runs[1].Hash())) {
		t.Error("a live process's lock was removed")
	}
}

// An attempt killed while writing its checkpoint or result leaves a
// temporary file; the attempt that finishes the run removes them.
func TestFinishedRunLeavesNoTemporaryFiles(t *testing.T) {
	runs := smokeGridRuns(t)
	root := t.TempDir()
	leftovers := []string{
		filepath.Join(root, "checkpoints", "."+runs[0].Hash()+".gob.tmp123"),
		filepath.Join(root, "runs", "."+runs[0].Hash()+".json.tmp456"),
	}
	other := filepath.Join(root, "runs", "."+runs[1].Hash()+".json.tmp789")
	for _, p := range append(leftovers, other) {
		writeFile(t, p, []byte("half"))
	}
	if _, cached, err := RunOrLoad(root, runs[0], RunOptions{}); err != nil || cached {
		t.Fatalf("run 0: cached %v, %v", cached, err)
	}
	for _, p := range leftovers {
		if exists(p) {
			t.Errorf("left behind: %s", p)
		}
	}
	if !exists(other) {
		t.Error("another run's temporary file was removed (its writer may be alive)")
	}
}

// smokeGridRuns are the 6 runs of a smoke grid on synth:ucec (3 folds, 2
// p_miss).
func smokeGridRuns(t *testing.T) []RunConfig {
	t.Helper()
	grid := filepath.Join(t.TempDir(), "grid.json")
	writeFile(t, grid, []byte(`{"cohorts": [{"source": "synth:ucec", "seed": 1}], "profiles": ["smoke"],
		"pmiss": [0, 0.15], "folds": [0, 1, 2], "repeats": 1}`))
	g, err := ReadGrid(grid)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := g.Runs(&CohortCache{})
	if err != nil || len(runs) != 6 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	return runs
}

// writeFile writes raw to path, making its folder.
func writeFile(t *testing.T, path string, raw []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lockOf is a lock file's content for a holder pid on this host.
func lockOf(pid int) []byte {
	host, _ := os.Hostname()
	raw, _ := json.Marshal(lockHolder{PID: pid, Host: host, Started: time.Now().UTC()})
	return raw
}
