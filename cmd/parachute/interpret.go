// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/interpret"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/plotting"
)

const interpretAbout = `Supplement Figure 10 on one cohort: PARACHUTE is trained (or loaded from the
protocol cache) on every fold; each fold's test patients are split into high
and low risk at the median risk of that fold model's training patients; the
groups' survival (Kaplan–Meier, log-rank), CellViT cell densities (nuclei per
mm² of tissue, slides pooled) and tumour morphology (mesh volume, surface
area, sphericity from the 3-D mask) are compared by Mann–Whitney U tests,
Benjamini–Hochberg-adjusted over the eight features.

A data folder needs, besides its features and split file,
features/<COHORT>/CellViT/cells.csv (case_id, slide_id, the five class counts,
tissue_area_mm2) and features/<COHORT>/TumourMasks/<case>.nii[.gz]; patients without them
are left out of those features' tests (and counted).

Writes OUT/patients.csv (one row per test patient), OUT/tests.json and
OUT/figure10.png|svg with OUT/figure10_km.png|svg.

"parachute interpret morphology --mask M.nii.gz" measures one mask.`

const morphologyAbout = `Prints one mask's voxels, volume_mm3 (voxel count × voxel volume),
mesh_volume_mm3 and surface_mm2 (marching cubes at level 0.5 on the
zero-padded mask), sphericity and spacing_mm.`

func runInterpret(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "morphology" {
		return runMorphology(args[1:], stdout, stderr)
	}
	fs := newFlags("interpret", interpretAbout, "parachute interpret --cohort synth:ucec --profile smoke --cache out/cache --out out/interpret")
	cohortSpec := cohortFlags(fs.FlagSet)
	profile := profileFlag(fs.FlagSet)
	optimizer := optimizerFlag(fs.FlagSet, "gcs")
	pmiss := fs.Float64("pmiss", 0, "training missing ratio of the models: 0, 0.05, 0.15 or 0.3 (a protocol ratio)")
	seed := fs.Uint64("seed", 1, "training and evaluation seed")
	cache := fs.String("cache", "", "protocol cache (default: out/cache of the module, or $PARACHUTE_CACHE)")
	out := fs.String("out", "", "output folder (required)")
	if err := fs.parse(args, stdout, stderr, required("cohort", "out"), oneOf("profile", profile, train.Profiles...),
		oneOf("optimizer", optimizer, optim.Optimizers()...),
		check(func() error {
			if !slices.Contains(experiment.MissingRatios, *pmiss) {
				return fmt.Errorf("--pmiss %v: want a protocol ratio, one of %v", *pmiss, experiment.MissingRatios)
			}
			return nil
		})); err != nil {
		return err
	}
	r, err := figures.Figure10(figures.Figure10Options{Options: figures.Options{Cohorts: []data.CohortSpec{cohortSpec()}, Profile: *profile,
		Optimizer: *optimizer, PMiss: *pmiss, Seed: *seed, Root: *cache, Workers: 1, Progress: stderr}})
	if err != nil {
		return err
	}
	var csv bytes.Buffer
	if err := r.WritePatientsCSV(&csv); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(*out, "patients.csv"), csv.Bytes()); err != nil {
		return err
	}
	if err := experiment.WriteJSON(filepath.Join(*out, "tests.json"), r); err != nil {
		return err
	}
	fig, err := plotting.Figure10(r, plotting.DefaultTheme)
	if err != nil {
		return err
	}
	if _, err := plotting.Save(fig, *out, "figure10"); err != nil {
		return err
	}
	km, err := plotting.Figure10KM(r, plotting.DefaultTheme)
	if err != nil {
		return err
	}
	if _, err := plotting.Save(km[0], *out, "figure10_km"); err != nil {
		return err
	}
	fmt.Fprintln(stdout, plotting.Figure10Table(r))
	fmt.Fprintf(stdout, "%s: %d test patients\n", filepath.Join(*out, "patients.csv"), len(r.Panels[0].Patients))
	return nil
}

func runMorphology(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("interpret morphology", morphologyAbout, "parachute interpret morphology --mask data/features/CPTACUCEC/TumourMasks/SYN-UCEC-001.nii.gz --json")
	mask := fs.String("mask", "", "NIfTI-1 mask (.nii or .nii.gz; non-zero voxels are tumour) (required)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.parse(args, stdout, stderr, required("mask"), existingFile("mask", mask)); err != nil {
		return err
	}
	m, err := formats.ReadMask(*mask)
	if err != nil {
		return err
	}
	res, err := interpret.Measure(&interpret.Volume{Dims: m.Dims, Spacing: m.Spacing, Voxels: m.Voxels})
	if err != nil {
		return fmt.Errorf("%s: %w", *mask, err)
	}
	if *asJSON {
		raw, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(raw))
		return nil
	}
	fmt.Fprintf(stdout, "voxels %d\nvolume_mm3 %.6g\nmesh_volume_mm3 %.6g\nsurface_mm2 %.6g\nsphericity %.6g\nspacing_mm %g %g %g\n",
		res.Voxels, res.VolumeMM3, res.MeshVolumeMM3, res.SurfaceMM2, res.Sphericity, res.SpacingMM[0], res.SpacingMM[1], res.SpacingMM[2])
	return nil
}
