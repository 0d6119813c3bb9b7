// SPDX-License-Identifier: Apache-2.0

// Package linear holds the linear survival baselines of the supplement: the
// Cox proportional-hazards model (CoxPH, fitted by Newton–Raphson as R's
// survival package fits it, Breslow or Efron ties, optional ridge) and the
// elastic-net Cox model (CoxNet, by cyclic coordinate descent as glmnet fits
// it), and the feature maps that turn per-patient embeddings into their
// covariates. Everything is float64 on the host; the package imports no
// GoMLX.
//
// Conventions: time > 0 in any unit, event true for an observed death; the
// linear predictor xᵀβ is the log relative risk (higher = earlier death);
// a censoring at a death time is in that death's risk set. Results are
// checked against R (survival 3.5-3, glmnet 4.1-6) on datasets that ship with
// R's survival package (testdata).
package linear
