// SPDX-License-Identifier: Apache-2.0

package formats_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data/formats"
)

// Formulas of data/testdata/gen/fixtures.py, evaluated in float32 as numpy does.
func fixtureSlide(j int) float64     { return float64(float32(0.001*float64(j) - 0.3)) }
func fixtureSeries(s, j int) float64 { return float64(float32(0.1*float64(s) - 0.0005*float64(j))) }
func fixtureMask(x, y, z int) uint8 {
	if (x+2*y+3*z)%5 == 0 {
		return 1
	}
	return 0
}

func checkVector(t *testing.T, what string, got []float32, want func(j int) float64, tol float64) {
	t.Helper()
	for j, v := range got {
		if math.Abs(float64(v)-want(j)) > tol {
			t.Fatalf("%s[%d] = %v, want %v", what, j, v, want(j))
		}
	}
}

func TestReadSlideFeatures(t *testing.T) {
	if !formats.HDF5Available {
		t.Skip("built with nohdf5")
	}
	cases := []struct {
		file    string
		patches int
		want    func(j int) float64
		tol     float64 // float16 keeps 11 significant bits: |x| < 0.5 → 2^-12
	}{
		{"slide_titan.h5", 1, fixtureSlide, 0},
		{"slide_titan_latest.h5", 1, fixtureSlide, 0},
		{"slide_row.h5", 1, fixtureSlide, 0},
		{"slide_float64.h5", 1, fixtureSlide, 1e-7},
		{"slide_float16.h5", 1, fixtureSlide, 1.0 / 4096},
		// Patch features [5, 768] pooled by mean: 0.01·(5+1)/2 + 0.001·j.
		{"patches_conch.h5", 5, func(j int) float64 { return 0.03 + 0.001*float64(j) }, 1e-6},
	}
	// Trident's coords: [N, 2] int64 beside the features.
	if _, _, coords, err := formats.ReadSlideFile(filepath.Join(fixtures, "h5", "patches_conch.h5")); err != nil ||
		len(coords) != 5 || coords[4] != [2]int64{4096, 4608} {
		t.Fatalf("patches_conch.h5 coords %v, err %v", coords, err)
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f, n, err := formats.ReadSlideFeatures(filepath.Join(fixtures, "h5", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(f) != 768 || n != tc.patches {
				t.Fatalf("width %d, patches %d", len(f), n)
			}
			checkVector(t, "features", f, tc.want, tc.tol)
		})
	}
}

func TestReadSlideFeaturesRejectsMalformedFiles(t *testing.T) {
	if !formats.HDF5Available {
		t.Skip("built with nohdf5")
	}
	for _, file := range []string{"no_features.h5", "rank3.h5", "empty.h5", "integers.h5", "truncated.h5", "not_hdf5.h5", "missing.h5",
		"coords_rows.h5", "coords_float.h5", "coords_shape.h5"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(fixtures, "h5", file)
			_, _, err := formats.ReadSlideFeatures(path)
			var fe *formats.FileError
			if !errors.Is(err, formats.ErrFormat) || !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("err = %v, want ErrFormat naming %s", err, path)
			}
		})
	}
}

func TestSlideFeaturesRoundTrip(t *testing.T) {
	if !formats.HDF5Available {
		t.Skip("built with nohdf5")
	}
	want := []float32{1.5, -2, float32(math.Pi), 0}
	wantCoords := [][2]int64{{0, 0}, {1024, 0}, {0, 1 << 40}}
	path := filepath.Join(t.TempDir(), "sub", "x.h5")
	if err := formats.WriteSlideFeatures(path, want, wantCoords); err != nil {
		t.Fatal(err)
	}
	got, n, coords, err := formats.ReadSlideFile(path)
	if err != nil || n != 1 || len(got) != len(want) || !slices.Equal(coords, wantCoords) {
		t.Fatalf("%v %d %v %v", got, n, coords, err)
	}
	// Without coords the file has no coords dataset.
	if err := formats.WriteSlideFeatures(path, want, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, coords, err := formats.ReadSlideFile(path); err != nil || coords != nil {
		t.Fatalf("coords %v, err %v", coords, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestReadSeriesFeatures(t *testing.T) {
	cases := []struct {
		file   string
		slices int
		tol    float64
	}{
		{"series_3x1024.npy", 3, 0},
		{"series_fortran.npy", 3, 0},
		{"series_float64.npy", 3, 1e-7},
		{"series_float16.npy", 3, 1.0 / 2048}, // values up to 0.51: float16 spacing 2^-11
		{"pooled_1024.npy", 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s, w, f, err := formats.ReadSeriesFeatures(filepath.Join(fixtures, "npy", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if s != tc.slices || w != 1024 {
				t.Fatalf("shape [%d, %d]", s, w)
			}
			checkVector(t, "features", f, func(k int) float64 { return fixtureSeries(k/w, k%w) }, tc.tol)
		})
	}
	// The Inf fixture reads; the loader rejects it (TestLoadRejectsFaults).
	if _, _, f, err := formats.ReadSeriesFeatures(filepath.Join(fixtures, "npy", "series_inf.npy")); err != nil || !math.IsInf(float64(f[1*1024+5]), 1) {
		t.Fatalf("series_inf.npy: %v", err)
	}
}

// TestReadSeriesFeaturesTorch reads CT features saved with torch.save
// (data/testdata/gen/fixtures.py): both file formats, four dtypes, and views whose
// strides or storage offset differ from a fresh tensor's.
func TestReadSeriesFeaturesTorch(t *testing.T) {
	cases := []struct {
		file   string
		slices int
		tol    float64
	}{
		{"series_3x1024.pt", 3, 0},
		{"series_legacy.pt", 3, 0},
		{"series_transposed.pt", 3, 0},
		{"series_offset.pt", 3, 0},
		{"series_float64.pt", 3, 1e-7},
		{"series_float16.pt", 3, 1.0 / 2048}, // values up to 0.51: float16 spacing 2^-11
		{"series_bfloat16.pt", 3, 1.0 / 256}, // bfloat16 keeps 8 significant bits
		{"pooled_1024.pt", 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s, w, f, err := formats.ReadSeriesFeatures(filepath.Join(fixtures, "pt", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if s != tc.slices || w != 1024 {
				t.Fatalf("shape [%d, %d]", s, w)
			}
			checkVector(t, "features", f, func(k int) float64 { return fixtureSeries(k/w, k%w) }, tc.tol)
		})
	}
	if _, _, f, err := formats.ReadSeriesFeatures(filepath.Join(fixtures, "pt", "series_inf.pt")); err != nil || !math.IsInf(float64(f[1*1024+5]), 1) {
		t.Fatalf("series_inf.pt: %v", err)
	}
}

func TestReadSeriesFeaturesTorchRejectsMalformedFiles(t *testing.T) {
	for _, file := range []string{"rank3.pt", "empty.pt", "integers.pt", "state_dict.pt", "truncated.pt", "not_torch.pt", "missing.pt"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(fixtures, "pt", file)
			_, _, _, err := formats.ReadSeriesFeatures(path)
			var fe *formats.FileError
			if !errors.Is(err, formats.ErrFormat) || !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("err = %v, want ErrFormat naming %s", err, path)
			}
		})
	}
}

func TestReadSeriesFeaturesRejectsMalformedFiles(t *testing.T) {
	for _, file := range []string{"rank3.npy", "integers.npy", "truncated.npy", "missing.npy"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(fixtures, "npy", file)
			if _, _, _, err := formats.ReadSeriesFeatures(path); !errors.Is(err, formats.ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
		})
	}
	if _, _, _, err := formats.ReadSeriesFeatures(filepath.Join(fixtures, "h5", "slide_titan.h5")); !errors.Is(err, formats.ErrFormat) {
		t.Fatalf("an .h5 read as .npy: err = %v", err)
	}
}

// TestWriteSeriesFeaturesMatchesNumPy compares the Go writer with numpy.save
// byte for byte.
func TestWriteSeriesFeaturesMatchesNumPy(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(fixtures, "npy", "small_3x4.npy"))
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float32, 12)
	for k := range f {
		f[k] = float32(0.1*float64(k/4) - 0.0005*float64(k%4))
	}
	path := filepath.Join(t.TempDir(), "small.npy")
	if err := formats.WriteSeriesFeatures(path, 3, 4, f); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, want) {
		t.Fatalf("Go writer:\n%q\nnumpy.save:\n%q", got, want)
	}
}

func TestReadMask(t *testing.T) {
	cases := []struct {
		file    string
		spacing [3]float64
	}{
		{"mask_uint8.nii", [3]float64{0.8, 0.7, 2.5}},
		{"mask_uint8.nii.gz", [3]float64{0.8, 0.7, 2.5}},
		{"mask_int16_bigendian.nii", [3]float64{0.8, 0.7, 2.5}},
		{"mask_float32_metres.nii.gz", [3]float64{0.8, 0.7, 2.5}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			m, err := formats.ReadMask(filepath.Join(fixtures, "nifti", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if m.Dims != [3]int{6, 5, 4} {
				t.Fatalf("dims %v", m.Dims)
			}
			for k := range 3 {
				// pixdim is float32 in the header.
				if math.Abs(m.Spacing[k]-tc.spacing[k]) > 1e-6*tc.spacing[k] {
					t.Errorf("spacing %v, want %v", m.Spacing, tc.spacing)
				}
			}
			for z := range 4 {
				for y := range 5 {
					for x := range 6 {
						if m.At(x, y, z) != fixtureMask(x, y, z) {
							t.Fatalf("voxel (%d,%d,%d) = %d", x, y, z, m.At(x, y, z))
						}
					}
				}
			}
		})
	}
	for _, file := range []string{"truncated.nii", "not_nifti.nii", "missing.nii"} {
		if _, err := formats.ReadMask(filepath.Join(fixtures, "nifti", file)); !errors.Is(err, formats.ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", file, err)
		}
	}
}

func TestMaskRoundTrip(t *testing.T) {
	m, err := formats.ReadMask(filepath.Join(fixtures, "nifti", "mask_uint8.nii"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.nii.gz")
	if err := formats.WriteMask(path, m); err != nil {
		t.Fatal(err)
	}
	back, err := formats.ReadMask(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Dims != m.Dims || !bytes.Equal(back.Voxels, m.Voxels) || back.Spacing != m.Spacing {
		t.Fatalf("round trip changed the mask: %v %v", back.Dims, back.Spacing)
	}
}
