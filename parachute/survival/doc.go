// SPDX-License-Identifier: Apache-2.0

// Package survival holds the survival statistics of goparachute, in pure Go
// and float64: concordance indices (Harrell, Uno), cumulative/dynamic AUC(t),
// Brier and integrated Brier scores, Kaplan–Meier curves with confidence
// intervals and quantiles, the log-rank test, the Breslow baseline hazard and
// survival predictions, calibration at a horizon, bootstrap confidence
// intervals, and the missing-modality degradation analysis of the PARACHUTE
// supplement (Table 5). It imports nothing from GoMLX, so metrics can be
// checked in isolation against R.
//
// # Conventions
//
// These hold for every function of the package:
//
//   - Outcomes are (Time, Event): Time is the observed time, finite and > 0,
//     in the unit of the data (days in the project's cohorts); Event is true
//     when the event (death) was observed and false when the subject was
//     right-censored at Time.
//   - Risk is a model score where higher means an earlier expected event
//     (scikit-survival's convention). R's concordance() and lifelines'
//     concordance_index treat the score as a predicted survival time: compare
//     with reverse = TRUE, or negate the score.
//   - Ties: an event and a censoring at the same time are ordered event first
//     (the censored subject is still at risk at the event time); two events at
//     the same time are not comparable; equal risks score 1/2 in concordance
//     and AUC. Only exactly equal risks are ties (scikit-survival also ties
//     risks within 1e-8).
//   - Step functions (Kaplan–Meier S, censoring G, Breslow H0) are
//     right-continuous: the value at t includes the jump at t.
//   - Inverse probability of censoring weights use the Kaplan–Meier estimate
//     G of the censoring distribution, estimated on a training set when one is
//     given ([IPCWOptions].Train) and on the test data otherwise. The default
//     [ScikitSurvival] convention evaluates G(T_i) at an event time; the
//     [RConvention] evaluates G(T_i−) as R's survival and riskRegression do.
//     On data where no event time equals a censoring time they coincide.
//   - Evaluation times of AUC(t) and Brier(t) must lie in [min T, max T) of
//     the test data, as in scikit-survival.
//   - Undefined results are errors, never numbers: no comparable pair, all
//     subjects censored, NaN or infinite input, times ≤ 0, mismatched
//     lengths, evaluation times outside the follow-up. Errors are the
//     package's sentinel values (ErrXxx), possibly inside an [*InputError]
//     that names the offending sample; test them with errors.Is.
//
// # Agreement with trusted tools
//
// testdata/gen/reference.R computes reference values with R 4.2.2, survival
// 3.5-3, riskRegression 2022.11.28 and prodlim 2019.11.13 on four datasets
// shipped with R's survival package (lung, veteran, pbc, ovarian) and a
// hand-made set of ties; testdata/README.md maps each function to its R call.
// The Go tests compare at 1e-10 and never need R.
//
// # Example
//
//	o := survival.Outcomes{Time: []float64{5, 8, 12, 20}, Event: []bool{true, false, true, false}}
//	c, err := survival.ConcordanceIndex(o, []float64{2.1, 0.3, 1.2, -0.5})
//	// c.Index = 1: every comparable pair is ordered correctly.
//
// # References
//
//   - Harrell FE, Califf RM, Pryor DB, Lee KL, Rosati RA (1982). Evaluating the
//     yield of medical tests. JAMA 247(18):2543–2546.
//   - Uno H, Cai T, Pencina MJ, D'Agostino RB, Wei LJ (2011). On the
//     C-statistics for evaluating overall adequacy of risk prediction
//     procedures with censored survival data. Stat Med 30(10):1105–1117.
//     doi:10.1002/sim.4154
//   - Uno H, Cai T, Tian L, Wei LJ (2007). Evaluating prediction rules for
//     t-year survivors with censored regression models. JASA 102:527–537.
//   - Hung H, Chiang CT (2010). Estimation methods for time-dependent AUC
//     models with survival data. Can J Stat 38(1):8–26.
//   - Graf E, Schmoor C, Sauerbrei W, Schumacher M (1999). Assessment and
//     comparison of prognostic classification schemes for survival data. Stat
//     Med 18:2529–2545.
//   - Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete
//     observations. JASA 53:457–481.
//   - Breslow NE (1972). Discussion of "Regression models and life-tables" by
//     D. R. Cox. JRSS B 34:216–217.
//   - Efron B, Tibshirani RJ (1993). An Introduction to the Bootstrap. Chapman
//     & Hall.
package survival
