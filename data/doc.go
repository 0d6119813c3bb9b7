// SPDX-License-Identifier: Apache-2.0

// Package data holds the cohorts of goparachute: the patient and cohort
// model, loaders for the files real users have, and synthetic cohorts shaped
// like the paper's three cohorts, which every notebook, tutorial and test uses
// by default.
//
// # The cohort model
//
// A [Cohort] is a list of [Patient] values and a split plan ([Fold] values,
// optionally an independent test set). A patient has a survival outcome
// (Time in days > 0, Event true when death was observed), zero or more
// pathology [Slide] embeddings and zero or more CT [Series] (one embedding per
// slice), never neither, plus the optional interpretability inputs:
// [CellCounts] per slide and a tumour mask (formats.Mask). The encoders
// ([Encoder]) fix the widths: TITAN 768, CONCH v1.5 768, UNI 1024, UNI2-h
// 1536, Virchow2 2560, Prov-GigaPath 768 for pathology; MedImageInsight 1024
// and MedSAM2 256 per CT slice.
//
// # Files
//
// [Load] reads the authors' folder layout (github.com/PietroCaforio/parachute):
//
//	labels_splits/<COHORT>/k=all.tsv                 split and label file ([ReadSplits])
//	features/<COHORT>/TITAN/*.h5                     Trident features (formats.ReadSlideFeatures)
//	features/<COHORT>/MedImageInsights/<case>/*.npy  CT features, or .pt (formats.ReadSeriesFeatures)
//	features/<COHORT>/CellViT/cells.csv              CellViT summaries ([ReadCellCounts])
//	features/<COHORT>/TumourMasks/<case>.nii.gz      NIfTI-1 masks (formats.ReadMask)
//
// (the last two are the project's extension for the interpretability figure).
// Package [github.com/parachute-surv/goparachute/data/formats] reads and writes
// the per-patient feature files; this package reads the split and CellViT
// tables and assembles cohorts.
// COHORT is CPTACPDA, CPTACUCEC or MMISTCCRCC ([CohortFolder] maps pda, ucec,
// ccrcc). HDF5 goes through the cgo binding gonum.org/v1/hdf5 over the system
// library (Debian libhdf5-dev, conda hdf5); the nohdf5 build tag drops it for
// machines without the library, and .h5 files then give [ErrNoHDF5]
// ([HDF5Available] says which build this is).
// [FetchSplits] downloads the authors' split files and checks their SHA-256.
//
// Faults are errors that name the file, the patient and the fault
// ([*FileError] wrapping a sentinel such as [ErrWidth] or [ErrTime]). What
// Load leaves out — split rows without features, files without a split row,
// cases censored at day 0 — is listed in the cohort's [LoadReport]; nothing is
// dropped silently.
//
// # Synthetic cohorts
//
// [Synthesize] generates a cohort from a [Preset] (pda, ucec, ccrcc) and a
// seed: the split files' patient, event and fold counts and follow-up, the
// supplement's Table 4 modality availability, features of any known encoder
// with encoder-specific quality, a log-hazard with a strong pathology term, a
// weaker radiology term and a cross-modal interaction, and interpretability
// ground truth. The [SyntheticTruth] carries the true coefficients and the
// oracle C-index. [Write] stores a cohort in the authors' layout, and Load reads
// it back identically.
//
// # Example
//
//	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
//	// c.Counts(): 96 patients, 70 events, 76 with 553 slides, 34 with 232 CT series
//	err = data.Write(c, dir, data.Presets[0].Style)
//	back, err := data.Load(dir, "pda", nil)
package data
