// SPDX-License-Identifier: Apache-2.0

package data

import (
	"errors"

	"github.com/parachute-surv/goparachute/data/formats"
)

// Sentinel errors; the loaders wrap them in a [*FileError] that names the
// file and the patient. Test them with errors.Is.
var (
	// ErrFormat is returned for a file whose content does not follow its
	// format (bad header, unknown column, unparsable value, truncated data).
	ErrFormat = formats.ErrFormat
	// ErrWidth is returned for features whose width differs from the
	// encoder's.
	ErrWidth = errors.New("data: feature width differs from the encoder's")
	// ErrNonFinite is returned for NaN or infinite feature values.
	ErrNonFinite = errors.New("data: feature value is NaN or infinite")
	// ErrTime is returned for a survival time that is NaN, infinite or
	// negative, or zero for an observed event.
	ErrTime = errors.New("data: invalid survival time")
	// ErrDuplicate is returned for a patient, slide or series listed twice,
	// or for a case whose rows disagree on its labels.
	ErrDuplicate = errors.New("data: duplicate or inconsistent entry")
	// ErrNoModality is returned for a patient with neither slides nor series.
	ErrNoModality = errors.New("data: patient has no modality")
	// ErrFold is returned for an empty fold part or a fold part without events.
	ErrFold = errors.New("data: invalid fold")
	// ErrChecksum is returned when a downloaded file's SHA-256 differs from
	// the expected one.
	ErrChecksum = errors.New("data: checksum mismatch")
	// ErrNoHDF5 is returned when reading or writing .h5 files in a binary
	// built with the nohdf5 tag.
	ErrNoHDF5 = formats.ErrNoHDF5
	// ErrUnknown is returned for an unknown cohort, preset or encoder name.
	ErrUnknown = errors.New("data: unknown name")
)

// FileError locates a fault: the file (Path), the patient when known, and
// where in the file (Where: a row, a column, an element). Err classifies the
// fault with one of the sentinel errors, possibly wrapped with detail. It is
// the file readers' type (package formats), so that one errors.As finds the
// file of any fault of a load.
type FileError = formats.FileError
