// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/fidelity"
)

const fidelityAbout = `Writes a network with every switch that makes it the authors' PaRaChuteModel
(model.Config.AuthorsCompat: attention across the batch, their plain fusion
layer, BatchNorm in the radiology adapters), its parameters under their
state-dict names (DIR/weights.npz), a batch of 16 synthetic patients with our
risks (DIR/inputs.npz) and a manifest (DIR/ours.json), for
tools/authors/equivalence.py, which runs their module on the same batch.
"make authors-equivalence AUTHORS=<their checkout>" runs both.`

func runFidelity(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "usage: parachute fidelity export --out DIR [flags]   (parachute fidelity export -h)")
			return errHelp
		}
		fmt.Fprintln(stderr, "usage: parachute fidelity export --out DIR [flags]   (parachute fidelity export -h)")
		return errors.New("missing subcommand export")
	}
	fs := newFlags("fidelity export", fidelityAbout, "parachute fidelity export --out out/fidelity")
	out := fs.String("out", "", "folder to write weights.npz, inputs.npz and ours.json into (required)")
	seed := fs.Uint64("seed", 1, "seed of the parameters, their perturbation and the synthetic cohort")
	if err := fs.parse(args[1:], stdout, stderr, required("out")); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	man, err := fidelity.Export(b, *out, fidelity.ExportOptions{Seed: *seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d arrays of the authors' state dict, a batch of %d patients, %d parameters (%d without compat switches)\n",
		*out, len(man.From), len(man.Patients), man.ParamsOurs, man.ParamsOursDefault)
	return nil
}
