// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parachute-surv/goparachute/data"
)

const dataUsage = `usage: parachute data <subcommand> [flags]

subcommands:
  fetch-splits  download the authors' split files (checksum-verified)
  synth         write a synthetic cohort in the authors' on-disk layout
  summary       print one JSON object describing a cohort
`

func runData(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 0 {
			fmt.Fprint(stderr, dataUsage)
			return errors.New("missing subcommand")
		}
		fmt.Fprint(stdout, dataUsage)
		return errHelp
	}
	switch args[0] {
	case "fetch-splits":
		return runFetchSplits(args[1:], stdout, stderr)
	case "synth":
		return runSynth(args[1:], stdout, stderr)
	case "summary":
		return runSummary(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, dataUsage)
	return fmt.Errorf("unknown subcommand %q%s", args[0], didYouMean(args[0], []string{"fetch-splits", "synth", "summary"}))
}

func runFetchSplits(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data fetch-splits", `Downloads the split files published with the paper's code (MIT licence) and checks
their SHA-256.`, "parachute data fetch-splits --cohort all --dest DATA/labels_splits")
	cohort := fs.String("cohort", "", "pda, ucec, ccrcc or all (required)")
	dest := fs.String("dest", "", "folder to write <COHORT>/k=all.tsv into, e.g. DATA/labels_splits (required)")
	base := fs.String("base-url", data.DefaultSplitsURL, "where the split files are served (<base>/<COHORT>/k=all.tsv)")
	timeout := fs.Duration("timeout", time.Minute, "timeout of each download")
	if err := fs.parse(args, stdout, stderr, required("cohort", "dest"), oneOf("cohort", cohort, "pda", "ucec", "ccrcc", "all"),
		check(func() error {
			if *timeout <= 0 {
				return fmt.Errorf("--timeout %v: want a positive duration, e.g. 1m", *timeout)
			}
			return nil
		})); err != nil {
		return err
	}
	cohorts := []string{*cohort}
	if *cohort == "all" {
		cohorts = []string{"pda", "ucec", "ccrcc"}
	}
	for _, c := range cohorts {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		path, err := data.FetchSplits(ctx, nil, c, *dest, *base)
		cancel()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s (SHA-256 verified)\n", c, path)
	}
	return nil
}

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data synth", `Writes a synthetic cohort in the authors' layout (split TSV, Trident .h5 with features and
coords, MedImageInsight .npy, CellViT CSV, NIfTI masks, synthetic/<COHORT>.json with the
ground truth) and prints its summary. A folder that already holds the cohort (its split
file, features or ground truth) is refused: --force deletes what the cohort owns there
(labels_splits/<COHORT>, features/<COHORT>, synthetic/<COHORT>.json) first. Other
cohorts in the folder are left alone.`, "parachute data synth --preset ucec --data-seed 1 --out data")
	preset := fs.String("preset", "", "pda, ucec or ccrcc (required)")
	seed := fs.Uint64("data-seed", 1, "generator seed of the synthetic cohort")
	out := fs.String("out", "", "data folder to write the cohort into (required)")
	force := fs.Bool("force", false, "replace the cohort if the folder already holds it")
	pathology := fs.String("pathology", data.DefaultPathology.Name, "pathology encoder")
	radiology := fs.String("radiology", data.DefaultRadiology.Name, "radiology encoder")
	slices := fs.Int("slices", 0, "slices of every CT series (the authors' loader needs one count per cohort, n_patches; their PDA preset uses 66); 0: 24 to 72")
	if err := fs.parse(args, stdout, stderr, required("preset", "out"), oneOf("preset", preset, "pda", "ucec", "ccrcc"),
		atLeast("slices", slices, 0, "0: 24 to 72")); err != nil {
		return err
	}
	p, err := data.PresetByName(*preset)
	if err != nil {
		return err
	}
	c, err := data.Synthesize(data.SynthOptions{Preset: p.Name, Seed: *seed, Pathology: *pathology, Radiology: *radiology,
		MinSlices: *slices, MaxSlices: *slices})
	if err != nil {
		return err
	}
	if held := data.CohortFiles(*out, c.Name); len(held) > 0 {
		if !*force {
			return fmt.Errorf("%s already holds cohort %s (%s): writing another cohort over it would leave the old one's files "+
				"mixed in; give --force to replace it, or another --out", *out, c.Name, strings.Join(held, ", "))
		}
		if err := data.RemoveCohort(*out, c.Name); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "--force: removed cohort %s from %s (%s)\n", c.Name, *out, strings.Join(held, ", "))
	}
	if err := data.Write(c, *out, p.Style); err != nil {
		return err
	}
	return printJSON(stdout, c.Summary())
}

func runSummary(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data summary", `Prints the cohort's Table 4 counts, events, folds, encoders, the load report of a
folder, and the oracle C of a synthetic cohort.`, "parachute data summary --cohort data")
	spec := cohortFlags(fs.FlagSet)
	if err := fs.parse(args, stdout, stderr, required("cohort")); err != nil {
		return err
	}
	c, err := data.Open(spec())
	if err != nil {
		return err
	}
	return printJSON(stdout, c.Summary())
}
