// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every function of the package returns one of these,
// possibly wrapped in an [*InputError] that names the offending sample, so
// callers can test for them with [errors.Is].
var (
	// ErrEmpty is returned for an empty input.
	ErrEmpty = errors.New("survival: no samples")
	// ErrLengthMismatch is returned when slices that describe the same
	// samples have different lengths.
	ErrLengthMismatch = errors.New("survival: lengths differ")
	// ErrInvalidTime is returned for a time that is NaN, ±Inf or ≤ 0.
	ErrInvalidTime = errors.New("survival: time must be finite and > 0")
	// ErrNonFiniteRisk is returned for a risk score that is NaN or ±Inf.
	ErrNonFiniteRisk = errors.New("survival: risk must be finite")
	// ErrInvalidProbability is returned for a predicted probability that is
	// NaN or outside [0, 1].
	ErrInvalidProbability = errors.New("survival: probability must lie in [0, 1]")
	// ErrAllCensored is returned when a statistic needs at least one observed
	// event and there is none.
	ErrAllCensored = errors.New("survival: all samples are censored")
	// ErrNoComparablePairs is returned when a concordance-type statistic has
	// no comparable pair (or no case or no control at an evaluation time),
	// so its ratio would be 0/0.
	ErrNoComparablePairs = errors.New("survival: no comparable pairs")
	// ErrOutsideFollowUp is returned for an evaluation time outside the
	// follow-up range where the statistic is defined.
	ErrOutsideFollowUp = errors.New("survival: time outside the follow-up range")
	// ErrCensoringSurvivalZero is returned when an inverse-probability-of-
	// censoring weight would divide by a censoring survival of zero.
	ErrCensoringSurvivalZero = errors.New("survival: censoring survival is zero")
	// ErrInvalidArgument is returned for an option or argument outside its
	// documented domain (for example unsorted evaluation times).
	ErrInvalidArgument = errors.New("survival: invalid argument")
	// ErrTooFewGroups is returned by the log-rank test when fewer than two
	// groups have subjects.
	ErrTooFewGroups = errors.New("survival: fewer than two groups")
	// ErrNotConverged is returned when an iterative fit does not reach a
	// finite optimum (a monotone likelihood, a vanishing information, too
	// many steps).
	ErrNotConverged = errors.New("survival: the fit did not converge")
)

// InputError locates a fault in one sample of an input slice. Field names the
// slice ("time", "risk", "surv[2]"), Index the sample (0-based) and Value the
// offending value; Err is the sentinel that classifies the fault.
type InputError struct {
	Field string
	Index int
	Value float64
	Err   error
}

// Error implements error: "survival: time[3] = -1: time must be finite and > 0".
func (e *InputError) Error() string {
	return fmt.Sprintf("survival: %s[%d] = %v: %s", e.Field, e.Index, e.Value,
		strings.TrimPrefix(e.Err.Error(), "survival: "))
}

// Unwrap returns the sentinel error.
func (e *InputError) Unwrap() error { return e.Err }
