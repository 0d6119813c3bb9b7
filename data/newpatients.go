// SPDX-License-Identifier: Apache-2.0

package data

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
)

// NewPatients are patients to predict for: their features, and their
// outcomes where already known. It is what [LoadNewPatients] reads.
type NewPatients struct {
	Name                 string
	Pathology, Radiology Encoder
	// Patients keep the case list's order, or without one the order of
	// their IDs. Time is NaN and Event false where the outcome is unknown
	// (see [Patient.HasOutcome]).
	Patients []Patient
	// CaseList is the case list read ("" when there was none).
	CaseList string
	// SlidesAsPatients lists slide files that, without a case list, matched
	// no radiology case folder and were each taken as a patient of its own
	// (named by the file name): give a case list to group them.
	SlidesAsPatients []string
	Report           *LoadReport
}

// HasOutcome reports whether the patient's outcome is known (Time not NaN).
func (p *Patient) HasOutcome() bool { return !math.IsNaN(p.Time) }

// LoadNewPatients reads patients to predict for from a folder in the authors'
// layout (see [Load]) whose outcomes may be unknown. The cases come from
// labels_splits/<cohort>/k=all.tsv when it exists, read as a case list
// ([ReadCaseList]: outcomes and folds optional), slides matched to cases as
// Load matches them. Without it, every radiology case folder is a patient,
// slide files belong to the case folder whose name prefixes theirs (followed
// by '-', '_' or '.'), and any other slide file is a patient of its own, listed
// in SlidesAsPatients. cohort may be "" when features/ holds one cohort.
//
// Files are checked as Load checks them (widths, finite values, formats);
// cases without any feature file are left out and listed in the report, as
// are files without a case. A patient with one modality is kept: the model
// replaces the absent one by its missing-modality tokens, as in training.
func LoadNewPatients(dir, cohort string, opts *LoadOptions) (*NewPatients, error) {
	if opts == nil {
		opts = &LoadOptions{}
	}
	pathEnc, radEnc, err := encoderPair(opts.Pathology, opts.Radiology)
	if err != nil {
		return nil, err
	}
	if cohort == "" {
		if cohort, err = onlySubfolder(dir, "features"); err != nil {
			return nil, err
		}
	}
	name := CohortFolder(cohort)
	np := &NewPatients{Name: name, Pathology: pathEnc, Radiology: radEnc}
	var table *SplitTable
	listPath := splitPath(dir, name)
	if _, err := os.Stat(listPath); err == nil {
		if table, err = ReadCaseList(listPath); err != nil {
			return nil, err
		}
		np.CaseList = listPath
	} else if table, np.SlidesAsPatients, err = casesFromFiles(dir, name, pathEnc, radEnc); err != nil {
		return nil, err
	}
	rep := newLoadReport(dir, name, table, pathEnc, radEnc)
	np.Report = rep
	slides, err := loadSlides(dir, name, pathEnc, table, rep)
	if err != nil {
		return nil, err
	}
	series, err := loadSeries(dir, name, radEnc, table, rep)
	if err != nil {
		return nil, err
	}
	for _, sc := range table.Cases {
		if len(slides[sc.ID]) == 0 && len(series[sc.ID]) == 0 {
			rep.RowsWithoutFeatures = append(rep.RowsWithoutFeatures, sc.ID)
			continue
		}
		np.Patients = append(np.Patients, Patient{ID: sc.ID, Time: sc.Time, Event: sc.Event,
			Slides: slides[sc.ID], Series: series[sc.ID]})
	}
	if len(np.Patients) == 0 {
		return nil, &FileError{Path: featureDir(dir, name, ""), Err: formats.Faultf(ErrNoModality,
			"no patient has %s or %s features", pathEnc.Folder, radEnc.Folder)}
	}
	rep.Counts = countPatients(np.Patients)
	return np, nil
}

// casesFromFiles builds a per-case table from the feature files when there
// is no case list: radiology case folders, then slide files that match none.
func casesFromFiles(dir, cohort string, pathEnc, radEnc Encoder) (*SplitTable, []string, error) {
	var ids []string
	entries, err := os.ReadDir(featureDir(dir, cohort, radEnc.Folder))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, &FileError{Path: featureDir(dir, cohort, radEnc.Folder), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	var own []string
	entries, err = os.ReadDir(featureDir(dir, cohort, pathEnc.Folder))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, &FileError{Path: featureDir(dir, cohort, pathEnc.Folder), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	folders := append([]string(nil), ids...)
	for _, e := range entries {
		stem, ok := strings.CutSuffix(e.Name(), ".h5")
		if e.IsDir() || !ok || caseOf(stem, folders) != "" {
			continue
		}
		ids = append(ids, stem)
		own = append(own, rel(dir, filepath.Join(featureDir(dir, cohort, pathEnc.Folder), e.Name())))
	}
	sort.Strings(ids)
	t := &SplitTable{Format: PerCase}
	for _, id := range ids {
		t.Cases = append(t.Cases, SplitCase{ID: id, Time: math.NaN()})
	}
	if len(t.Cases) == 0 {
		return nil, nil, &FileError{Path: filepath.Join(dir, "features", cohort), Err: formats.Faultf(ErrNoModality,
			"no %s case folders and no %s slide files", radEnc.Folder, pathEnc.Folder)}
	}
	return t, own, nil
}
