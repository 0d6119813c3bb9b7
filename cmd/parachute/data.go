// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
		fmt.Fprint(stderr, dataUsage)
		if len(args) == 0 {
			return errors.New("missing subcommand")
		}
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
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// parseFlags parses a subcommand's flags; -h prints usage and returns errHelp.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer, usage string) error {
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}

func runFetchSplits(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data fetch-splits", flag.ContinueOnError)
	cohort := fs.String("cohort", "", "pda, ucec, ccrcc or all (required)")
	dest := fs.String("dest", "", "folder to write <COHORT>/k=all.tsv into, e.g. DATA/labels_splits (required)")
	base := fs.String("base-url", data.DefaultSplitsURL, "where the split files are served (<base>/<COHORT>/k=all.tsv)")
	timeout := fs.Duration("timeout", time.Minute, "timeout of each download")
	if err := parseFlags(fs, args, stderr, "usage: parachute data fetch-splits --cohort pda|ucec|ccrcc|all --dest DIR [--base-url URL]\n\n"+
		"Downloads the split files published with the paper's code (MIT licence) and checks\ntheir SHA-256.\n\nflags:\n"); err != nil {
		return err
	}
	if *cohort == "" || *dest == "" {
		return errors.New("--cohort and --dest are required")
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
	fs := flag.NewFlagSet("data synth", flag.ContinueOnError)
	preset := fs.String("preset", "", "pda, ucec or ccrcc (required)")
	seed := fs.Uint64("seed", 1, "generator seed")
	out := fs.String("out", "", "data folder to write the cohort into (required)")
	pathology := fs.String("pathology", data.DefaultPathology.Name, "pathology encoder")
	radiology := fs.String("radiology", data.DefaultRadiology.Name, "radiology encoder")
	slices := fs.Int("slices", 0, "slices of every CT series (the authors' loader needs one count per cohort, n_patches; their PDA preset uses 66); 0: 24 to 72")
	if err := parseFlags(fs, args, stderr, "usage: parachute data synth --preset pda|ucec|ccrcc [--seed S] [--slices N] --out DIR\n\n"+
		"Writes a synthetic cohort in the authors' layout (split TSV, Trident .h5 with features and\n"+
		"coords, MedImageInsight .npy, CellViT CSV, NIfTI masks, synthetic/<COHORT>.json with the\n"+
		"ground truth).\n\nflags:\n"); err != nil {
		return err
	}
	if *preset == "" || *out == "" {
		return errors.New("--preset and --out are required")
	}
	if *slices < 0 {
		return fmt.Errorf("--slices %d: want a count ≥ 1, or 0 for 24 to 72", *slices)
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
	if err := data.Write(c, *out, p.Style); err != nil {
		return err
	}
	return printJSON(stdout, c.Summary())
}

func runSummary(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("data summary", flag.ContinueOnError)
	spec := cohortFlags(fs, "seed")
	if err := parseFlags(fs, args, stderr, "usage: parachute data summary --cohort synth:pda|DIR [--seed S] [--name COHORT]\n\n"+
		"Prints the cohort's Table 4 counts, events, folds, encoders, the load report of a\n"+
		"folder, and the oracle C of a synthetic cohort.\n\nflags:\n"); err != nil {
		return err
	}
	if spec().Source == "" {
		return errors.New("--cohort is required")
	}
	c, err := data.Open(spec())
	if err != nil {
		return err
	}
	return printJSON(stdout, c.Summary())
}

// cohortFlags defines the flags that name a cohort — --cohort, --name, the
// synthetic cohort's seed (named seedFlag) and the --pathology and
// --radiology encoders — and returns the data.CohortSpec they give once the
// flags are parsed.
func cohortFlags(fs *flag.FlagSet, seedFlag string) func() data.CohortSpec {
	cohort := fs.String("cohort", "", "synth:pda|synth:ucec|synth:ccrcc, or a data folder in the authors' layout (required)")
	name := fs.String("name", "", "cohort of the data folder (pda, ucec, ccrcc or a folder name); default: its only cohort")
	seed := fs.Uint64(seedFlag, 1, "generator seed of a synthetic cohort")
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

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
