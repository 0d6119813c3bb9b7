// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// Fuzz targets of the readers: any bytes, written to a file of the
// reader's kind, give either a result or a *data.FileError that names the
// file; never a panic. go test runs the seeds (the committed fixtures and a
// few truncations); make fuzz runs each target for a set time.

// seedFiles adds every fixture of a folder, and each truncated to a few
// lengths, to the corpus.
func seedFiles(f *testing.F, glob string) {
	paths, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds match %s", glob)
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		for _, n := range []int{0, 1, 9, 10, 11, 40, 100, len(raw) / 2, len(raw) - 1} {
			if n >= 0 && n < len(raw) {
				f.Add(raw[:n])
			}
		}
	}
}

// fuzzFile writes raw to a file named name in a fresh folder, calls read
// and checks the error's kind and that it names the file.
func fuzzFile(t *testing.T, name string, raw []byte, read func(path string) error) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	err := read(path)
	if err == nil {
		return
	}
	var fe *data.FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), name) {
		t.Fatalf("error %T %q: want a *data.FileError naming %s", err, err, name)
	}
}

func FuzzReadSeriesNPY(f *testing.F) {
	seedFiles(f, "npy/*.npy")
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "series.npy", raw, func(p string) error { _, _, _, err := data.ReadSeriesFeatures(p); return err })
	})
}

func FuzzReadSeriesTorch(f *testing.F) {
	seedFiles(f, "pt/*.pt")
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "series.pt", raw, func(p string) error { _, _, _, err := data.ReadSeriesFeatures(p); return err })
	})
}

func FuzzReadMask(f *testing.F) {
	seedFiles(f, "nifti/*.nii*")
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "mask.nii", raw, func(p string) error { _, err := data.ReadMask(p); return err })
		fuzzFile(t, "mask.nii.gz", raw, func(p string) error { _, err := data.ReadMask(p); return err })
	})
}

func FuzzReadSplits(f *testing.F) {
	f.Add([]byte("case_id\tslide_id\tOS_days\tOS_event\tfold_0\n" + "C3L-1\tC3L-1-21\t300\t1\ttrain\nC3L-2\tC3L-2-21\t200\t0\ttest\n"))
	f.Add([]byte("case_id\tOS_days\n"))
	f.Add([]byte("\x00\xff\t\n\t\t\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "k=all.tsv", raw, func(p string) error { _, err := data.ReadSplits(p); return err })
		fuzzFile(t, "cases.tsv", raw, func(p string) error { _, err := data.ReadCaseList(p); return err })
	})
}

func FuzzReadCellCounts(f *testing.F) {
	f.Add([]byte("case_id,slide_id,neoplastic,inflammatory,epithelial,dead,connective,tissue_area_mm2\nC3L-1,C3L-1-21,10,2,3,0,4,1.5\n"))
	f.Add([]byte("case_id,slide_id\n,,\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "cells.csv", raw, func(p string) error { _, err := data.ReadCellCounts(p); return err })
	})
}

func FuzzReadSlideFile(f *testing.F) {
	if !data.HDF5Available {
		f.Skip("built with nohdf5")
	}
	seedFiles(f, "h5/*.h5")
	f.Fuzz(func(t *testing.T, raw []byte) {
		fuzzFile(t, "slide.h5", raw, func(p string) error { _, _, _, err := data.ReadSlideFile(p); return err })
	})
}
