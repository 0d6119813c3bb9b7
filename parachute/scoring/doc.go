// SPDX-License-Identifier: Apache-2.0

// Package scoring turns a model's predictions into the numbers goparachute
// reports: one function, [Score], computes every metric of a test set given
// the training set it is scored against, and the protocol
// (parachute/experiment), the figures and the "parachute metrics" command all
// call it, so the numbers a figure shows and the numbers the command prints
// for the same predictions are the same numbers.
//
// # Conventions
//
// Outcomes are (time, event) with event true for an observed death; risk is
// a log-risk, higher for an earlier death. The statistics themselves live in
// package survival (see its documentation for the tie and censoring rules);
// this package fixes which sets they are computed on:
//
//   - Harrell's C on the test set.
//   - Uno's C, AUC(t) and the Brier score weight by the censoring
//     distribution G estimated on the training set (scikit-survival's
//     survival_train), never on the test set; G falls back to the test set
//     only when no training set is given at all, and [Report.Censoring] says
//     which was used.
//   - Evaluation horizons ([Horizons]): the 25, 50 and 75 % quantiles (R's
//     type 1, so always an observed event time) of the training set's event
//     times, kept when they lie between the first test event and the last
//     test time (excluded) and at or before the last training time,
//     duplicates dropped.
//   - Truncation of Uno's C ([Tau]): the smaller of the last training time and
//     the last test time, so that every counted event lies where G is
//     estimated.
//   - Predicted survival S(t | x) at the horizons: given by the caller (a
//     CSV's S_<t> columns) or, when the training set has risks, from the
//     Breslow baseline hazard of the training risks.
//   - Log-rank test and Kaplan–Meier curves of high- vs low-risk test
//     patients split at the training set's median risk (R's median), risk
//     above the threshold being high; the test median only when the training
//     set has no risks ([LogRank.ThresholdFrom] says which).
//   - Calibration at each horizon in min(bins, n) quantile bins of the
//     predicted event probability 1 − S(t | x).
//
// An undefined metric (no comparable pair, no event, a horizon outside the
// follow-up) is a null [Number] with its reason in [Report.Errors]; a metric
// the inputs give no means to compute (Brier, IBS and calibration without
// predicted survival or training risks) is null with what would compute it
// in [Report.NotComputed]. Nothing is dropped silently.
package scoring
