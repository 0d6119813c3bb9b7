// SPDX-License-Identifier: Apache-2.0

package data

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// SplitStyle fixes how [Write] lays out the split file: its format and how
// values are written (see [SplitTable]).
type SplitStyle struct {
	Format      SplitFormat
	BoolEvents  bool
	HasOS       bool
	DecimalDays bool
}

// Write writes a cohort in the authors' folder layout under dir (see
// [Load]): the split file, one Trident-style .h5 per slide named by its ID,
// one .npy per series in a folder per case, the CellViT summaries and tumour
// masks when patients have them, and the synthetic ground truth when the
// cohort has one. Every file is written atomically. [Load] reads the result
// back into an identical cohort.
//
// For per-case split files, Load matches slides to cases by ID prefix, so
// every slide ID must start with its case ID followed by '-', '_' or '.';
// Write returns ErrFormat otherwise, and also when a patient is in neither
// part of a fold.
func Write(c *Cohort, dir string, style SplitStyle) error {
	if err := c.Validate(); err != nil {
		return err
	}
	table := SplitTable{Format: style.Format, BoolEvents: style.BoolEvents, HasOS: style.HasOS, DecimalDays: style.DecimalDays}
	part := make([]map[int]string, len(c.Folds))
	for k, f := range c.Folds {
		table.FoldNames = append(table.FoldNames, f.Name)
		part[k] = map[int]string{}
		for _, i := range f.Train {
			part[k][i] = "train"
		}
		for _, i := range f.Test {
			part[k][i] = "test"
		}
	}
	for i, p := range c.Patients {
		sc := SplitCase{ID: p.ID, Time: p.Time, Event: p.Event}
		for k := range c.Folds {
			v, ok := part[k][i]
			if !ok {
				return fmt.Errorf("patient %s is in neither part of %s: %w", p.ID, c.Folds[k].Name, ErrFold)
			}
			sc.Folds = append(sc.Folds, v)
		}
		for _, s := range p.Slides {
			if style.Format == PathoBench {
				sc.SlideIDs = append(sc.SlideIDs, s.ID)
			} else if caseOf(s.ID, []string{p.ID}) == "" {
				return fmt.Errorf("slide %s of patient %s does not start with the case ID: %w", s.ID, p.ID, ErrFormat)
			}
		}
		table.Cases = append(table.Cases, sc)
	}
	if err := table.Write(splitPath(dir, c.Name)); err != nil {
		return err
	}
	cells := false
	for _, p := range c.Patients {
		for _, s := range p.Slides {
			if err := formats.WriteSlideFeatures(filepath.Join(featureDir(dir, c.Name, c.Pathology.Folder), s.ID+".h5"), s.Features, s.Coords); err != nil {
				return err
			}
		}
		for _, s := range p.Series {
			if strings.ContainsAny(s.ID, `/\`) {
				return fmt.Errorf("series ID %q of patient %s: %w", s.ID, p.ID, ErrFormat)
			}
			path := filepath.Join(featureDir(dir, c.Name, c.Radiology.Folder), p.ID, s.ID+".npy")
			if err := formats.WriteSeriesFeatures(path, s.Slices, s.Width, s.Features); err != nil {
				return err
			}
		}
		if p.Mask != nil {
			if err := formats.WriteMask(filepath.Join(featureDir(dir, c.Name, "TumourMasks"), p.ID+".nii.gz"), p.Mask); err != nil {
				return err
			}
		}
		cells = cells || len(p.Cells) > 0
	}
	if cells {
		if err := WriteCellCounts(cellViTPath(dir, c.Name), c.Patients); err != nil {
			return err
		}
	}
	if c.Synthetic != nil {
		raw, err := json.MarshalIndent(c.Synthetic, "", "  ")
		if err != nil {
			return err
		}
		if err := atomicfile.Write(syntheticPath(dir, c.Name), raw); err != nil {
			return err
		}
	}
	return nil
}

// cohortPaths are the paths a cohort owns in a data folder: its split
// folder, its features folder (slide and CT features, CellViT summaries,
// tumour masks) and its synthetic ground truth.
func cohortPaths(dir, cohort string) []string {
	return []string{filepath.Dir(splitPath(dir, cohort)), filepath.Join(dir, "features", cohort), syntheticPath(dir, cohort)}
}

// CohortFiles lists, relative to dir, the paths of cohort that dir already
// holds (see [RemoveCohort]); empty when none. [Write] into a folder that
// holds the cohort would mix the new cohort's files with the old one's
// (slides and series of patients the new cohort does not have), so callers
// check first.
func CohortFiles(dir, cohort string) []string {
	var held []string
	for _, p := range cohortPaths(dir, cohort) {
		if _, err := os.Stat(p); err == nil {
			rel, _ := filepath.Rel(dir, p)
			held = append(held, rel)
		}
	}
	return held
}

// RemoveCohort deletes what cohort owns in dir: labels_splits/<cohort>,
// features/<cohort> and synthetic/<cohort>.json. Other cohorts stay.
func RemoveCohort(dir, cohort string) error {
	for _, p := range cohortPaths(dir, cohort) {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}
