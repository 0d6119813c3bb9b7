// SPDX-License-Identifier: Apache-2.0

//go:build !nohdf5

package formats

// #cgo LDFLAGS: -lhdf5
// #cgo linux,!arm64 CFLAGS: -I/usr/lib/x86_64-linux-gnu/hdf5/serial/include -I/usr/include/hdf5/serial
// #cgo linux,!arm64 LDFLAGS: -L/usr/lib/x86_64-linux-gnu/hdf5/serial/
// #cgo linux,arm64 CFLAGS: -I/usr/lib/aarch64-linux-gnu/hdf5/serial/include -I/usr/include/hdf5/serial
// #cgo linux,arm64 LDFLAGS: -L/usr/lib/aarch64-linux-gnu/hdf5/serial/
// #cgo darwin CFLAGS: -I/usr/local/include -I/opt/homebrew/include
// #cgo darwin LDFLAGS: -L/usr/local/lib -L/opt/homebrew/lib
// #include "hdf5.h"
// /* HDF5 prints an error stack on every failed call; the readers return
//    errors instead, so the printing is switched off. */
// static void quietHDF5(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/x448/float16"
	"gonum.org/v1/hdf5"
)

// h5mu serialises calls into the HDF5 C library, whose Debian build is not
// thread-safe.
var h5mu sync.Mutex

// lockHDF5 takes h5mu and switches off HDF5's error printing, which a
// thread-safe HDF5 build keeps per OS thread.
func lockHDF5() {
	h5mu.Lock()
	C.quietHDF5()
}

// HDF5Available reports whether this binary reads and writes .h5 files
// (false when built with the nohdf5 tag).
const HDF5Available = true

// ReadSlideFeatures reads a Trident feature file (.h5) and returns one slide
// embedding. The file's "features" dataset is either a slide embedding
// (shape [D], or [1, D]) or patch features [N, D] (with "coords" [N, 2]),
// which are mean-pooled into one slide vector — the "mean-<encoder>" slide
// embedding of Trident. patches is N (1 for a slide embedding). Values may be
// stored as little-endian float16, float32 or float64 and are returned as
// float32.
//
// Errors name the file: not HDF5, no features dataset, a shape other than
// [D] or [N, D], no patches (N = 0), a non-float type, a "coords" dataset
// that is not [N, 2] integers or, for patch features, has another N.
// Reading is serialised (the system HDF5 library is not thread-safe).
func ReadSlideFeatures(path string) (features []float32, patches int, err error) {
	features, patches, _, err = ReadSlideFile(path)
	return features, patches, err
}

// ReadSlideFile is [ReadSlideFeatures] that also returns the patch
// coordinates of the "coords" dataset (nil when the file has none).
func ReadSlideFile(path string) (features []float32, patches int, coords [][2]int64, err error) {
	defer GuardDecoder(path, &err)
	fault := func(err error) error { return &FileError{Path: path, Err: err} }
	if _, err := os.Stat(path); err != nil {
		return nil, 0, nil, fault(fmt.Errorf("%w: %v", ErrFormat, err))
	}
	lockHDF5()
	defer h5mu.Unlock()
	if !hdf5.IsHDF5(path) {
		return nil, 0, nil, fault(Faultf(ErrFormat, "not an HDF5 file"))
	}
	f, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
	if err != nil {
		return nil, 0, nil, fault(fmt.Errorf("%w: %v", ErrFormat, err))
	}
	defer f.Close()
	if !f.LinkExists("features") {
		return nil, 0, nil, fault(Faultf(ErrFormat, `no "features" dataset`))
	}
	features, patches, err = readFeatures(f)
	if err != nil {
		return nil, 0, nil, fault(err)
	}
	if f.LinkExists("coords") {
		if coords, err = readCoords(f); err != nil {
			return nil, 0, nil, fault(err)
		}
		if patches > 1 && len(coords) != patches {
			return nil, 0, nil, fault(Faultf(ErrFormat, "coords has %d rows for %d patches", len(coords), patches))
		}
	}
	return features, patches, coords, nil
}

// readFeatures reads and, for patch features, mean-pools the "features"
// dataset.
func readFeatures(f *hdf5.File) (features []float32, patches int, err error) {
	ds, err := f.OpenDataset("features")
	if err != nil {
		return nil, 0, fmt.Errorf("%w: features: %v", ErrFormat, err)
	}
	defer ds.Close()
	dims, err := datasetDims(ds)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: features: %v", ErrFormat, err)
	}
	rows, width := 1, 0
	switch len(dims) {
	case 1:
		width = int(dims[0])
	case 2:
		rows, width = int(dims[0]), int(dims[1])
	default:
		return nil, 0, Faultf(ErrFormat, "features has shape %v, expected [D] or [N, D]", dims)
	}
	if rows == 0 || width == 0 {
		return nil, 0, Faultf(ErrFormat, "features has shape %v: no patches", dims)
	}
	dtype, err := ds.Datatype()
	if err != nil {
		return nil, 0, fmt.Errorf("%w: features: %v", ErrFormat, err)
	}
	defer dtype.Close()
	n := rows * width
	// Dataset.Read uses the file's type as the memory type, so the buffer
	// must match it exactly.
	flat := make([]float32, n)
	switch {
	case dtype.Equal(hdf5.T_NATIVE_FLOAT):
		err = ds.Read(&flat)
	case dtype.Equal(hdf5.T_NATIVE_DOUBLE):
		buf := make([]float64, n)
		if err = ds.Read(&buf); err == nil {
			for i, v := range buf {
				flat[i] = float32(v)
			}
		}
	case dtype.Class() == hdf5.T_FLOAT && dtype.Size() == 2:
		buf := make([]uint16, n)
		if err = ds.Read(&buf); err == nil {
			for i, v := range buf {
				flat[i] = float16.Frombits(v).Float32()
			}
		}
	default:
		return nil, 0, Faultf(ErrFormat, "features has a non-float type (class %v, %d bytes)", dtype.Class(), dtype.Size())
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%w: reading features: %v", ErrFormat, err)
	}
	if rows == 1 {
		return flat, 1, nil
	}
	// Mean over patches, accumulated in float64.
	sum := make([]float64, width)
	for r := range rows {
		for j, v := range flat[r*width : (r+1)*width] {
			sum[j] += float64(v)
		}
	}
	out := make([]float32, width)
	for j := range out {
		out[j] = float32(sum[j] / float64(rows))
	}
	return out, rows, nil
}

// readCoords reads the "coords" dataset: [N, 2] 64- or 32-bit integers.
func readCoords(f *hdf5.File) ([][2]int64, error) {
	ds, err := f.OpenDataset("coords")
	if err != nil {
		return nil, fmt.Errorf("%w: coords: %v", ErrFormat, err)
	}
	defer ds.Close()
	dims, err := datasetDims(ds)
	if err != nil {
		return nil, fmt.Errorf("%w: coords: %v", ErrFormat, err)
	}
	if len(dims) != 2 || dims[1] != 2 {
		return nil, Faultf(ErrFormat, "coords has shape %v, expected [N, 2]", dims)
	}
	dtype, err := ds.Datatype()
	if err != nil {
		return nil, fmt.Errorf("%w: coords: %v", ErrFormat, err)
	}
	defer dtype.Close()
	n := int(dims[0])
	flat := make([]int64, 2*n)
	switch {
	case dtype.Equal(hdf5.T_NATIVE_INT64):
		err = ds.Read(&flat)
	case dtype.Equal(hdf5.T_NATIVE_INT32):
		buf := make([]int32, 2*n)
		if err = ds.Read(&buf); err == nil {
			for i, v := range buf {
				flat[i] = int64(v)
			}
		}
	default:
		return nil, Faultf(ErrFormat, "coords has a type other than int32 or int64 (class %v, %d bytes)", dtype.Class(), dtype.Size())
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading coords: %v", ErrFormat, err)
	}
	coords := make([][2]int64, n)
	for i := range coords {
		coords[i] = [2]int64{flat[2*i], flat[2*i+1]}
	}
	return coords, nil
}

func datasetDims(ds *hdf5.Dataset) ([]uint, error) {
	space := ds.Space()
	defer space.Close()
	dims, _, err := space.SimpleExtentDims()
	return dims, err
}

// WriteSlideFeatures writes a slide embedding as a Trident slide-feature file:
// a float32 dataset "features" of shape [D] and, when coords is not empty, an
// int64 dataset "coords" of shape [N, 2] (Trident stores the patch corners
// beside the embedding). The file is written to a temporary name and renamed
// into place.
func WriteSlideFeatures(path string, features []float32, coords [][2]int64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := writeH5(tmp, features, coords); err != nil {
		os.Remove(tmp)
		return &FileError{Path: path, Err: err}
	}
	return os.Rename(tmp, path)
}

func writeH5(path string, features []float32, coords [][2]int64) error {
	lockHDF5()
	defer h5mu.Unlock()
	f, err := hdf5.CreateFile(path, hdf5.F_ACC_TRUNC)
	if err != nil {
		return err
	}
	werr := writeDataset(f, "features", hdf5.T_NATIVE_FLOAT, []uint{uint(len(features))}, &features)
	if werr == nil && len(coords) > 0 {
		flat := make([]int64, 0, 2*len(coords))
		for _, c := range coords {
			flat = append(flat, c[0], c[1])
		}
		werr = writeDataset(f, "coords", hdf5.T_NATIVE_INT64, []uint{uint(len(coords)), 2}, &flat)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

func writeDataset(f *hdf5.File, name string, dtype *hdf5.Datatype, dims []uint, data any) error {
	space, err := hdf5.CreateSimpleDataspace(dims, nil)
	if err != nil {
		return err
	}
	defer space.Close()
	ds, err := f.CreateDataset(name, dtype, space)
	if err != nil {
		return err
	}
	werr := ds.Write(data)
	if cerr := ds.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
