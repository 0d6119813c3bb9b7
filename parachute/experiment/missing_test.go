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
	grid := filepath.Join(t.TempDir(), "grid.json")
	if err := os.WriteFile(grid, []byte(`{"cohorts": [{"source": "synth:ucec", "seed": 1}], "profiles": ["smoke"],
		"pmiss": [0, 0.15], "folds": [0, 1, 2], "repeats": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := ReadGrid(grid)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := g.Runs(&CohortCache{})
	if err != nil || len(runs) != 6 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	root := t.TempDir()
	write := func(path string, raw []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeResult(ResultPath(root, runs[0]), &RunResult{Config: runs[0], Hash: runs[0].Hash()}); err != nil {
		t.Fatal(err)
	}
	write(checkpointPath(root, runs[2]), []byte("a checkpoint"))
	host, _ := os.Hostname()
	lock := func(pid int) []byte {
		raw, _ := json.Marshal(lockHolder{PID: pid, Host: host, Started: time.Now().UTC()})
		return raw
	}
	write(lockPath(root, runs[3].Hash()), lock(deadPID(t)))
	write(lockPath(root, runs[4].Hash()), lock(os.Getpid()))
	write(ResultPath(root, runs[5]), []byte(`{"hash": "damaged`))

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
