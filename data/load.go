// SPDX-License-Identifier: Apache-2.0

package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
)

// HDF5Available reports whether this binary reads and writes .h5 files
// (false when built with the nohdf5 tag); see package formats.
const HDF5Available = formats.HDF5Available

// Cohort folder names of the authors' layout, by the project's short names.
var cohortFolders = map[string]string{"pda": "CPTACPDA", "ucec": "CPTACUCEC", "ccrcc": "MMISTCCRCC"}

// CohortFolder maps a short cohort name (pda, ucec, ccrcc) to its folder
// name in the authors' layout (CPTACPDA, CPTACUCEC, MMISTCCRCC); any other
// name is returned as is.
func CohortFolder(name string) string {
	if f, ok := cohortFolders[strings.ToLower(name)]; ok {
		return f
	}
	return name
}

// Paths of the authors' layout, relative to the data folder:
//
//	labels_splits/<cohort>/k=all.tsv                     split and label file
//	features/<cohort>/<pathology folder>/*.h5             Trident features, one file per slide
//	features/<cohort>/<radiology folder>/<case>/*.npy     CT features, one file per series (or .pt, .pth)
//	features/<cohort>/CellViT/cells.csv                   CellViT summaries (project extension)
//	features/<cohort>/TumourMasks/<case>.nii[.gz]         tumour masks (project extension)
//	synthetic/<cohort>.json                               ground truth of a synthetic cohort
func splitPath(dir, cohort string) string {
	return filepath.Join(dir, "labels_splits", cohort, "k=all.tsv")
}

func featureDir(dir, cohort, folder string) string {
	return filepath.Join(dir, "features", cohort, folder)
}

func cellViTPath(dir, cohort string) string {
	return filepath.Join(dir, "features", cohort, "CellViT", "cells.csv")
}

func syntheticPath(dir, cohort string) string {
	return filepath.Join(dir, "synthetic", cohort+".json")
}

// LoadOptions selects the encoders whose features [Load] reads. The zero
// value reads TITAN slide features and MedImageInsight CT features.
type LoadOptions struct {
	Pathology string // encoder name or folder; "" = TITAN
	Radiology string // encoder name or folder; "" = MedImageInsight
}

// LoadReport says how [Load] assembled a cohort: everything that was read,
// and everything that was left out, with the reason. Nothing is dropped
// without appearing here.
type LoadReport struct {
	Dir         string `json:"dir"`
	Cohort      string `json:"cohort"`
	SplitFile   string `json:"split_file"`
	SplitFormat string `json:"split_format"`
	// SplitCases counts the cases of the split file.
	SplitCases int `json:"split_cases"`
	// Counts are those of the assembled cohort.
	Counts
	Pathology string `json:"pathology_encoder"`
	Radiology string `json:"radiology_encoder"`
	// PooledPatchFiles counts .h5 files holding patch features, mean-pooled
	// into a slide vector.
	PooledPatchFiles int `json:"pooled_patch_files"`
	// RowsWithoutFeatures lists cases of the split file with neither a slide
	// nor a series: they are not in the cohort.
	RowsWithoutFeatures []string `json:"rows_without_features"`
	// ExcludedZeroTime lists cases censored at OS_days = 0: never at risk
	// at any event time, they carry no information and are not in the cohort.
	ExcludedZeroTime []string `json:"excluded_zero_time"`
	// SlidesWithoutFile lists slide_ids of a Patho-Bench split file with no
	// .h5 file.
	SlidesWithoutFile []string `json:"slides_without_file"`
	// FilesWithoutSplitRow lists feature files and case folders (relative to
	// the data folder) that match no case of the split file.
	FilesWithoutSplitRow []string `json:"files_without_split_row"`
	// EmptySeriesFolders lists radiology case folders without CT feature
	// files (.npy, .pt or .pth).
	EmptySeriesFolders []string `json:"empty_series_folders"`
	// CellViTSlides and Masks count the interpretability inputs attached.
	CellViTSlides int `json:"cellvit_slides"`
	Masks         int `json:"masks"`
	// Missing lists optional inputs that were absent (a modality folder,
	// CellViT summaries, masks).
	Missing []string `json:"missing"`
}

// newLoadReport starts the report of reading table's cases from dir, with
// empty (not nil) lists, so that the JSON shows [] rather than null.
func newLoadReport(dir, cohort string, table *SplitTable, pathEnc, radEnc Encoder) *LoadReport {
	return &LoadReport{Dir: dir, Cohort: cohort, SplitFile: table.Path, SplitFormat: table.Format.String(),
		SplitCases: len(table.Cases), Pathology: pathEnc.Name, Radiology: radEnc.Name,
		RowsWithoutFeatures: []string{}, ExcludedZeroTime: []string{}, SlidesWithoutFile: []string{},
		FilesWithoutSplitRow: []string{}, EmptySeriesFolders: []string{}, Missing: []string{}}
}

// Load assembles a cohort from the authors' folder layout under dir (see
// the path list above); cohort is a short name (pda, ucec, ccrcc) or a
// folder name. It reads the split file, the slide features of the
// pathology encoder (matched by slide_id for Patho-Bench split files, and by
// case ID prefix — the file name is the case ID or starts with it followed by
// '-', '_' or '.' — for per-case files), the CT series of the radiology
// encoder (one folder per case, files in name order), and, when present,
// CellViT summaries, tumour masks and the synthetic ground truth. Patients
// keep the order of the split file; slides keep their row order (Patho-Bench)
// or file-name order.
//
// Faults in files are errors naming the file, the patient and the fault
// (wrong width, NaN or infinite features, bad labels, duplicates, empty folds
// or folds without events). Cases without any feature file, cases censored at
// time 0 and files without a case are left out and listed in the returned
// cohort's Report.
func Load(dir, cohort string, opts *LoadOptions) (*Cohort, error) {
	if opts == nil {
		opts = &LoadOptions{}
	}
	pathEnc, radEnc, err := encoderPair(opts.Pathology, opts.Radiology)
	if err != nil {
		return nil, err
	}
	name := CohortFolder(cohort)
	table, err := ReadSplits(splitPath(dir, name))
	if err != nil {
		return nil, err
	}
	rep := newLoadReport(dir, name, table, pathEnc, radEnc)
	c := &Cohort{Name: name, Pathology: pathEnc, Radiology: radEnc, Report: rep}

	slides, err := loadSlides(dir, name, pathEnc, table, rep)
	if err != nil {
		return nil, err
	}
	series, err := loadSeries(dir, name, radEnc, table, rep)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for _, sc := range table.Cases {
		switch {
		case sc.Time == 0:
			rep.ExcludedZeroTime = append(rep.ExcludedZeroTime, sc.ID)
			continue
		case len(slides[sc.ID]) == 0 && len(series[sc.ID]) == 0:
			rep.RowsWithoutFeatures = append(rep.RowsWithoutFeatures, sc.ID)
			continue
		}
		index[sc.ID] = len(c.Patients)
		c.Patients = append(c.Patients, Patient{ID: sc.ID, Time: sc.Time, Event: sc.Event,
			Slides: slides[sc.ID], Series: series[sc.ID]})
	}
	for k, foldName := range table.FoldNames {
		f := Fold{Name: foldName}
		for _, sc := range table.Cases {
			if i, ok := index[sc.ID]; ok {
				if sc.Folds[k] == "test" {
					f.Test = append(f.Test, i)
				} else {
					f.Train = append(f.Train, i)
				}
			}
		}
		c.Folds = append(c.Folds, f)
	}
	if err := attachInterpretability(dir, c, rep); err != nil {
		return nil, err
	}
	if err := attachTruth(dir, c); err != nil {
		return nil, err
	}
	rep.Counts = c.Counts()
	if err := c.Validate(); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			fe.Path = table.Path
		}
		return nil, err
	}
	return c, nil
}

// loadSlides reads the slide features of every case.
func loadSlides(dir, cohort string, enc Encoder, table *SplitTable, rep *LoadReport) (map[string][]Slide, error) {
	folder := featureDir(dir, cohort, enc.Folder)
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		rep.Missing = append(rep.Missing, "pathology folder "+rel(dir, folder))
		for _, sc := range table.Cases {
			rep.SlidesWithoutFile = append(rep.SlidesWithoutFile, sc.SlideIDs...)
		}
		return map[string][]Slide{}, nil
	}
	if err != nil {
		return nil, &FileError{Path: folder, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".h5") {
			files = append(files, strings.TrimSuffix(e.Name(), ".h5"))
		}
	}
	sort.Strings(files)
	owner := map[string]string{} // file stem → case
	if table.Format == PathoBench {
		listed := map[string]string{}
		for _, sc := range table.Cases {
			for _, s := range sc.SlideIDs {
				listed[s] = sc.ID
			}
		}
		for _, f := range files {
			if id, ok := listed[f]; ok {
				owner[f] = id
			}
		}
	} else {
		ids := make([]string, len(table.Cases))
		for i, sc := range table.Cases {
			ids[i] = sc.ID
		}
		for _, f := range files {
			if id := caseOf(f, ids); id != "" {
				owner[f] = id
			}
		}
	}
	out := map[string][]Slide{}
	read := func(stem, caseID string) error {
		path := filepath.Join(folder, stem+".h5")
		feat, patches, coords, err := formats.ReadSlideFile(path)
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				fe.Patient = caseID
			}
			return err
		}
		if patches > 1 {
			rep.PooledPatchFiles++
		}
		if len(feat) != enc.Width {
			return &FileError{Path: path, Patient: caseID, Err: formats.Faultf(ErrWidth, "width %d, %s has %d", len(feat), enc.Name, enc.Width)}
		}
		if k := firstNonFinite(feat); k >= 0 {
			return &FileError{Path: path, Patient: caseID, Err: formats.Faultf(ErrNonFinite, "features[%d] = %v", k, feat[k])}
		}
		out[caseID] = append(out[caseID], Slide{ID: stem, Features: feat, Coords: coords})
		return nil
	}
	if table.Format == PathoBench {
		for _, sc := range table.Cases {
			for _, s := range sc.SlideIDs {
				if _, ok := owner[s]; !ok {
					rep.SlidesWithoutFile = append(rep.SlidesWithoutFile, s)
					continue
				}
				if err := read(s, sc.ID); err != nil {
					return nil, err
				}
			}
		}
	} else {
		for _, f := range files {
			if id, ok := owner[f]; ok {
				if err := read(f, id); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, f := range files {
		if _, ok := owner[f]; !ok {
			rep.FilesWithoutSplitRow = append(rep.FilesWithoutSplitRow, rel(dir, filepath.Join(folder, f+".h5")))
		}
	}
	return out, nil
}

// caseOf returns the longest case ID that is the file stem or a prefix of
// it followed by '-', '_' or '.', or "" when none is.
func caseOf(stem string, ids []string) string {
	best := ""
	for _, id := range ids {
		if len(id) <= len(best) || !strings.HasPrefix(stem, id) {
			continue
		}
		if len(stem) == len(id) || strings.ContainsRune("-_.", rune(stem[len(id)])) {
			best = id
		}
	}
	return best
}

// loadSeries reads the CT series of every case folder.
func loadSeries(dir, cohort string, enc Encoder, table *SplitTable, rep *LoadReport) (map[string][]Series, error) {
	folder := featureDir(dir, cohort, enc.Folder)
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		rep.Missing = append(rep.Missing, "radiology folder "+rel(dir, folder))
		return map[string][]Series{}, nil
	}
	if err != nil {
		return nil, &FileError{Path: folder, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	known := map[string]bool{}
	for _, sc := range table.Cases {
		known[sc.ID] = true
	}
	out := map[string][]Series{}
	for _, e := range entries {
		caseDir := filepath.Join(folder, e.Name())
		if !e.IsDir() || !known[e.Name()] {
			rep.FilesWithoutSplitRow = append(rep.FilesWithoutSplitRow, rel(dir, caseDir))
			continue
		}
		files, err := os.ReadDir(caseDir)
		if err != nil {
			return nil, &FileError{Path: caseDir, Patient: e.Name(), Err: fmt.Errorf("%w: %v", ErrFormat, err)}
		}
		var list []Series
		fileOf := map[string]string{} // series ID → file name
		for _, f := range files {
			if f.IsDir() || !formats.IsSeriesFile(f.Name()) {
				continue
			}
			path := filepath.Join(caseDir, f.Name())
			id := strings.TrimSuffix(f.Name(), filepath.Ext(f.Name()))
			if other, dup := fileOf[id]; dup {
				return nil, &FileError{Path: path, Patient: e.Name(), Err: formats.Faultf(ErrDuplicate, "series %s is also in %s", id, other)}
			}
			fileOf[id] = f.Name()
			slices, width, feat, err := formats.ReadSeriesFeatures(path)
			if err != nil {
				var fe *FileError
				if errors.As(err, &fe) {
					fe.Patient = e.Name()
				}
				return nil, err
			}
			if width != enc.Width {
				return nil, &FileError{Path: path, Patient: e.Name(), Err: formats.Faultf(ErrWidth, "width %d, %s has %d", width, enc.Name, enc.Width)}
			}
			if k := firstNonFinite(feat); k >= 0 {
				return nil, &FileError{Path: path, Patient: e.Name(), Err: formats.Faultf(ErrNonFinite, "slice %d, feature %d = %v", k/width, k%width, feat[k])}
			}
			list = append(list, Series{ID: id, Slices: slices, Width: width, Features: feat})
		}
		if len(list) == 0 {
			rep.EmptySeriesFolders = append(rep.EmptySeriesFolders, rel(dir, caseDir))
			continue
		}
		out[e.Name()] = list
	}
	return out, nil
}

// attachInterpretability reads CellViT summaries and tumour masks when present.
func attachInterpretability(dir string, c *Cohort, rep *LoadReport) error {
	index := map[string]int{}
	for i, p := range c.Patients {
		index[p.ID] = i
	}
	path := cellViTPath(dir, c.Name)
	if _, err := os.Stat(path); err == nil {
		cells, err := ReadCellCounts(path)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(cells))
		for id := range cells {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			i, ok := index[id]
			if !ok {
				rep.FilesWithoutSplitRow = append(rep.FilesWithoutSplitRow, fmt.Sprintf("%s (rows of case %s)", rel(dir, path), id))
				continue
			}
			c.Patients[i].Cells = cells[id]
			rep.CellViTSlides += len(cells[id])
		}
	} else {
		rep.Missing = append(rep.Missing, "CellViT summaries "+rel(dir, path))
	}
	maskDir := featureDir(dir, c.Name, "TumourMasks")
	entries, err := os.ReadDir(maskDir)
	if err != nil {
		rep.Missing = append(rep.Missing, "tumour masks "+rel(dir, maskDir))
		return nil
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".nii.gz")
		if !ok {
			if id, ok = strings.CutSuffix(e.Name(), ".nii"); !ok {
				continue
			}
		}
		path := filepath.Join(maskDir, e.Name())
		i, known := index[id]
		if !known {
			rep.FilesWithoutSplitRow = append(rep.FilesWithoutSplitRow, rel(dir, path))
			continue
		}
		m, err := formats.ReadMask(path)
		if err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				fe.Patient = id
			}
			return err
		}
		c.Patients[i].Mask = m
		rep.Masks++
	}
	return nil
}

// attachTruth reads the ground truth written next to a synthetic cohort.
func attachTruth(dir string, c *Cohort) error {
	path := syntheticPath(dir, c.Name)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	var t SyntheticTruth
	if err := json.Unmarshal(raw, &t); err != nil {
		return &FileError{Path: path, Err: fmt.Errorf("%w: %v", ErrFormat, err)}
	}
	if len(t.LogHazard) != len(c.Patients) {
		return &FileError{Path: path, Err: formats.Faultf(ErrFormat, "%d log-hazards for %d patients", len(t.LogHazard), len(c.Patients))}
	}
	c.Synthetic = &t
	return nil
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}
