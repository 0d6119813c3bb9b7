// SPDX-License-Identifier: Apache-2.0

// Package tutorial computes what the four tutorials in tutorials/ show, one
// file per tutorial and one call from its notebook; package plotting draws it.
//
//	1 survival analysis         [StudyCensoring]: Harrell's and Uno's C of the
//	                            true risk as censoring grows
//	2 missing modalities        [Fusion]: measured masking rates, missing tokens
//	                            (hiding a modality predicts exactly as removing it),
//	                            the DCE's top-k, attention maps
//	3 sharpness, SAM and GCS    [Sharpness]: four optimizers on a two-valley toy
//	                            loss ([ToyValley]), with [StudyProbes] for
//	                            Hutchinson's trace and the line-11 estimate
//	4 Hessians and landscapes   [Hessians]: Lanczos and power iteration on a
//	                            known matrix ([Matrix]) and on a trained network
//
// Tutorial 2 takes figures.Options (its first cohort, profile and seed) and
// trains one fold in each call; tutorial 4 caches its result under the runs'
// cache root (HessiansOptions.Root).
package tutorial
