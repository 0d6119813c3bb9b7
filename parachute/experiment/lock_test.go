// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/train/traintest"
)

// lockTestRun is the run the lock tests train: small, a few seconds.
func lockTestRun(t *testing.T) RunConfig {
	cfg := traintest.TinyConfig(t)
	cfg.Epochs, cfg.Schedule.TMax = 3, 3
	return ProtocolRuns(data.CohortSpec{Source: "synth:ucec", Seed: 1}, 4, train.MethodParachute, cfg, train.EvalConfig{Repeats: 1, CalibrationBins: 2})[1]
}

// TestLockHelperProcess is not a test: the two-process test runs the test
// binary again with PARACHUTE_LOCK_HELPER=<root> to train the run there,
// logging each epoch it trains to <root>/epochs.log.
func TestLockHelperProcess(t *testing.T) {
	root := os.Getenv("PARACHUTE_LOCK_HELPER")
	if root == "" {
		t.Skip("helper process of TestTwoProcessesNeverTrainTheSameRun")
	}
	log, err := os.OpenFile(filepath.Join(root, "epochs.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	opts := RunOptions{TrainOptions: train.TrainOptions{OnEpoch: func(e train.Epoch) { fmt.Fprintf(log, "%d epoch %d\n", os.Getpid(), e.Epoch) }}}
	if _, _, err := RunOrLoad(root, lockTestRun(t), opts); err != nil {
		t.Fatal(err)
	}
}

// Two processes given the same run at once: one trains it, the other
// waits for its lock and then reads its result.
func TestTwoProcessesNeverTrainTheSameRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two processes")
	}
	root := t.TempDir()
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PARACHUTE_LOCK_HELPER="+root)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("a helper failed: %v", err)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(root, "epochs.log"))
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	pids := map[string]bool{}
	for _, l := range lines {
		pids[strings.Fields(l)[0]] = true
	}
	if len(lines) != 3 || len(pids) != 1 {
		t.Fatalf("epochs trained: %q; want 3 epochs by one process", lines)
	}
	if _, ok, err := LoadResult(root, lockTestRun(t)); !ok || err != nil {
		t.Fatalf("result: %v %v", ok, err)
	}
	if locks, _ := filepath.Glob(filepath.Join(root, "locks", "*")); len(locks) != 0 {
		t.Errorf("locks left: %v", locks)
	}
}

// A stale lock — its holder is a dead process of this host, or its
// heartbeat stopped on another host — is taken over; a live holder's is not.
func TestStaleLocksAreTakenOver(t *testing.T) {
	host, _ := os.Hostname()
	for _, c := range []struct {
		name   string
		holder lockHolder
		age    time.Duration
		free   bool
	}{
		{"dead process here", lockHolder{PID: deadPID(t), Host: host}, 0, true},
		{"silent elsewhere", lockHolder{PID: 1, Host: "another-machine"}, 2 * lockStale, true},
		{"alive elsewhere", lockHolder{PID: 1, Host: "another-machine"}, 0, false},
		{"alive here", lockHolder{PID: os.Getpid(), Host: host}, 0, false},
	} {
		root := t.TempDir()
		path := lockPath(root, "abc")
		os.MkdirAll(filepath.Dir(path), 0o755)
		raw, _ := json.Marshal(c.holder)
		os.WriteFile(path, raw, 0o644)
		old := time.Now().Add(-c.age)
		os.Chtimes(path, old, old)
		l, holder, err := tryLock(root, "abc")
		if err != nil {
			t.Fatal(err)
		}
		if (l != nil) != c.free {
			t.Errorf("%s: lock taken %v, want %v (holder %+v)", c.name, l != nil, c.free, holder)
		}
		if l != nil {
			l.release()
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("%s: lock not removed on release", c.name)
			}
		}
	}
}
