// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
)

func runProtocol(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("protocol", flag.ContinueOnError)
	cohortSpec := cohortFlags(fs, "data-seed")
	method := fs.String("method", experiment.MethodParachute, "one of "+strings.Join(experiment.Methods, ", "))
	optimizer := fs.String("optimizer", "adamw", "training step: adamw, gcs, sam, crsam or gradvac")
	profile := fs.String("profile", experiment.ProfileQuick, "quick, paper or authors")
	seed := fs.Uint64("seed", 1, "training and evaluation seed")
	repeats := fs.Int("repeats", 0, "mask repeats per scenario (0: the profile's, 30 in paper)")
	workers := workersFlag(fs)
	stacking := addStackFlags(fs)
	epochs := fs.Int("epochs", 0, "override the profile's epochs (smoke runs)")
	out := fs.String("out", "", "folder for runs/, checkpoints/ and summary.json (required)")
	if err := parseFlags(fs, args, stderr, "usage: parachute protocol --cohort synth:pda|DIR [--method M] [--optimizer gcs] --profile quick|paper [--seed S] --out DIR\n\n"+
		"Runs the whole protocol for one cohort and method: every fold at p_miss 0, 0.05, 0.15,\n"+
		"0.30, each scored with all modalities and, for p_miss > 0, under radiology-missing,\n"+
		"WSI-missing and mixed-missing masks at that ratio. Finished runs are reused from\n"+
		"DIR/runs; writes DIR/summary.json.\n\nflags:\n"); err != nil {
		return err
	}
	if cohortSpec().Source == "" || *out == "" {
		return errors.New("--cohort and --out are required")
	}
	base, err := experiment.Profile(*profile)
	if err != nil {
		return err
	}
	base.Optimizer, base.Seed = *optimizer, *seed
	if *epochs > 0 {
		base.Epochs = *epochs
	}
	eval := experiment.EvalProfile(*profile)
	eval.Seed = *seed
	if *repeats > 0 {
		eval.Repeats = *repeats
	}
	stack, stackMemory, err := stacking.options()
	if err != nil {
		return err
	}
	if _, err := backend.New(); err != nil {
		return err
	}
	spec := cohortSpec()
	s, err := experiment.RunProtocol(*out, spec, *method, base, eval, jobsAtATime(*workers), stderr, experiment.RunOptions{Stack: stack, StackMemory: stackMemory})
	if err != nil {
		return err
	}
	path := filepath.Join(*out, "summary.json")
	if err := experiment.WriteJSON(path, s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n%-6s %-14s %8s %8s %7s\n", path, "pmiss", "scenario", "c_mean", "c_sd", "repeats")
	for _, r := range s.Configs {
		fmt.Fprintf(stdout, "%-6.2f %-14s %8.4f %8.4f %7d\n", r.PMiss, r.Scenario, float64(r.CMean), float64(r.CSD), r.NRepeats)
	}
	if d, err := experiment.Degradation(*s); err == nil {
		fmt.Fprintf(stdout, "degradation (supplement Table 5): Δ(5→15) %+.3f, Δ(5→30) %+.3f, Δ(15→30) %+.3f; per 10 points %+.3f, %+.3f, %+.3f\n",
			d.Delta5to15, d.Delta5to30, d.Delta15to30, d.Speed5to15, d.Speed5to30, d.Speed15to30)
	}
	return nil
}

func runEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	dir := fs.String("run", "", "a folder written by parachute train (run.json, checkpoint.gob) (required)")
	repeats := fs.Int("repeats", 0, "mask repeats per scenario (0: the profile's)")
	seed := fs.Uint64("seed", 1, "seed of the evaluation masks")
	export := fs.String("export", "", "also write OUT/test.csv and OUT/train.csv for parachute metrics")
	if err := parseFlags(fs, args, stderr, "usage: parachute evaluate --run DIR [--repeats N] [--seed S] [--export OUT]\n\n"+
		"Re-scores a saved model under the masking scenarios of its training p_miss and\n"+
		"writes DIR/evaluation.json. With --export, also writes the predictions with all\n"+
		"modalities as OUT/test.csv (patient,time,event,risk,S_<t>...) and OUT/train.csv\n"+
		"(patient,time,event,risk): \"parachute metrics --test OUT/test.csv --train\n"+
		"OUT/train.csv --times T --tau TAU\", with the times and tau of evaluation.json's\n"+
		"metrics, prints the same metrics.\n\nflags:\n"); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("--run is required")
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	t, rec, err := experiment.OpenRun(b, *dir)
	if err != nil {
		return err
	}
	c, err := data.Open(rec.CohortSpec)
	if err != nil {
		return err
	}
	eval := experiment.EvalProfile(rec.Config.Profile)
	eval.Seed = *seed
	if *repeats > 0 {
		eval.Repeats = *repeats
	}
	ev, err := experiment.Evaluate(t, rec.Config.PMiss, c, rec.Fold, eval)
	if err != nil {
		return err
	}
	path := filepath.Join(*dir, "evaluation.json")
	if err := experiment.WriteJSON(path, ev); err != nil {
		return err
	}
	fmt.Fprintln(stdout, path)
	if *export != "" {
		if err := experiment.ExportPredictions(ev, *export); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s, %s (times %v, tau %v)\n", filepath.Join(*export, "test.csv"), filepath.Join(*export, "train.csv"),
			ev.Metrics.Times, float64(ev.Metrics.Tau))
	}
	for _, sc := range ev.Scenarios {
		fmt.Fprintf(stdout, "%-14s ratio %.2f  C %.4f ± %.4f over %d repeats\n", sc.Scenario, sc.Ratio, float64(sc.CMean), float64(sc.CSD), sc.Repeats)
	}
	return nil
}

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	grid := fs.String("grid", "", "grid JSON (required)")
	shard := fs.String("shard", "0/1", "run shard i of n (i/n): runs whose index is i modulo n")
	workers := workersFlag(fs)
	stacking := addStackFlags(fs)
	out := fs.String("out", "", "results folder shared by all shards (required)")
	if err := parseFlags(fs, args, stderr, "usage: parachute sweep --grid GRID.json [--shard i/n] [--workers k] --out DIR\n\n"+
		"Runs a grid of runs; each shard independently (Slurm array jobs, Kubernetes indexed\n"+
		"Jobs). Finished runs are skipped, killed ones resume from their checkpoints.\n\nflags:\n"); err != nil {
		return err
	}
	if *grid == "" || *out == "" {
		return errors.New("--grid and --out are required")
	}
	g, err := experiment.ReadGrid(*grid)
	if err != nil {
		return err
	}
	i, n, err := experiment.ParseShard(*shard)
	if err != nil {
		return err
	}
	stack, stackMemory, err := stacking.options()
	if err != nil {
		return err
	}
	if _, err := backend.New(); err != nil {
		return err
	}
	cohorts := &experiment.CohortCache{}
	runs, err := g.Runs(cohorts)
	if err != nil {
		return err
	}
	mine, err := experiment.Shard(runs, i, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "shard %d/%d: %d of %d runs\n", i, n, len(mine), len(runs))
	if _, err := experiment.RunAll(*out, mine, jobsAtATime(*workers), stderr, experiment.RunOptions{Cohorts: cohorts, Stack: stack, StackMemory: stackMemory}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "shard %d/%d done: %d runs in %s\n", i, n, len(mine), filepath.Join(*out, "runs"))
	return nil
}

func runCollect(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	root := fs.String("out", "", "results folder of a sweep or protocol (required)")
	csvPath := fs.String("csv", "", "CSV file to write (default OUT/results.csv)")
	jsonPath := fs.String("json", "", "JSON file to write (default OUT/results.json)")
	if err := parseFlags(fs, args, stderr, "usage: parachute collect --out DIR [--csv FILE] [--json FILE]\n\n"+
		"Merges every run result under DIR/runs into one table (a row per run and scenario).\n\nflags:\n"); err != nil {
		return err
	}
	if *root == "" {
		return errors.New("--out is required")
	}
	rows, err := experiment.Collect(*root)
	if err != nil {
		return err
	}
	if *csvPath == "" {
		*csvPath = filepath.Join(*root, "results.csv")
	}
	if *jsonPath == "" {
		*jsonPath = filepath.Join(*root, "results.json")
	}
	if err := experiment.WriteJSON(*jsonPath, rows); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := experiment.WriteCSV(&buf, rows); err != nil {
		return err
	}
	if err := atomicfile.Write(*csvPath, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d rows: %s, %s\n", len(rows), *csvPath, *jsonPath)
	return nil
}

// stackFlags are --stack (the most runs trained in one graph) and
// --stack-memory (the memory their stacks may hold).
type stackFlags struct {
	stack  *int
	memory *string
}

func addStackFlags(fs *flag.FlagSet) stackFlags {
	return stackFlags{
		stack: fs.Int("stack", 0, "most runs trained together in one graph, each with its own parameters, batches and\n"+
			"random streams and the same results as alone; 1 or 0 (automatic): one run at a time, as stacking\n"+
			"measured no faster on the CPU or on an H200 (bench/results/gpu-stack-20261204)"),
		memory: fs.String("stack-memory", "", "memory all stacks together may hold, e.g. 80GiB: a stack takes no more runs than fit\n"+
			"(each estimated from its training graph); default half the host's available memory on the\n"+
			"pure-Go backend and none on XLA, whose device memory GoMLX does not show; \"none\": no limit"),
	}
}

// options returns the flags' values for experiment.RunOptions.
func (f stackFlags) options() (stack int, memory int64, err error) {
	switch *f.memory {
	case "":
		return *f.stack, 0, nil
	case "none":
		return *f.stack, -1, nil
	}
	memory, err = experiment.ParseBytes(*f.memory)
	if err == nil && memory == 0 {
		err = fmt.Errorf("--stack-memory 0: give a size, or none for no limit")
	}
	return *f.stack, memory, err
}

// workersFlag is --workers: jobs trained at a time on this machine.
func workersFlag(fs *flag.FlagSet) *int {
	return fs.Int("workers", 0, "jobs (one run, or one stack of runs) trained at a time on this machine\n"+
		"(0: one per CPU this process may use on the pure-Go backend, one on XLA, where a stack\n"+
		"is the parallelism; results do not depend on it)")
}

// jobsAtATime resolves --workers: 0 is experiment.DefaultWorkers (one per
// CPU this process may use on the pure-Go backend, one on XLA).
func jobsAtATime(workers int) int {
	if workers <= 0 {
		return experiment.DefaultWorkers()
	}
	return workers
}
