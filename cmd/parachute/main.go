// SPDX-License-Identifier: Apache-2.0

// Command parachute is the command-line entry point of goparachute.
//
// Usage:
//
//	parachute <command> [flags]
//
// Commands:
//
//	data      cohorts: fetch-splits, synth, summary
//	metrics   survival metrics of risk predictions read from CSV
//	coxph     fit a Cox model to a CSV as R's coxph does
//	coxnet    fit an elastic-net Cox path to a CSV as R's glmnet does
//	model     model summary: modules, shapes, parameters
//	train     train one model on a fold and write run.json
//	evaluate  re-score a saved model under the masking scenarios
//	predict   risks and survival curves of new patients from a saved model
//	protocol  the whole evaluation protocol of one cohort and method
//	sweep     run a grid of runs, or one shard of it
//	collect   merge run results into one table
//	reproduce every figure and table of the notebooks, without Jupyter
//	backends  which GoMLX backend is selected and why
//	fidelity  export a network for a side-by-side run of the authors' code
//	bench     time the fixed benchmark workload on the selected backend (JSON)
//
// Run "parachute <command> -h" (or "parachute help <command>") for the flags
// of a command and an example; help goes to stdout. "parachute --version"
// prints the module version, commit, GoMLX version and backend. Errors are
// printed to stderr and exit with status 2 (metrics: 1 when some metric is
// undefined); a bad flag value names the flag.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: run gets the arguments after the command name.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"metrics":   {"survival metrics of risk predictions read from CSV", runMetrics},
	"coxph":     {"fit a Cox model to a CSV as R's coxph does (JSON)", runCoxPH},
	"coxnet":    {"fit an elastic-net Cox path to a CSV as R's glmnet does (JSON)", runCoxNet},
	"data":      {"cohorts: fetch the split files, write synthetic cohorts, summarise", runData},
	"train":     {"train one model on a fold and write run.json", runTrain},
	"model":     {"model summary: modules, shapes, parameters", runModel},
	"protocol":  {"the whole evaluation protocol of one cohort and method", runProtocol},
	"evaluate":  {"re-score a saved model under the masking scenarios", runEvaluate},
	"predict":   {"risks and survival curves of new patients from a saved model", runPredict},
	"sweep":     {"run a grid of runs, or one shard of it", runSweep},
	"collect":   {"merge run results into one table (CSV and JSON)", runCollect},
	"slurm":     {"write (and submit) a sweep as a Slurm array job", runSlurm},
	"reproduce": {"every figure and table of the notebooks, without Jupyter", runReproduce},
	"backends":  {"which GoMLX backend is selected and why", runBackends},
	"index":     {"out/index.html: every executed notebook and figure on one page", runIndex},
	"interpret": {"Figure 10 on one cohort: risk groups, cell densities, tumour morphology", runInterpret},
	"landscape": {"loss landscape of a trained network: Hessian eigenvalues, trace, surface", runLandscape},
	"fidelity":  {"export a network for a side-by-side run of the authors' code", runFidelity},
	"bench":     {"time the fixed benchmark workload on the selected backend (JSON)", runBench},
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches to a subcommand and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help":
		usage(stdout)
		return 0
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		return run([]string{args[1], "-h"}, stdout, stderr)
	case "--version", "-version", "version":
		printVersion(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		names := make([]string, 0, len(commands))
		for name := range commands {
			names = append(names, name)
		}
		fmt.Fprintf(stderr, "parachute: unknown command %q%s\n\n", args[0], didYouMean(args[0], names))
		usage(stderr)
		return 2
	}
	if err := cmd.run(args[1:], stdout, stderr); err != nil && err != errHelp && err != errFlagsOnly {
		fmt.Fprintf(stderr, "parachute %s: %v\n", args[0], err)
		var exit *exitError
		if errors.As(err, &exit) {
			return exit.code
		}
		return 2
	}
	return 0
}

// exitError is an error that ends the command with a status other than 2
// (the status of bad input and failures).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: parachute <command> [flags]   (parachute help <command>, parachute --version)\n\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-10s %s\n", name, commands[name].summary)
	}
}
