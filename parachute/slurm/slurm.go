// SPDX-License-Identifier: Apache-2.0

// Package slurm runs a sweep as a Slurm array job: task i of an array of N
// runs `parachute sweep --shard i/N`, and the N shards cover the grid
// exactly once. It writes the job script and a manifest into a results
// folder, submits the script with sbatch, and reads a task's log back. It
// knows nothing of runs; package experiment and `parachute collect` say
// which runs are missing.
//
// Layout of a results folder OUT run as a Slurm job:
//
//	OUT/slurm/grid.json        the grid, frozen (the shards index its runs)
//	OUT/slurm/sweep.sbatch     the array job script (Job.Script)
//	OUT/slurm/job.json         the Manifest: shards, script, submitted job ids
//	OUT/slurm/logs/task-I.log  task I's standard output and error, every
//	                           attempt appended, each after a "== task" line
//	OUT/runs, OUT/checkpoints  the sweep's own files (package experiment)
package slurm

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Folder is the folder of a results folder that holds the job's files.
const Folder = "slurm"

// Job is a sweep as an array job. Paths are absolute: a task runs on another
// machine, in another working directory.
type Job struct {
	// Name is the job's name in squeue (default "parachute-sweep").
	Name string
	// Binary is the parachute executable every task runs.
	Binary string
	// Out is the results folder the tasks share; the grid is
	// Out/slurm/grid.json.
	Out string
	// Shards is the array's size N: task i runs shard i/N.
	Shards int
	// Throttle is the most tasks running at once (--array=0-(N-1)%K); 0: no
	// limit.
	Throttle int
	// CPUsPerTask is each task's CPU count, and its sweep's workers on the
	// pure-Go backend.
	CPUsPerTask int
	// Mem is each task's memory ("4G"; "" leaves the cluster's default).
	Mem string
	// Time is each task's time limit in a form sbatch reads ("04:00:00",
	// "90", "1-00:00:00"; "" leaves the partition's default).
	Time string
	// Partition is the partition to submit to ("" the default one).
	Partition string
	// Backend is the GOMLX_BACKEND the tasks run (default "go:ops_sequential").
	Backend string
}

var (
	memPattern       = regexp.MustCompile(`^[0-9]+[KMGT]?$`)
	timePattern      = regexp.MustCompile(`^([0-9]+-)?[0-9]+(:[0-9]{1,2}){0,2}$`)
	namePattern      = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	backendPattern   = regexp.MustCompile(`^[A-Za-z0-9_:.,=-]+$`)
	errUnsafeInPaths = errors.New("holds a space, quote, $, % or backslash, which a job script cannot carry")
)

// withDefaults fills the defaults of Name and Backend.
func (j Job) withDefaults() Job {
	if j.Name == "" {
		j.Name = "parachute-sweep"
	}
	if j.Backend == "" {
		j.Backend = "go:ops_sequential"
	}
	return j
}

// Check says what is wrong with the job, naming the field as a flag of
// `parachute slurm`.
func (j Job) Check() error {
	j = j.withDefaults()
	for _, p := range []struct{ flag, path string }{{"binary", j.Binary}, {"out", j.Out}} {
		if !filepath.IsAbs(p.path) {
			return fmt.Errorf("--%s %q: not an absolute path", p.flag, p.path)
		}
		if strings.ContainsAny(p.path, " \t\n'\"$%\\`") {
			return fmt.Errorf("--%s %q %w", p.flag, p.path, errUnsafeInPaths)
		}
	}
	switch {
	case j.Shards < 1:
		return fmt.Errorf("--shards %d: at least 1", j.Shards)
	case j.Throttle < 0:
		return fmt.Errorf("--throttle %d: 0 (no limit) or more", j.Throttle)
	case j.CPUsPerTask < 1:
		return fmt.Errorf("--cpus-per-task %d: at least 1", j.CPUsPerTask)
	case j.Mem != "" && !memPattern.MatchString(j.Mem):
		return fmt.Errorf("--mem %q: a size such as 4G, 500M or 8000", j.Mem)
	case j.Time != "" && !timePattern.MatchString(j.Time):
		return fmt.Errorf("--time %q: minutes, HH:MM:SS or D-HH:MM:SS", j.Time)
	case j.Partition != "" && !namePattern.MatchString(j.Partition):
		return fmt.Errorf("--partition %q: letters, digits, '_', '.' or '-'", j.Partition)
	case !namePattern.MatchString(j.Name):
		return fmt.Errorf("--name %q: letters, digits, '_', '.' or '-'", j.Name)
	case !backendPattern.MatchString(j.Backend):
		return fmt.Errorf("--backend %q: not a GoMLX backend name", j.Backend)
	}
	return nil
}

// GridPath is where the job's frozen grid lives.
func (j Job) GridPath() string { return GridPath(j.Out) }

// ScriptPath is where the job script lives.
func (j Job) ScriptPath() string { return filepath.Join(j.Out, Folder, "sweep.sbatch") }

// GridPath is where the frozen grid of a job on results folder out lives.
func GridPath(out string) string { return filepath.Join(out, Folder, "grid.json") }

// LogPath is where task i of a job on results folder out logs.
func LogPath(out string, task int) string {
	return filepath.Join(out, Folder, "logs", "task-"+strconv.Itoa(task)+".log")
}

// Array is the --array value of tasks 0 to Shards-1, at most Throttle at
// once.
func (j Job) Array() string {
	a := fmt.Sprintf("0-%d", j.Shards-1)
	if j.Throttle > 0 {
		a += fmt.Sprintf("%%%d", j.Throttle)
	}
	return a
}

// Script is the array job script: #SBATCH lines for the array, resources
// and one log per task id (appended across requeues, so a task's log keeps
// every attempt), then the sweep of the task's shard. The pure-Go backend
// trains CPUsPerTask runs at a time; other backends one (their device is
// the parallelism).
func (j Job) Script() (string, error) {
	if err := j.Check(); err != nil {
		return "", err
	}
	j = j.withDefaults()
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/bash")
	line("# Written by `parachute slurm`: the sweep of %s as %d array tasks; task i runs shard i/%d.", j.GridPath(), j.Shards, j.Shards)
	line("# Finished runs are skipped and interrupted ones resume from their checkpoints, so a")
	line("# task can be requeued (scontrol requeue JOB_TASK) or resubmitted alone: sbatch --array=TASKS %s", j.ScriptPath())
	line("#SBATCH --job-name=%s", j.Name)
	line("#SBATCH --array=%s", j.Array())
	line("#SBATCH --cpus-per-task=%d", j.CPUsPerTask)
	if j.Mem != "" {
		line("#SBATCH --mem=%s", j.Mem)
	}
	if j.Time != "" {
		line("#SBATCH --time=%s", j.Time)
	}
	if j.Partition != "" {
		line("#SBATCH --partition=%s", j.Partition)
	}
	line("#SBATCH --output=%s", strings.Replace(LogPath(j.Out, 0), "task-0.log", "task-%a.log", 1))
	line("#SBATCH --open-mode=append")
	line("#SBATCH --requeue")
	line("set -euo pipefail")
	line("export GOMLX_BACKEND=%s GOMLX_NO_AUTO_INSTALL=1", j.Backend)
	line(`echo "== task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID}, attempt $((${SLURM_RESTART_COUNT:-0} + 1)), on $(hostname) at $(date -u +%%FT%%TZ)"`)
	workers := ""
	if strings.HasPrefix(j.Backend, "go") {
		workers = fmt.Sprintf(" --workers %d", j.CPUsPerTask)
	}
	line(`exec %s sweep --grid %s --out %s --shard "${SLURM_ARRAY_TASK_ID}/%d"%s`, j.Binary, j.GridPath(), j.Out, j.Shards, workers)
	return b.String(), nil
}
