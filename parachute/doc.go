// SPDX-License-Identifier: Apache-2.0

// Package parachute is the science of goparachute, a Go implementation of
// PARACHUTE (Caforio, Poles, Santambrogio, "PaRaChute: Pathology-Radiology
// Cross-Modal Fusion for Missing-Modality-Robust Survival Prediction",
// WACV 2026, pp. 718–728): multimodal survival prediction from pathology and
// radiology features that stays accurate when a modality is missing, its
// Gradient Curvature Steering optimizer and its loss-landscape analysis.
//
// This package holds no code; its sub-packages each have one concern:
//
//   - [github.com/parachute-surv/goparachute/parachute/survival]: survival
//     statistics in pure Go float64 (concordance indices, AUC(t), Brier,
//     Kaplan–Meier, log-rank, Breslow, calibration, bootstrap, the
//     degradation analysis), checked against R. Imports no GoMLX.
//   - [github.com/parachute-surv/goparachute/parachute/model]: the PARACHUTE
//     network as a GoMLX graph.
//   - [github.com/parachute-surv/goparachute/parachute/losses]: the Cox
//     partial likelihood as graph code.
//   - [github.com/parachute-surv/goparachute/parachute/optim]: AdamW, the
//     cosine schedule of the supplement's Eq. 11, Gradient Curvature Steering
//     and the optimizer baselines SAM, CR-SAM and GradVac.
//   - [github.com/parachute-surv/goparachute/parachute/baselines/linear]:
//     the linear baselines, CoxPH (R's coxph algorithm) and CoxNet (glmnet's
//     elastic-net path), and their feature maps, checked against R. Imports
//     no GoMLX.
//   - [github.com/parachute-surv/goparachute/parachute/baselines/deep]: the
//     deep baselines DRIM, AttentionMOI, MMD and ShaSpec, adapted to slide
//     and series embeddings and a Cox head.
//   - [github.com/parachute-surv/goparachute/parachute/scoring]: one scoring
//     path from predictions to every reported metric (horizons, τ, the
//     training fold's censoring distribution, Breslow baseline and median),
//     shared by the protocol, the figures and "parachute metrics"; the
//     predictions CSV format.
//   - [github.com/parachute-surv/goparachute/parachute/train]: training
//     profiles, the trainer and its epoch loop with checkpoints and exact
//     resume, batches and runtime masking, stacks of runs, evaluation under
//     the masking scenarios.
//   - [github.com/parachute-surv/goparachute/parachute/experiment]: runs as
//     files (result files named by configuration hash, locks, run folders),
//     the protocol, sweeps with shards, the runs a sweep is missing,
//     prediction export.
//   - [github.com/parachute-surv/goparachute/parachute/slurm]: a sweep as
//     a Slurm array job: its script, manifest and frozen grid, sbatch, a
//     task's log; it imports only the standard library and atomicfile.
//   - [github.com/parachute-surv/goparachute/parachute/bench]: the
//     benchmark workloads.
//   - [github.com/parachute-surv/goparachute/parachute/hvp]: a trained
//     network's loss as a landscape operator (Hv by double backprop).
//   - [github.com/parachute-surv/goparachute/parachute/stats]: the one
//     comparison rule of every verdict (paired fold bootstrap, Wilcoxon,
//     Holm/BH), Fligner–Killeen, checked against R.
//   - [github.com/parachute-surv/goparachute/parachute/runscope]: a run's
//     scope and random streams inside a stack's graph.
//   - [github.com/parachute-surv/goparachute/parachute/atomicfile]: files
//     written atomically.
//   - [github.com/parachute-surv/goparachute/parachute/fidelity]: the
//     authors' PyTorch model side by side with ours (our weights under their
//     state-dict names, a batch and our risks), for tools/authors.
//   - [github.com/parachute-surv/goparachute/parachute/landscape]: the
//     Hessian seen through products Hv (an Operator): block Lanczos with
//     full re-orthogonalisation, power iteration, Hutchinson's trace,
//     stochastic Lanczos quadrature, loss surfaces along eigenvectors or
//     filter-normalised random directions (Figure 6). Pure Go and gonum;
//     hvp.LossFunction is the operator of a trained network's Cox
//     loss (double backprop).
//   - [github.com/parachute-surv/goparachute/parachute/interpret]: tumour
//     morphology from 3-D masks (voxel and marching-cubes mesh volume,
//     surface area, sphericity, as pyradiomics defines them), cell densities
//     per mm², group comparisons (Figure 10).
//   - [github.com/parachute-surv/goparachute/parachute/figures]: the data
//     behind each supplementary figure and table, one file each, one call
//     from its notebook.
//   - [github.com/parachute-surv/goparachute/parachute/tutorial]: the same
//     for the four tutorials.
//   - [github.com/parachute-surv/goparachute/parachute/backend]: backend
//     selection and start-up.
//   - [github.com/parachute-surv/goparachute/parachute/blasdot]: the pure-Go
//     backend's DotGeneral through OpenBLAS, self-tested at start-up
//     (backend.New installs it when a CBLAS library is present).
//   - [github.com/parachute-surv/goparachute/parachute/fastops]: faster
//     simplego executors for broadcasting element-wise ops, transposes,
//     reductions and Where, bitwise equal to simplego's own (backend.New
//     installs them).
//   - [github.com/parachute-surv/goparachute/parachute/fastgrad]: matmul
//     gradients of DotGeneral and Dot, and Slice's without Pad, for GoMLX
//     v0.26.0; under another version it installs nothing and says why
//     (backend.New installs it).
//   - [github.com/parachute-surv/goparachute/parachute/opclock]: times the
//     pure-Go backend's graph ops by type (package bench's breakdown, the
//     only user; nothing is wrapped until it asks).
//   - parachute/internal/simplegoabi: the GoMLX version check and the
//     guarded access to simplego's internals that blasdot, fastops and
//     opclock use. Building with -tags stockgomlx leaves blasdot, fastops,
//     opclock and that access out: GoMLX's own executors only.
//   - [github.com/parachute-surv/goparachute/parachute/testutil]: named
//     tolerances and reference loaders, for tests only.
//
// Dependency direction: notebooks and tutorials → plotting, tutorial →
// figures → bench → experiment → train, hvp, fidelity, data → model, optim,
// losses, baselines, landscape, interpret, stats, scoring → GoMLX and gonum.
// survival, stats and landscape import only the standard library and gonum,
// scoring only those and survival; data/formats (the feature files) only
// atomicfile of the module, data no GoMLX; nothing under parachute imports
// plotting; only backend imports blasdot and fastops. parachute/testutil's
// layout test enforces these rules.
package parachute
