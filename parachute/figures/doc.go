// SPDX-License-Identifier: Apache-2.0

// Package figures computes the data behind each figure and table of the
// paper's supplementary material, one file per figure and one call from its
// notebook; package plotting draws what it returns and package
// plotting/nbdisplay shows it.
//
//	Table 4 (cohorts)                  [Table4]
//	Figure 5 (optimizers, 5 p_miss)    [Figure5]
//	Figure 6 (loss landscapes)         [Figure6]
//	Figure 7 (encoders)                [Figure7]
//	Figure 8 (AUC(t)), Figure 9        [Figure8], [Figure9] over [PoolOutOfFold]
//	Figure 10 (interpretability)       [Figure10]
//	Table 5 (degradation)              [Table5]
//	the methods table                  [MethodsTable]
//	Section 4 (naive concatenation)    [Section4]
//	the explorer notebook              [Explore]
//
// Every builder takes [Options] (cohorts, profile, seed, cache root,
// workers), completed by [Options.WithDefaults]; runs are trained through
// package experiment, so a finished run is read from the cache instead of
// being trained again, and every comparison goes through package stats's
// one rule. A builder returns plain data (numbers, labels, verdicts), never a
// drawing. The tutorials' builders are package tutorial.
package figures
