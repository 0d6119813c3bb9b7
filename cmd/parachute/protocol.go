// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/slurm"
	"github.com/parachute-surv/goparachute/parachute/train"
)

func runProtocol(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("protocol", `Runs the whole protocol for one cohort and method: every fold at p_miss 0, 0.05, 0.15,
0.30, each scored with all modalities and, for p_miss > 0, under radiology-missing,
WSI-missing and mixed-missing masks at that ratio (each row says how many patients
its masks dropped). Finished runs are reused from DIR/runs; writes DIR/summary.json.
Settings a method ignores (the optimizer and epochs of a linear baseline) are
refused when given, and recorded as n/a by collect.`,
		"parachute protocol --cohort synth:ucec --profile smoke --out out/protocol-ucec")
	cohortSpec := cohortFlags(fs.FlagSet)
	method := fs.String("method", train.MethodParachute, "one of "+strings.Join(train.Methods, ", "))
	optimizer := optimizerFlag(fs.FlagSet, "adamw")
	profile := profileFlag(fs.FlagSet)
	seed := fs.Uint64("seed", 1, "training and evaluation seed")
	repeats := fs.Int("repeats", 0, "mask repeats per scenario (0: the profile's, 30 in paper)")
	workers := workersFlag(fs.FlagSet)
	stacking := addStackFlags(fs.FlagSet)
	epochs := fs.Int("epochs", 0, "epochs (0: the profile's)")
	out := fs.String("out", "", "folder for runs/, checkpoints/ and summary.json (required)")
	if err := fs.parse(args, stdout, stderr, required("cohort", "out"), oneOf("method", method, train.Methods...),
		oneOf("optimizer", optimizer, optim.Optimizers()...), oneOf("profile", profile, train.Profiles...),
		atLeast("repeats", repeats, 0, "0: the profile's"), atLeast("epochs", epochs, 0, "0: the profile's"),
		atLeast("workers", workers, 0, "0: the default"), stacking.rule(), ignoredBy(fs.FlagSet, method, "optimizer", "epochs")); err != nil {
		return err
	}
	base, err := train.Profile(*profile)
	if err != nil {
		return err
	}
	base.Optimizer, base.Seed = *optimizer, *seed
	if *epochs > 0 {
		base.Epochs = *epochs
	}
	eval := train.EvalProfile(*profile)
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
	fmt.Fprintf(stdout, "%s\n%-6s %-14s %8s %8s %7s  %s\n", path, "pmiss", "scenario", "c_mean", "c_sd", "repeats", "masks (over the folds' test patients)")
	for _, r := range s.Configs {
		fmt.Fprintf(stdout, "%-6.2f %-14s %8.4f %8.4f %7d  %s\n", r.PMiss, r.Scenario, float64(r.CMean), float64(r.CSD), r.NRepeats, r.MaskedSummary())
	}
	if d, err := experiment.Degradation(*s); err == nil {
		fmt.Fprintf(stdout, "degradation (supplement Table 5): Δ(5→15) %+.3f, Δ(5→30) %+.3f, Δ(15→30) %+.3f; per 10 points %+.3f, %+.3f, %+.3f\n",
			d.Delta5to15, d.Delta5to30, d.Delta15to30, d.Speed5to15, d.Speed5to30, d.Speed15to30)
	}
	return nil
}

func runEvaluate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("evaluate", `Re-scores a saved model under the masking scenarios of its training p_miss and
writes DIR/evaluation.json; each scenario row says how many patients its masks
dropped (and when none were: that row equals full). With --export, also writes
the predictions with all modalities as OUT/test.csv (patient,time,event,risk,S_<t>...)
and OUT/train.csv (patient,time,event,risk): "parachute metrics --test OUT/test.csv
--train OUT/train.csv --times T --tau TAU", with the times and tau of
evaluation.json's metrics, prints the same metrics.`, "parachute evaluate --run runs/ucec0 --export runs/ucec0/eval")
	dir := fs.String("run", "", "a folder written by parachute train (run.json, checkpoint.gob) (required)")
	repeats := fs.Int("repeats", 0, "mask repeats per scenario (0: the profile's)")
	seed := fs.Uint64("seed", 1, "seed of the evaluation masks")
	export := fs.String("export", "", "also write OUT/test.csv and OUT/train.csv for parachute metrics")
	if err := fs.parse(args, stdout, stderr, required("run"), holdsFile("run", dir, "run.json", "a folder written by parachute train --out"),
		atLeast("repeats", repeats, 0, "0: the profile's")); err != nil {
		return err
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
	eval := train.EvalProfile(rec.Config.Profile)
	eval.Seed = *seed
	if *repeats > 0 {
		eval.Repeats = *repeats
	}
	ev, err := train.Evaluate(t, rec.Config.PMiss, c, rec.Fold, eval)
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
		fmt.Fprintf(stdout, "%-14s ratio %.2f  C %.4f ± %.4f over %d repeats  %s\n", sc.Scenario, sc.Ratio, float64(sc.CMean), float64(sc.CSD), sc.Repeats, sc.MaskedSummary())
	}
	return nil
}

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", `Runs a grid of runs; each shard independently (Slurm array jobs, Kubernetes indexed
Jobs). Finished runs are skipped, killed ones resume from their checkpoints.`,
		"parachute sweep --grid tools/grids/ucec-smoke.json --shard 0/2 --out out/sweep")
	grid := fs.String("grid", "", "grid JSON (required)")
	shard := fs.String("shard", "0/1", "run shard i of n (i/n): runs whose index is i modulo n")
	workers := workersFlag(fs.FlagSet)
	stacking := addStackFlags(fs.FlagSet)
	out := fs.String("out", "", "results folder shared by all shards (required)")
	if err := fs.parse(args, stdout, stderr, required("grid", "out"), existingFile("grid", grid), atLeast("workers", workers, 0, "0: the default"),
		stacking.rule(), check(func() error {
			if _, _, err := experiment.ParseShard(*shard); err != nil {
				return fmt.Errorf("--shard %q: %w", *shard, err)
			}
			return nil
		})); err != nil {
		return err
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
	fs := newFlags("collect", `Merges every run result under DIR/runs into one table (a row per run and scenario):
the settings that tell runs apart (cohort, data seed, method, optimizer, profile,
epochs, seed, fold, p_miss, and any other setting in which runs otherwise alike
differ, as a column named by its path), how many patients each scenario masked,
and the metrics. A setting a method ignores is n/a. --csv - or --json - writes to
standard output. A folder written by parachute slurm is checked against its grid:
runs without a result are listed with their task, their state (interrupted, locked)
and the end of the task's log, and collect exits with status 3, naming the tasks to resubmit.`, "parachute collect --out out/protocol-ucec")
	root := fs.String("out", "", "results folder of a sweep or protocol, holding runs/ (required)")
	csvPath := fs.String("csv", "", "CSV file to write (default OUT/results.csv; - for standard output)")
	jsonPath := fs.String("json", "", "JSON file to write (default OUT/results.json; - for standard output)")
	if err := fs.parse(args, stdout, stderr, required("out"), existingDir("out", root, "the results folder of a sweep or protocol"),
		check(func() error {
			if *csvPath == "-" && *jsonPath == "-" {
				return errors.New("--csv - and --json -: only one of them can go to standard output")
			}
			return nil
		})); err != nil {
		return err
	}
	if _, job, err := slurm.ReadManifest(*root); err != nil {
		return err
	} else if _, err := os.Stat(filepath.Join(*root, "runs")); job && errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stdout, "no run of %s has finished yet: no table written\n", *root)
		return reportMissing(*root, stdout)
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
	var csvBuf, jsonBuf bytes.Buffer
	if err := experiment.WriteCSV(&csvBuf, rows); err != nil {
		return err
	}
	if err := printJSON(&jsonBuf, rows); err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		buf  *bytes.Buffer
	}{{*csvPath, &csvBuf}, {*jsonPath, &jsonBuf}} {
		if err := writeOutput(f.path, f.buf.Bytes(), stdout); err != nil {
			return err
		}
	}
	summary := stdout
	if *csvPath == "-" || *jsonPath == "-" {
		summary = stderr
	}
	fmt.Fprintf(summary, "%d rows: %s, %s\n", len(rows), *csvPath, *jsonPath)
	return reportMissing(*root, summary)
}
