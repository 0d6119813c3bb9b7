// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/train"
)

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", `Trains one model on a fold and writes DIR/run.json (config, per-epoch history,
test_harrell_c, per-patient risks), DIR/checkpoint.gob and DIR/identity.json
(the run: cohort, fold, training configuration). A killed run resumes from the
checkpoint when started again with the same flags; a folder that holds another
run is refused, naming the settings that differ.`,
		"parachute train --cohort data --fold 0 --pmiss 0.15 --out runs/ucec0")
	cohortSpec := cohortFlags(fs.FlagSet)
	fold := fs.Int("fold", 0, "fold to train (its test part is held out)")
	profile := profileFlag(fs.FlagSet)
	pmiss := fs.Float64("pmiss", 0, "runtime masking probability p_miss")
	seed := fs.Uint64("seed", 1, "training seed (initial weights, batches, masking, dropout)")
	epochs := fs.Int("epochs", 0, "epochs (0: the profile's)")
	out := fs.String("out", "", "run folder for run.json, checkpoint.gob and identity.json (required)")
	optimizer := optimizerFlag(fs.FlagSet, "adamw")
	compatGCS := fs.Bool("compat-gcs", false, "authors' GCS: sign(g) probe, gate and γ at a fixed random initialisation")
	compatEvents := fs.Bool("compat-inverted-events", false, "authors' loss defect: censored patients as events")
	compatAttention := fs.Bool("compat-batch-attention", false, "authors' attention across the patients of a batch")
	compatFusion := fs.Bool("compat-plain-fusion", false, "authors' fusion layer: bare attention blocks, blocks 1 and 2 sharing weights")
	compatBatchNorm := fs.Bool("compat-batch-norm", false, "authors' BatchNorm in the radiology adapters")
	compatDecay := fs.Bool("compat-decay-all", false, "authors' weight decay on every parameter")
	compatAuthors := fs.Bool("compat-authors", false, "every compat switch above: the authors' released code (use with --optimizer gcs, which their trainer always applies)")
	if err := fs.parse(args, stdout, stderr, required("cohort", "out"), atLeast("fold", fold, 0, ""),
		oneOf("profile", profile, train.Profiles...), inRange("pmiss", pmiss, 0, 0.99, "the probability a patient's modality is masked"),
		atLeast("epochs", epochs, 0, "0: the profile's"), oneOf("optimizer", optimizer, optim.Optimizers()...)); err != nil {
		return err
	}
	spec := cohortSpec()
	c, err := data.Open(spec)
	if err != nil {
		return err
	}
	if *fold >= len(c.Folds) {
		return fmt.Errorf("--fold %d: %s has folds 0 to %d", *fold, c.Name, len(c.Folds)-1)
	}
	cfg, err := train.Profile(*profile)
	if err != nil {
		return err
	}
	cfg.PMiss, cfg.Seed, cfg.Optimizer = *pmiss, *seed, *optimizer
	if *compatAuthors {
		*compatGCS, *compatEvents, *compatAttention, *compatFusion, *compatBatchNorm, *compatDecay = true, true, true, true, true, true
	}
	cfg.StepParams.GCS.Compat, cfg.StepParams.GCS.CompatSeed = *compatGCS, *seed
	cfg.CompatInvertedEvents, cfg.CompatDecayAll = *compatEvents, *compatDecay
	cfg.Model.CompatBatchAttention, cfg.Model.CompatPlainFusion, cfg.Model.CompatBatchNorm = *compatAttention, *compatFusion, *compatBatchNorm
	if *epochs > 0 {
		cfg.Epochs = *epochs
	}
	if _, err := experiment.ClaimRunFolder(*out, experiment.TrainIdentity{Cohort: spec, Fold: *fold, Train: cfg}); err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	rec, err := train.TrainFold(c, *fold, cfg, train.TrainOptions{Backend: b, Progress: stderr,
		Checkpoint: filepath.Join(*out, "checkpoint.gob"), CheckpointEvery: 10})
	if err != nil {
		return err
	}
	rec.CohortSpec = spec
	path := filepath.Join(*out, "run.json")
	if err := experiment.WriteJSON(path, rec); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: fold %d, test Harrell C %.4f, %d parameters, %.1f s\n", path, *fold, float64(rec.TestHarrellC), rec.Params, rec.Seconds)
	return nil
}

func runModel(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "summary" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "usage: parachute model summary [flags]   (parachute model summary -h)")
			return errHelp
		}
		fmt.Fprintln(stderr, "usage: parachute model summary [flags]   (parachute model summary -h)")
		return errors.New("missing subcommand summary")
	}
	fs := newFlags("model summary", `Prints each module of the network with its input and output shapes (one patient)
and parameter count.`, "parachute model summary --config paper")
	config := fs.String("config", "paper", "paper, quick, or a JSON file with a model.Config")
	asJSON := fs.Bool("json", false, "print JSON (with total_params) instead of a table")
	if err := fs.parse(args[1:], stdout, stderr); err != nil {
		return err
	}
	var cfg model.Config
	switch *config {
	case "paper":
		cfg = model.PaperConfig()
	case "quick":
		cfg = model.QuickConfig()
	default:
		var err error
		if cfg, err = readModelConfig(*config); err != nil {
			return err
		}
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	s, err := model.Summarize(b, cfg, 1)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, s)
	}
	s.WriteTable(stdout)
	return nil
}
