// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/slurm"
)

func runSlurm(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("slurm", `Writes a sweep as a Slurm array job into OUT/slurm: the grid (frozen), the job
script sweep.sbatch (task i runs shard i/N; one log per task, OUT/slurm/logs/task-I.log)
and job.json; with --submit, submits it with sbatch and prints the job id. A task can be
requeued or resubmitted alone (sbatch --array=1,3 OUT/slurm/sweep.sbatch): finished runs
are skipped, interrupted ones resume. parachute collect --out OUT then says which runs
are missing and why.`,
		"parachute slurm --grid tools/grids/ucec-smoke.json --out out/slurm-sweep --shards 2 --time 10")
	grid := fs.String("grid", "", "grid JSON (required)")
	out := fs.String("out", "", "results folder the tasks share, on a file system every node sees (required)")
	shards := fs.Int("shards", 0, "array tasks N: task i runs shard i/N (required)")
	cpus := fs.Int("cpus-per-task", 2, "CPUs of each task (its workers on the pure-Go backend)")
	mem := fs.String("mem", "", "memory of each task, such as 4G (default: the cluster's)")
	limit := fs.String("time", "", "time limit of each task: minutes, HH:MM:SS or D-HH:MM:SS (default: the partition's)")
	throttle := fs.Int("throttle", 0, "at most K tasks at once (--array=0-(N-1)%K); 0: no limit")
	partition := fs.String("partition", "", "partition (default: the cluster's default)")
	name := fs.String("name", "parachute-sweep", "job name")
	binary := fs.String("binary", "", "the parachute executable the tasks run (default: this one)")
	backendName := fs.String("backend", "", "GOMLX_BACKEND of the tasks (default: $GOMLX_BACKEND, else go:ops_sequential)")
	submit := fs.Bool("submit", false, "submit the script with sbatch and print the job id")
	if err := fs.parse(args, stdout, stderr, required("grid", "out", "shards"), existingFile("grid", grid),
		atLeast("shards", shards, 1, ""), atLeast("cpus-per-task", cpus, 1, ""), atLeast("throttle", throttle, 0, "0: no limit")); err != nil {
		return err
	}
	raw, err := os.ReadFile(*grid)
	if err != nil {
		return err
	}
	g, err := experiment.ReadGrid(*grid)
	if err != nil {
		return err
	}
	runs, err := g.Runs(&experiment.CohortCache{})
	if err != nil {
		return err
	}
	if *shards > len(runs) {
		return fmt.Errorf("--shards %d: the grid has %d runs; more shards would leave tasks with nothing to do", *shards, len(runs))
	}
	if *binary == "" {
		if *binary, err = os.Executable(); err != nil {
			return fmt.Errorf("--binary: cannot find this executable (%v); name it", err)
		}
	}
	if *backendName == "" {
		*backendName = os.Getenv("GOMLX_BACKEND")
	}
	job := slurm.Job{Name: *name, Shards: *shards, Throttle: *throttle, CPUsPerTask: *cpus, Mem: *mem, Time: *limit,
		Partition: *partition, Backend: *backendName}
	if job.Binary, err = filepath.Abs(*binary); err != nil {
		return err
	}
	if job.Out, err = filepath.Abs(*out); err != nil {
		return err
	}
	if err := job.Check(); err != nil {
		return err
	}
	if err := slurm.Prepare(job, raw); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs in %d array tasks (%d to %d runs each)\n", job.ScriptPath(), len(runs), *shards,
		len(runs) / *shards, (len(runs)+*shards-1) / *shards)
	if !*submit {
		fmt.Fprintf(stdout, "submit: sbatch %s\n", job.ScriptPath())
		return nil
	}
	id, err := slurm.Submit(job.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "submitted job %s; logs in %s\n", id, filepath.Dir(slurm.LogPath(job.Out, 0)))
	return nil
}

// reportMissing checks a Slurm job's results folder against its grid: it
// lists the missing runs with their state and their task's last log lines,
// and returns an error (exit status 3) naming the tasks to resubmit; nil when every run of
// the grid has its result, or when root was not run as a Slurm job.
func reportMissing(root string, w io.Writer) error {
	m, ok, err := slurm.ReadManifest(root)
	if err != nil || !ok {
		return err
	}
	g, err := experiment.ReadGrid(slurm.GridPath(root))
	if err != nil {
		return err
	}
	runs, err := g.Runs(&experiment.CohortCache{})
	if err != nil {
		return err
	}
	missing, err := experiment.Missing(root, runs, m.Shards)
	if err != nil {
		return err
	}
	if len(missing) == 0 {
		fmt.Fprintf(w, "every run of the grid (%d) has its result\n", len(runs))
		return nil
	}
	fmt.Fprintf(w, "%d of %d runs of the grid have no result:\n", len(missing), len(runs))
	var tasks []int
	for _, r := range missing {
		fmt.Fprintf(w, "  run %d, task %d: %s: %s\n", r.Index, r.Shard, r.Describe(), r.State)
		if !slices.Contains(tasks, r.Shard) {
			tasks = append(tasks, r.Shard)
		}
	}
	slices.Sort(tasks)
	var ids []string
	for _, task := range tasks {
		ids = append(ids, strconv.Itoa(task))
		lines, logged, err := slurm.LastAttempt(root, task, 6)
		switch {
		case err != nil:
			fmt.Fprintf(w, "task %d: its log is unreadable: %v\n", task, err)
		case !logged:
			fmt.Fprintf(w, "task %d: no log at %s (never started)\n", task, slurm.LogPath(root, task))
		default:
			fmt.Fprintf(w, "task %d, the end of its last attempt (%s):\n    %s\n", task, slurm.LogPath(root, task), strings.Join(lines, "\n    "))
		}
	}
	return &exitError{code: 3, err: fmt.Errorf("%d of %d runs missing, in tasks %s: resubmit them with sbatch --array=%s %s (finished runs are skipped)",
		len(missing), len(runs), strings.Join(ids, ","), strings.Join(ids, ","), m.Script)}
}
