// SPDX-License-Identifier: Apache-2.0

package formats_test

import (
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// Fuzz targets of the readers: any bytes, written to a file of the
// reader's kind, give either a result or a *FileError that names the file;
// never a panic. go test runs the seeds (package data's fixtures, which
// these readers share with its loader, and a few truncations); make fuzz
// runs each target for a set time.

// fixtures is the folder of the committed fixture files.
var fixtures = filepath.Join("..", "testdata")

func FuzzReadSeriesNPY(f *testing.F) {
	testutil.SeedFiles(f, filepath.Join(fixtures, "npy", "*.npy"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "series.npy", raw, func(p string) error { _, _, _, err := formats.ReadSeriesFeatures(p); return err })
	})
}

func FuzzReadSeriesTorch(f *testing.F) {
	testutil.SeedFiles(f, filepath.Join(fixtures, "pt", "*.pt"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "series.pt", raw, func(p string) error { _, _, _, err := formats.ReadSeriesFeatures(p); return err })
	})
}

func FuzzReadMask(f *testing.F) {
	testutil.SeedFiles(f, filepath.Join(fixtures, "nifti", "*.nii*"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "mask.nii", raw, func(p string) error { _, err := formats.ReadMask(p); return err })
		testutil.FuzzFile(t, "mask.nii.gz", raw, func(p string) error { _, err := formats.ReadMask(p); return err })
	})
}

func FuzzReadSlideFile(f *testing.F) {
	if !formats.HDF5Available {
		f.Skip("built with nohdf5")
	}
	testutil.SeedFiles(f, filepath.Join(fixtures, "h5", "*.h5"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		testutil.FuzzFile(t, "slide.h5", raw, func(p string) error { _, _, _, err := formats.ReadSlideFile(p); return err })
	})
}
