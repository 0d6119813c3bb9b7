// SPDX-License-Identifier: Apache-2.0

package slurm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/slurm"
)

// readmeJob is the job README.md's Slurm section shows.
var readmeJob = slurm.Job{Binary: "/shared/bin/parachute", Out: "/shared/results", Shards: 20, Throttle: 10,
	CPUsPerTask: 2, Mem: "4G", Time: "04:00:00"}

// TestREADMEShowsTheScript keeps the script README.md shows identical to
// what `parachute slurm` writes for the command shown above it.
func TestREADMEShowsTheScript(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := readmeJob.Script()
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "```sh\n#!/bin/bash\n# Written by `parachute slurm`")
	if !ok {
		t.Fatal("README.md shows no script written by parachute slurm")
	}
	shown, _, _ := strings.Cut("#!/bin/bash\n# Written by `parachute slurm`"+rest, "```")
	if shown != want {
		t.Errorf("README.md's script differs from what parachute slurm writes; write this:\n%s", want)
	}
	for _, flag := range []string{"--shards 20", "--throttle 10", "--cpus-per-task 2", "--mem 4G", "--time 04:00:00", "--out /shared/results"} {
		if !strings.Contains(string(raw), flag) {
			t.Errorf("README.md's parachute slurm command lacks %s, which its script was written with", flag)
		}
	}
}

func TestScriptRunsTheTasksShard(t *testing.T) {
	s, err := readmeJob.Script()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#SBATCH --array=0-19%10\n",
		"#SBATCH --output=/shared/results/slurm/logs/task-%a.log\n",
		"#SBATCH --open-mode=append\n",
		"#SBATCH --requeue\n",
		"export GOMLX_BACKEND=go:ops_sequential GOMLX_NO_AUTO_INSTALL=1\n",
		`exec /shared/bin/parachute sweep --grid /shared/results/slurm/grid.json --out /shared/results --shard "${SLURM_ARRAY_TASK_ID}/20" --workers 2`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the script lacks %q:\n%s", want, s)
		}
	}
	j := readmeJob
	j.Throttle, j.Mem, j.Time, j.Backend, j.Shards = 0, "", "", "xla:cuda", 3
	s, err = j.Script()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "#SBATCH --array=0-2\n") || strings.Contains(s, "--mem") || strings.Contains(s, "--time") {
		t.Errorf("no throttle, memory or time limit asked, yet:\n%s", s)
	}
	if strings.Contains(s, "--workers") || !strings.Contains(s, "GOMLX_BACKEND=xla:cuda ") {
		t.Errorf("on an XLA backend the task trains one run at a time (its device), yet:\n%s", s)
	}
}

func TestCheckNamesTheFlag(t *testing.T) {
	for _, c := range []struct {
		change func(*slurm.Job)
		flag   string
	}{
		{func(j *slurm.Job) { j.Binary = "parachute" }, "--binary"},
		{func(j *slurm.Job) { j.Out = "results" }, "--out"},
		{func(j *slurm.Job) { j.Out = "/shared/my results" }, "--out"},
		{func(j *slurm.Job) { j.Out = "/shared/$HOME" }, "--out"},
		{func(j *slurm.Job) { j.Shards = 0 }, "--shards"},
		{func(j *slurm.Job) { j.Throttle = -1 }, "--throttle"},
		{func(j *slurm.Job) { j.CPUsPerTask = 0 }, "--cpus-per-task"},
		{func(j *slurm.Job) { j.Mem = "4 GB" }, "--mem"},
		{func(j *slurm.Job) { j.Time = "4h" }, "--time"},
		{func(j *slurm.Job) { j.Partition = "gpu;rm" }, "--partition"},
		{func(j *slurm.Job) { j.Backend = "go; rm -rf /" }, "--backend"},
	} {
		j := readmeJob
		c.change(&j)
		err := j.Check()
		if err == nil || !strings.Contains(err.Error(), c.flag) {
			t.Errorf("%+v: %v, want an error naming %s", j, err, c.flag)
		}
		if _, err := j.Script(); err == nil {
			t.Errorf("%+v: a script written for a job that does not check", j)
		}
	}
	for _, limit := range []string{"90", "04:00:00", "1-00:00:00", "30:00"} {
		j := readmeJob
		j.Time = limit
		if err := j.Check(); err != nil {
			t.Errorf("--time %s: %v", limit, err)
		}
	}
}

func TestPrepareFreezesTheGrid(t *testing.T) {
	out := t.TempDir()
	j := readmeJob
	j.Out = out
	grid := []byte(`{"cohorts": [{"source": "synth:ucec", "seed": 1}]}`)
	if err := slurm.Prepare(j, grid); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(j.GridPath()); string(got) != string(grid) {
		t.Errorf("the frozen grid holds %q", got)
	}
	if st, err := os.Stat(j.ScriptPath()); err != nil || st.Mode()&0o100 == 0 {
		t.Errorf("the script: %v, %v (want an executable file)", st, err)
	}
	m, ok, err := slurm.ReadManifest(out)
	if err != nil || !ok || m.Shards != 20 || m.Script != j.ScriptPath() {
		t.Fatalf("manifest %+v, %v, %v", m, ok, err)
	}
	if err := slurm.Prepare(j, grid); err != nil {
		t.Errorf("writing the same job again: %v", err)
	}
	if err := slurm.Prepare(j, []byte(`{"cohorts": [{"source": "synth:pda", "seed": 1}]}`)); err == nil {
		t.Error("a folder holding a job took another grid: its tasks' shards would change under them")
	}
	j.Shards = 10
	if err := slurm.Prepare(j, grid); err == nil {
		t.Error("a folder holding a job of 20 shards took 10")
	}
	if _, ok, err := slurm.ReadManifest(t.TempDir()); ok || err != nil {
		t.Errorf("a folder without a job: ok %v, %v", ok, err)
	}
}

func TestLastAttemptReadsTheLastAttempt(t *testing.T) {
	out := t.TempDir()
	if _, ok, err := slurm.LastAttempt(out, 2, 5); ok || err != nil {
		t.Errorf("a task that never logged: ok %v, %v", ok, err)
	}
	log := `== task 2 of job 7, attempt 1, on n1 at 2026-12-05T10:00:00Z
shard 2/4: 2 of 8 runs
slurmstepd: error: *** JOB 9 ON n1 CANCELLED AT 2026-12-05T10:00:05 ***
== task 2 of job 7, attempt 2, on n1 at 2026-12-05T10:01:00Z
shard 2/4: 2 of 8 runs
runs 0/2  fold 2 p_miss 0.00 epoch 10/20  loss 1.2
runs 0/2  fold 2 p_miss 0.00 epoch 20/20  loss 1.1
parachute sweep: run abc: out of memory
`
	if err := os.MkdirAll(filepath.Dir(slurm.LogPath(out, 2)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(slurm.LogPath(out, 2), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, ok, err := slurm.LastAttempt(out, 2, 3)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want := []string{"== task 2 of job 7, attempt 2, on n1 at 2026-12-05T10:01:00Z", "runs 0/2  fold 2 p_miss 0.00 epoch 20/20  loss 1.1", "parachute sweep: run abc: out of memory"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("last attempt:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
