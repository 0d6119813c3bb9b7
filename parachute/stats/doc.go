// SPDX-License-Identifier: Apache-2.0

// Package stats holds the general-purpose hypothesis tests goparachute
// reports beside its figures (paired comparisons of optimizers and methods,
// group comparisons): pure Go float64, checked against R's stats package
// through committed references (testdata/gen), like package survival.
//
// Conventions follow R's defaults so that a reader can rerun any p-value in
// R with the call each function's documentation names.
package stats
