// SPDX-License-Identifier: Apache-2.0

//go:build slurm

// The Slurm end-to-end test (make slurm-test): a real one-node cluster
// (tools/slurm/cluster, Debian's slurmctld, slurmd and munge, as root), a
// quick-profile sweep submitted as an array of 4 tasks by `parachute slurm
// --submit`, one task cancelled mid-run and requeued, and the collected
// results compared with the same sweep run in one process.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// slurmGrid is the test's sweep: 8 quick-profile runs (4 folds × 2 p_miss)
// of synth:ucec, one mask repeat each.
const slurmGrid = `{"cohorts": [{"source": "synth:ucec", "seed": 1}], "methods": ["parachute"], "optimizers": ["adamw"],
 "profiles": ["quick"], "pmiss": [0, 0.3], "seeds": [1], "folds": [0, 1, 2, 3], "repeats": 1}
`

// shell runs a command with the cluster's configuration and returns its
// standard output; a failure fails the test with its output.
func shell(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// waitFor polls cond every 50 ms until it holds or the timeout
// passes, then fails the test saying what it waited for.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestSlurmClusterSweep(t *testing.T) {
	start := time.Now()
	dir := t.TempDir()
	bin := filepath.Join(dir, "parachute")
	shell(t, nil, "go", "build", "-o", bin, ".")

	cluster := filepath.Join(dir, "cluster")
	clusterScript, err := filepath.Abs(filepath.Join("..", "..", "tools", "slurm", "cluster"))
	if err != nil {
		t.Fatal(err)
	}
	started := shell(t, nil, clusterScript, "start", cluster)
	t.Cleanup(func() {
		pids := daemonPIDs(cluster)
		if out, err := exec.Command(clusterScript, "stop", cluster).CombinedOutput(); err != nil {
			t.Errorf("stopping the cluster: %v\n%s", err, out)
		}
		for name, pid := range pids {
			if exec.Command("kill", "-0", pid).Run() == nil {
				t.Errorf("%s (pid %s) still runs after the cluster stopped", name, pid)
			}
		}
		if _, err := os.Stat(cluster); !os.IsNotExist(err) {
			t.Errorf("the cluster's folder %s is left behind", cluster)
		}
	})
	env := []string{strings.TrimPrefix(strings.TrimSpace(started), "export "),
		"GOMLX_BACKEND=go:ops_sequential", "GOMLX_NO_AUTO_INSTALL=1"}
	t.Logf("cluster up in %.1f s", time.Since(start).Seconds())

	grid := filepath.Join(dir, "grid.json")
	if err := os.WriteFile(grid, []byte(slurmGrid), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := experiment.ReadGrid(grid)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := g.Runs(&experiment.CohortCache{})
	if err != nil {
		t.Fatal(err)
	}
	const shards = 4
	taskOf := map[string]int{}
	for i, r := range runs {
		taskOf[r.Hash()] = i % shards
	}

	results := filepath.Join(dir, "results")
	submitted := time.Now()
	out := shell(t, env, bin, "slurm", "--grid", grid, "--out", results, "--shards", fmt.Sprint(shards),
		"--cpus-per-task", "1", "--mem", "1G", "--time", "10", "--throttle", "2", "--submit")
	m := regexp.MustCompile(`submitted job ([0-9]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("parachute slurm --submit printed no job id:\n%s", out)
	}
	job := m[1]

	// Cancel the task of a run that has written its checkpoint (the quick
	// profile checkpoints at epoch 10 of 20) while it trains. A quick run
	// may finish between the checkpoint and the cancel: then nothing was
	// interrupted, the task is requeued and the next checkpoint tried.
	var victim, jobTask string
	cancelled := -1
	for attempt := 1; ; attempt++ {
		waitFor(t, 3*time.Minute, "a checkpoint of a running run", func() bool {
			paths, _ := filepath.Glob(filepath.Join(results, "checkpoints", "*.gob"))
			for _, p := range paths {
				if task, ok := taskOf[strings.TrimSuffix(filepath.Base(p), ".gob")]; ok {
					victim, cancelled = p, task
					return true
				}
			}
			return false
		})
		jobTask = fmt.Sprintf("%s_%d", job, cancelled)
		shell(t, env, "scancel", jobTask)
		waitFor(t, time.Minute, jobTask+" to stop", func() bool {
			return strings.TrimSpace(shell(t, env, "squeue", "-h", "-j", jobTask, "-o", "%T")) == ""
		})
		if _, err := os.Stat(victim); err == nil {
			break
		}
		if attempt == 5 {
			t.Fatalf("5 cancels, each after its run had finished: the runs are too quick to interrupt")
		}
		t.Logf("%s finished %s before the cancel; requeued", jobTask, filepath.Base(victim))
		requeueNow(t, env, jobTask)
	}
	t.Logf("cancelled %s %.1f s after submission, holding %s", jobTask, time.Since(submitted).Seconds(), filepath.Base(victim))

	// collect says the interrupted run is missing, why, and what to resubmit.
	cmd := exec.Command(bin, "collect", "--out", results)
	cmd.Env = append(os.Environ(), env...)
	report, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 {
		t.Fatalf("collect with a cancelled task: %v (want exit status 3)\n%s", err, report)
	}
	for _, want := range []string{fmt.Sprintf("task %d: ", cancelled), "interrupted: a checkpoint", "CANCELLED", "sbatch --array="} {
		if !strings.Contains(string(report), want) {
			t.Errorf("collect's report lacks %q:\n%s", want, report)
		}
	}

	requeueNow(t, env, jobTask)
	waitFor(t, 4*time.Minute, "the array job to finish", func() bool {
		return strings.TrimSpace(shell(t, env, "squeue", "-h", "-j", job, "-o", "%i")) == ""
	})
	t.Logf("array job done %.1f s after submission", time.Since(submitted).Seconds())

	if out := shell(t, env, bin, "collect", "--out", results); !strings.Contains(out, fmt.Sprintf("every run of the grid (%d) has its result", len(runs))) {
		t.Errorf("collect after the requeue:\n%s", out)
	}
	log, err := os.ReadFile(filepath.Join(results, "slurm", "logs", fmt.Sprintf("task-%d.log", cancelled)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "attempt 2") || !strings.Contains(string(log), "resumed") {
		t.Errorf("the requeued task's log shows no second attempt resuming its run:\n%s", log)
	}

	// Every run once, no half-written file, no lock, no checkpoint left.
	files, _ := filepath.Glob(filepath.Join(results, "runs", "*.json"))
	if len(files) != len(runs) {
		t.Errorf("%d result files for %d runs", len(files), len(runs))
	}
	filepath.WalkDir(results, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.Contains(d.Name(), ".tmp") || strings.HasSuffix(d.Name(), ".lock") || strings.HasSuffix(d.Name(), ".gob")) {
			t.Errorf("left behind: %s", path)
		}
		return nil
	})

	// The same sweep in one process gives the same run files, timings aside.
	reference := filepath.Join(dir, "reference")
	shell(t, env, bin, "sweep", "--grid", grid, "--out", reference, "--workers", "2")
	for _, r := range runs {
		name := r.Hash() + ".json"
		got, want := testutil.Timeless(t, filepath.Join(results, "runs", name)), testutil.Timeless(t, filepath.Join(reference, "runs", name))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("run %s (task %d) differs from the one-process sweep's", r.Hash(), taskOf[r.Hash()])
		}
	}
	t.Logf("the whole test: %.1f s", time.Since(start).Seconds())
}

// requeueNow requeues a finished task and lets it start at once (a
// requeued job waits two minutes by default).
func requeueNow(t *testing.T, env []string, jobTask string) {
	t.Helper()
	shell(t, env, "scontrol", "requeue", jobTask)
	shell(t, env, "scontrol", "update", "JobId="+jobTask, "StartTime=now")
}

// daemonPIDs reads the PID files the cluster script writes.
func daemonPIDs(cluster string) map[string]string {
	pids := map[string]string{}
	for _, name := range []string{"munged", "slurmctld", "slurmd"} {
		if raw, err := os.ReadFile(filepath.Join(cluster, name+".pid")); err == nil {
			pids[name] = strings.TrimSpace(string(raw))
		}
	}
	return pids
}
