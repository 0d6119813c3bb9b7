// SPDX-License-Identifier: Apache-2.0

package formats

import (
	"errors"
	"fmt"
)

// Sentinel errors of the readers; package data re-exports them (data.ErrFormat
// is ErrFormat). Test them with errors.Is.
var (
	// ErrFormat is returned for a file whose content does not follow its
	// format (bad header, unknown column, unparsable value, truncated data).
	ErrFormat = errors.New("data: malformed file")
	// ErrNoHDF5 is returned when reading or writing .h5 files in a binary
	// built with the nohdf5 tag.
	ErrNoHDF5 = errors.New("data: built without HDF5 support (nohdf5 tag)")
)

// FileError locates a fault: the file (Path), the patient when known, and
// where in the file (Where: a row, a column, an element). Err classifies the
// fault with a sentinel error (these, or package data's), possibly wrapped
// with detail. Package data's loaders return it too (data.FileError).
type FileError struct {
	Path    string
	Patient string
	Where   string
	Err     error
}

// Error implements error: "data: k=all.tsv: row 5 (patient C3L-00017): OS_days = -3: invalid survival time".
func (e *FileError) Error() string {
	s := "data: " + e.Path
	if e.Where != "" {
		s += ": " + e.Where
	}
	if e.Patient != "" {
		s += fmt.Sprintf(" (patient %s)", e.Patient)
	}
	return s + ": " + trimPrefix(e.Err)
}

// Unwrap returns the classifying error.
func (e *FileError) Unwrap() error { return e.Err }

func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "data: " {
		return s[6:]
	}
	return s
}

// Faultf wraps a sentinel with detail: Faultf(ErrFormat, "%d values for shape %v", n, shape).
func Faultf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), sentinel)
}

// GuardDecoder turns a panic inside a third-party decoder into a FileError
// naming the file: the last guard of every reader, behind the checks that
// validate the bytes before handing them over. Use as
// defer GuardDecoder(path, &err).
func GuardDecoder(path string, err *error) {
	if r := recover(); r != nil {
		*err = &FileError{Path: path, Err: fmt.Errorf("%w: the decoder failed on this file: %v", ErrFormat, r)}
	}
}
