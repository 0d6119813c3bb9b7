// SPDX-License-Identifier: Apache-2.0

// Package plotting draws goparachute's figures with gonum/plot: metric
// versus missing ratio with error bands, AUC(t) curves with confidence bands,
// calibration diagrams, Kaplan–Meier curves by group with the log-rank
// p-value and a number-at-risk table, box plots by risk group, heat maps with
// contours for loss surfaces, and the architecture diagram of Figure 4.
//
// Builders take the result types of parachute/experiment and
// parachute/survival and return a [Figure]; [Save] writes it as PNG and SVG.
// One [Theme] (font sizes, line widths, the Okabe–Ito palette, which stays
// distinct for colour-blind readers) keeps the figures consistent at notebook
// and paper size ([ColumnWidth], [PageWidth]). Builders never pick colours
// themselves. Display in a GoNB notebook lives in the subpackage nbdisplay,
// the only package that imports GoNB.
package plotting
