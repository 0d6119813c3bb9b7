// SPDX-License-Identifier: Apache-2.0

//go:build nohdf5

package formats

// HDF5Available reports whether this binary reads and writes .h5 files
// (false when built with the nohdf5 tag).
const HDF5Available = false

// ReadSlideFeatures returns ErrNoHDF5: this binary was built with the nohdf5
// tag, for machines without the HDF5 C library.
func ReadSlideFeatures(path string) (features []float32, patches int, err error) {
	return nil, 0, &FileError{Path: path, Err: ErrNoHDF5}
}

// ReadSlideFile returns ErrNoHDF5; see [ReadSlideFeatures].
func ReadSlideFile(path string) (features []float32, patches int, coords [][2]int64, err error) {
	return nil, 0, nil, &FileError{Path: path, Err: ErrNoHDF5}
}

// WriteSlideFeatures returns ErrNoHDF5; see [ReadSlideFeatures].
func WriteSlideFeatures(path string, features []float32, coords [][2]int64) error {
	return &FileError{Path: path, Err: ErrNoHDF5}
}
