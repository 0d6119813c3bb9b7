// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/bench"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/train"
)

func runBackends(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backends", `Says which GoMLX backend this binary selects and why (GOMLX_BACKEND or the default),
which backends are compiled in, whether XLA is, and the backend's own description
(for XLA: the PJRT plugin and its API version). An unknown GOMLX_BACKEND is an
error that lists the valid ones.`, "parachute backends --smoke")
	asJSON := fs.Bool("json", false, "print JSON")
	smoke := fs.Bool("smoke", false, "also run a 2-op graph (2x + 1) on the selected backend")
	install := fs.Bool("install-plugins", false, "download GoMLX's PJRT plugins (CPU; CUDA when a GPU is present) into ~/.local/lib/go-xla (needs internet and an XLA build)")
	if err := fs.parse(args, stdout, stderr); err != nil {
		return err
	}
	if *install {
		if err := backend.InstallPlugins(); err != nil {
			return err
		}
	}
	r, err := backend.Describe()
	if err != nil {
		return err
	}
	out := map[string]any{"backend": r}
	if *smoke {
		b, err := backend.New()
		if err != nil {
			return err
		}
		got, err := twoOpGraph(b)
		if err != nil {
			return fmt.Errorf("2-op graph on %s: %w", r.Description, err)
		}
		out["smoke_2x_plus_1_of_1_2_3"] = got
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "selected:    %s (from %s)\nbackend:     %s\nregistered:  %v\nxla:         %s\nfastgrad:    %v\nblas:        %s\nfastops:     %s\n",
		r.Config, r.Reason, r.Description, r.Registered, r.XLA, r.Fastgrad, r.BLAS, r.FastOps)
	if v, ok := out["smoke_2x_plus_1_of_1_2_3"]; ok {
		fmt.Fprintf(stdout, "2-op graph:  2x + 1 of [1 2 3] = %v\n", v)
	}
	return nil
}

// twoOpGraph computes 2x + 1 of [1, 2, 3] on b: the smallest check that a
// backend compiles and runs a graph.
func twoOpGraph(b backends.Backend) ([]float32, error) {
	res, err := ExecOnce(b, func(x *Node) *Node { return AddScalar(MulScalar(x, 2), 1) }, []float32{1, 2, 3})
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](res)
}

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", `Runs the fixed benchmark workload of a profile (paper: batch 16; 8 slides × 768; 4 series ×
16 slices × 1024; paper-size model. quick: batch 32; 8 slides; 2 series × 8 slices; quick
model) on the backend GOMLX_BACKEND selects and prints JSON: ms per training step (median
after a first, compiling step, reported apart), patients/s at inference, peak host memory.
bench/torch_reference.py --profile P runs the same workload in PyTorch.
With --profile quick it also breaks real runs down (pure-Go backend): --breakdown-runs runs
of a quick sweep of synth:pda trained, evaluated and written as a sweep does, timed per
phase of a run and, per training step, graph ops by kind, host work, allocation and GC.
With --stack: seconds per training epoch of K runs of synth:pda fold 0 stacked in one
graph, for each K, and the speed-up over training them one at a time.`, "parachute bench --steps 2 --predictions 2")
	steps := fs.Int("steps", 10, "timed training steps (median reported)")
	predictions := fs.Int("predictions", 20, "timed inference calls (median reported)")
	optimizer := optimizerFlag(fs.FlagSet, "adamw")
	profile := fs.String("profile", train.ProfilePaper, "the workload and model: paper or quick (quick adds the breakdown)")
	breakdownRuns := fs.Int("breakdown-runs", 3, "with --profile quick: runs timed in the breakdown (0: none)")
	breakdownMD := fs.String("breakdown-md", "", "with --profile quick: also write the breakdown's tables (Markdown) to this file")
	ops := fs.Bool("ops", false, "also split the timed steps by graph op kind (pure-Go backend)")
	compare := fs.Bool("compare-cpu", false, "also check that the selected backend's risks match the pure-Go backend's with the same weights")
	compareDType := fs.String("compare-dtype", "float32", "model dtype of the comparison: float32, or float64 to take float32 rounding (and TF32) out of it")
	skipTiming := fs.Bool("compare-only", false, "with --compare-cpu: skip the timings")
	stack := fs.String("stack", "", "instead: time training epochs of K runs stacked in one graph, for each K of a list (e.g. 1,5,20,60)")
	stackProfile := fs.String("stack-profile", train.ProfilePaper, "with --stack: the runs' profile ("+strings.Join(train.Profiles, ", ")+")")
	stackEpochs := fs.Int("stack-epochs", 3, "with --stack: epochs per size (the first, compiling, reported apart)")
	stackLayout := fs.String("stack-layout", "auto", "with --stack: how a stack holds its runs: axis (one network with a leading run axis),\n"+
		"replicas (K copies of a run's graph) or auto (the run axis where the runs allow it)")
	var sizes []int
	if err := fs.parse(args, stdout, stderr, atLeast("steps", steps, 1, ""), atLeast("predictions", predictions, 1, ""),
		oneOf("optimizer", optimizer, optim.Optimizers()...), oneOf("profile", profile, train.ProfilePaper, train.ProfileQuick),
		atLeast("breakdown-runs", breakdownRuns, 0, ""), oneOf("compare-dtype", compareDType, "float32", "float64"),
		oneOf("stack-profile", stackProfile, train.Profiles...), atLeast("stack-epochs", stackEpochs, 2, "the first compiles"),
		oneOf("stack-layout", stackLayout, "auto", "axis", "replicas"),
		check(func() error {
			for _, f := range splitNames(*stack) {
				k, err := strconv.Atoi(f)
				if err != nil || k < 1 || k > 4096 {
					return fmt.Errorf("--stack %q: want a list of sizes from 1 to 4096, e.g. 1,5,20,60", *stack)
				}
				sizes = append(sizes, k)
			}
			if *stack != "" && len(sizes) == 0 {
				return fmt.Errorf("--stack %q: want a list of sizes from 1 to 4096, e.g. 1,5,20,60", *stack)
			}
			return nil
		})); err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	if *stack != "" {
		layout, err := train.ParseStackLayout(*stackLayout)
		if err != nil {
			return fmt.Errorf("--stack-layout: %w", err)
		}
		res, err := bench.BenchStack(b, bench.BenchStackOptions{Profile: *stackProfile, Optimizer: *optimizer, Sizes: sizes, Epochs: *stackEpochs, Layout: layout})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	out := map[string]any{"tool": "parachute bench", "date": time.Now().UTC().Format(time.RFC3339)}
	if blas, fastOps, ok := backend.Executors(); ok {
		out["blas"], out["fastops"] = blas, fastOps
	}
	if !*skipTiming {
		res, err := bench.Bench(b, bench.BenchOptions{Steps: *steps, Predictions: *predictions, Optimizer: *optimizer, Profile: *profile, Ops: *ops})
		if err != nil {
			return err
		}
		out["result"] = res
		if *profile == train.ProfileQuick && *breakdownRuns > 0 {
			bd, err := bench.Breakdown(b, bench.BreakdownOptions{Profile: *profile, Optimizer: *optimizer, Runs: *breakdownRuns})
			if err != nil {
				return err
			}
			out["breakdown"] = bd
			if *breakdownMD != "" {
				if err := atomicfile.Write(*breakdownMD, []byte(bd.Markdown())); err != nil {
					return err
				}
			}
		}
	}
	if *compare {
		dtype := dtypes.Float32
		if *compareDType == "float64" {
			dtype = dtypes.Float64
		}
		cpu, err := backends.NewWithConfig(backend.Default)
		if err != nil {
			return err
		}
		agreement, err := bench.CompareBackends(cpu, b, dtype)
		if err != nil {
			return err
		}
		out["agreement_with_cpu"] = agreement
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
