// SPDX-License-Identifier: Apache-2.0

// The flags and helpers several commands share: the cohort, profile and
// optimizer flags, the stack and worker flags, JSON output and errHelp.
// (Flag parsing and help themselves are in flags.go.)

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// cohortFlags defines the flags that name a cohort — --cohort, --name, the
// synthetic cohort's generator seed --data-seed (every command names it so;
// --seed is always a training or evaluation seed) and the --pathology and
// --radiology encoders — and returns the data.CohortSpec they give once the
// flags are parsed.
func cohortFlags(fs *flag.FlagSet) func() data.CohortSpec {
	cohort := fs.String("cohort", "", "synth:pda|synth:ucec|synth:ccrcc, or a data folder in the authors' layout (required)")
	name := fs.String("name", "", "cohort of the data folder (pda, ucec, ccrcc or a folder name); default: its only cohort")
	seed := fs.Uint64("data-seed", 1, "generator seed of a synthetic cohort")
	pathology := fs.String("pathology", data.DefaultPathology.Name, "pathology encoder")
	radiology := fs.String("radiology", data.DefaultRadiology.Name, "radiology encoder")
	return func() data.CohortSpec {
		spec := data.CohortSpec{Source: *cohort, Name: *name, Seed: *seed}
		// The default encoders stay implicit, so run configurations (and
		// their hashes) do not change with these flags left alone.
		if *pathology != data.DefaultPathology.Name {
			spec.Pathology = *pathology
		}
		if *radiology != data.DefaultRadiology.Name {
			spec.Radiology = *radiology
		}
		return spec
	}
}

// profileFlag is --profile, one of train.Profiles.
func profileFlag(fs *flag.FlagSet) *string {
	return fs.String("profile", train.ProfileQuick, strings.Join(train.Profiles, ", ")+
		": quick (CPU, minutes), paper (the supplement's; a GPU), authors (their released presets), smoke (tests)")
}

// optimizerFlag is --optimizer, one of optim.Optimizers().
func optimizerFlag(fs *flag.FlagSet, def string) *string {
	return fs.String("optimizer", def, "training step: "+strings.Join(optim.Optimizers(), ", ")+" (each with AdamW)")
}

// printJSON writes v to w as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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

// rule checks --stack and --stack-memory.
func (f stackFlags) rule() flagRule {
	return check(func() error {
		if *f.stack < 0 {
			return fmt.Errorf("--stack %d: want an integer ≥ 0 (0: automatic)", *f.stack)
		}
		if _, _, err := f.options(); err != nil {
			return fmt.Errorf("--stack-memory %q: %w", *f.memory, err)
		}
		return nil
	})
}

// ignoredBy refuses flags the method ignores when they are given: a linear
// baseline is fitted in closed form (Newton–Raphson, coordinate descent), so
// the optimizer and the epochs would be recorded for nothing.
func ignoredBy(fs *flag.FlagSet, method *string, names ...string) flagRule {
	return check(func() error {
		if !train.IsLinear(*method) {
			return nil
		}
		var given []string
		fs.Visit(func(f *flag.Flag) {
			if slices.Contains(names, f.Name) {
				given = append(given, "--"+f.Name)
			}
		})
		if len(given) > 0 {
			return fmt.Errorf("%s: method %s is a linear baseline fitted without an optimizer or epochs; drop them",
				strings.Join(given, ", "), *method)
		}
		return nil
	})
}

// options returns the flags' values for experiment.RunOptions.
func (f stackFlags) options() (stack int, memory int64, err error) {
	switch *f.memory {
	case "":
		return *f.stack, 0, nil
	case "none":
		return *f.stack, -1, nil
	}
	memory, err = train.ParseBytes(*f.memory)
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

// jobsAtATime resolves --workers (0 is experiment.DefaultWorkers: one per
// CPU this process may use on the pure-Go backend, one on XLA) and prepares
// the process for that many jobs at a time (backend.ShareCores).
func jobsAtATime(workers int) int {
	if workers <= 0 {
		workers = experiment.DefaultWorkers()
	}
	backend.ShareCores(workers)
	return workers
}

// errHelp reports that -h was asked for: usage was printed, exit 0.
var errHelp = errors.New("help requested")
