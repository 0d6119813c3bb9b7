// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/plotting"
)

const landscapeAbout = `The loss landscape of a trained network (supplement Figure 6): the Cox loss
over the run's training patients (all modalities, dropout off) as a function
of the parameters θ; its two largest Hessian eigenvalues by Lanczos (Hessian-
vector products by double backpropagation), its trace by Hutchinson's
estimator, and L(θ + α v₁ + β v₂) on an N × N grid over [−E, E]², with v₁, v₂
the unit top eigenvectors (hessian) or filter-normalised random directions
(random, Li et al. 2018). Each part reports its progress on stderr.

RUN is a folder written by "parachute train --out" or a result file of the
protocol cache (<cache>/runs/<hash>.json); the cache keeps no weights, so
such a run is retrained from its configuration and its cached test risks are
checked before the analysis.

Writes OUT/landscape.json (eigenvalues descending, trace, trace_se,
directions, alphas, betas, loss[i][j] at alphas[i] and betas[j], the centre
being the unperturbed model, loss_at_optimum, timings) and OUT/landscape.png
and .svg.`

func runLandscape(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("landscape", landscapeAbout, "parachute landscape --run runs/ucec0 --grid 5 --trace-probes 3 --out out/landscape")
	run := fs.String("run", "", "a parachute train folder or a protocol cache result file (required)")
	grid := fs.Int("grid", 41, "grid points per axis (≥ 3; odd puts the trained model at the centre)")
	eps := fs.Float64("eps", 1, "half-width of the grid (> 0)")
	directions := fs.String("directions", "hessian", "hessian (top-two eigenvectors) or random (filter-normalised)")
	probes := fs.Int("trace-probes", 30, "Hutchinson probes for the trace (0: skip)")
	block := fs.Int("block", 1, "Lanczos block size (≥ 1)")
	seed := fs.Uint64("seed", 1, "seed of the Lanczos start, the probes and random directions")
	out := fs.String("out", "", "output folder (required)")
	if err := fs.parse(args, stdout, stderr, required("run", "out"), atLeast("grid", grid, 3, ""), atMost("grid", grid, 401, ""),
		positive("eps", eps, ""), oneOf("directions", directions, "hessian", "random"), atLeast("trace-probes", probes, 0, "0: skip"),
		atLeast("block", block, 1, ""), check(func() error {
			if _, err := os.Stat(*run); err != nil {
				return fmt.Errorf("--run %s: no such run folder or result file", *run)
			}
			return nil
		})); err != nil {
		return err
	}
	dirs, err := landscape.ParseDirections(*directions)
	if err != nil {
		return err
	}
	if *probes == 0 {
		*probes = -1
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	tr, err := experiment.OpenTrainedRun(b, *run, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "landscape of %s: fold %d of %s, %d training patients\n", tr.Source, tr.Fold, tr.Cohort.Name, len(tr.TrainingPatients()))
	r, err := experiment.Landscape(tr, landscape.Options{Grid: *grid, Eps: *eps, Directions: dirs, TraceProbes: *probes,
		Lanczos: landscape.LanczosOptions{Block: *block, Seed: *seed}, Seed: *seed, Progress: stderr})
	if err != nil {
		return err
	}
	if err := experiment.WriteLandscape(*out, r); err != nil {
		return err
	}
	fig, err := plotting.Landscape(fmt.Sprintf("Loss landscape, %s fold %d", tr.Cohort.Name, tr.Fold), r, plotting.DefaultTheme)
	if err != nil {
		return err
	}
	if _, err := plotting.Save(fig, *out, "landscape"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d parameters; %s\n", filepath.Join(*out, "landscape.json"), r.Parameters, plotting.SharpnessLine(r))
	fmt.Fprintf(stdout, "seconds: top-2 eigenpairs %.1f (%d Hessian-vector products, converged %v), trace %.1f (%d probes), %d×%d grid %.1f\n",
		r.Seconds.Eigen, r.LanczosProducts, r.Converged, r.Seconds.Trace, r.TraceProbes, *grid, *grid, r.Seconds.Surface)
	return nil
}
