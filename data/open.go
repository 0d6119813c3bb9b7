// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// CohortSpec names a cohort the way the command line does: a synthetic
// preset ("synth:pda" with a seed) or a data folder in the authors' layout
// (with the cohort's name, or its only cohort). It is part of run
// configurations, so it is JSON-serialisable.
type CohortSpec struct {
	Source string `json:"source"`         // "synth:<preset>" or a folder
	Name   string `json:"name,omitempty"` // cohort of a folder
	Seed   uint64 `json:"seed,omitempty"` // seed of a synthetic cohort
	// Pathology and Radiology name the encoders whose features are used
	// (generated, for a synthetic cohort); "" means TITAN and
	// MedImageInsight and is left out of the JSON, so specs with the default
	// encoders serialise (and hash) as before the fields existed.
	Pathology string `json:"pathology,omitempty"`
	Radiology string `json:"radiology,omitempty"`
}

// Open returns the cohort a spec names.
func Open(s CohortSpec) (*Cohort, error) {
	if preset, ok := strings.CutPrefix(s.Source, "synth:"); ok {
		return Synthesize(SynthOptions{Preset: preset, Seed: s.Seed, Pathology: s.Pathology, Radiology: s.Radiology})
	}
	name := s.Name
	if name == "" {
		var err error
		if name, err = OnlyCohort(s.Source); err != nil {
			return nil, err
		}
	}
	return Load(s.Source, name, &LoadOptions{Pathology: s.Pathology, Radiology: s.Radiology})
}

// OnlyCohort returns the one cohort under dir/labels_splits.
func OnlyCohort(dir string) (string, error) { return onlySubfolder(dir, "labels_splits") }

// onlySubfolder returns the one cohort folder under dir/sub.
func onlySubfolder(dir, sub string) (string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		return "", fmt.Errorf("%s is not a data folder in the authors' layout (%s/<COHORT>): %w", dir, sub, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) != 1 {
		return "", fmt.Errorf("%s/%s holds %d cohorts %v: choose one by name", dir, sub, len(names), names)
	}
	return names[0], nil
}

// EncodersOf lists the encoders a spec's cohort can be opened with: every
// known encoder for a synthetic cohort (the generator makes any of them),
// and for a folder in the authors' layout those whose feature folder
// (features/<cohort>/<encoder folder>) exists and is not empty; pathology
// first, in the order of Encoders.
func EncodersOf(s CohortSpec) ([]Encoder, error) {
	if strings.HasPrefix(s.Source, "synth:") {
		return slices.Clone(Encoders), nil
	}
	name := s.Name
	if name == "" {
		var err error
		if name, err = OnlyCohort(s.Source); err != nil {
			return nil, err
		}
	}
	cohort := CohortFolder(name)
	var out []Encoder
	for _, e := range Encoders {
		entries, err := os.ReadDir(featureDir(s.Source, cohort, e.Folder))
		if err == nil && len(entries) > 0 {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no encoder's features under %s: %w", s.Source, filepath.Join(s.Source, "features", cohort), ErrUnknown)
	}
	return out, nil
}
