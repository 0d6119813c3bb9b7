// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
	"math"
)

// Outcomes holds right-censored survival outcomes of n subjects, in the
// project's fixed order: Time[i] is the observed time (event or censoring) of
// subject i and Event[i] is true when the event was observed, false when the
// subject was right-censored at Time[i].
type Outcomes struct {
	Time  []float64
	Event []bool
}

// Len returns the number of subjects.
func (o Outcomes) Len() int { return len(o.Time) }

// Events returns the number of observed events.
func (o Outcomes) Events() int {
	n := 0
	for _, e := range o.Event {
		if e {
			n++
		}
	}
	return n
}

// Subset returns the outcomes of the subjects listed in idx (in that order;
// repeats allowed, as in a bootstrap resample). It copies.
func (o Outcomes) Subset(idx []int) Outcomes {
	s := Outcomes{Time: make([]float64, len(idx)), Event: make([]bool, len(idx))}
	for k, i := range idx {
		s.Time[k], s.Event[k] = o.Time[i], o.Event[i]
	}
	return s
}

// MaxTime returns the largest observed time (0 for no subjects).
func (o Outcomes) MaxTime() float64 {
	m := 0.0
	for _, t := range o.Time {
		m = math.Max(m, t)
	}
	return m
}

// Validate checks the outcomes every function of the package relies on:
// at least one subject, equal lengths, and every time finite and > 0.
// It returns ErrEmpty, ErrLengthMismatch, or an [*InputError] wrapping
// ErrInvalidTime that names the first offending subject.
func (o Outcomes) Validate() error {
	if len(o.Time) == 0 {
		return ErrEmpty
	}
	if len(o.Time) != len(o.Event) {
		return fmt.Errorf("%w: %d times, %d event flags", ErrLengthMismatch, len(o.Time), len(o.Event))
	}
	for i, t := range o.Time {
		if math.IsNaN(t) || math.IsInf(t, 0) || t <= 0 {
			return &InputError{Field: "time", Index: i, Value: t, Err: ErrInvalidTime}
		}
	}
	return nil
}

// validateWithRisk validates the outcomes and a risk vector of the same length.
func validateWithRisk(o Outcomes, risk []float64) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if len(risk) != o.Len() {
		return fmt.Errorf("%w: %d outcomes, %d risks", ErrLengthMismatch, o.Len(), len(risk))
	}
	for i, r := range risk {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return &InputError{Field: "risk", Index: i, Value: r, Err: ErrNonFiniteRisk}
		}
	}
	return nil
}

// validateProbabilities checks that every p[i] lies in [0, 1].
func validateProbabilities(field string, p []float64, n int) error {
	if len(p) != n {
		return fmt.Errorf("%w: %s has %d values for %d subjects", ErrLengthMismatch, field, len(p), n)
	}
	for i, v := range p {
		if !(v >= 0 && v <= 1) {
			return &InputError{Field: field, Index: i, Value: v, Err: ErrInvalidProbability}
		}
	}
	return nil
}

// validateTimes checks evaluation times: non-empty, finite, strictly increasing.
func validateTimes(times []float64) error {
	if len(times) == 0 {
		return fmt.Errorf("%w: no evaluation times", ErrInvalidArgument)
	}
	for k, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return &InputError{Field: "times", Index: k, Value: t, Err: ErrInvalidArgument}
		}
		if k > 0 && t <= times[k-1] {
			return fmt.Errorf("%w: evaluation times must be strictly increasing, times[%d] = %v after %v",
				ErrInvalidArgument, k, t, times[k-1])
		}
	}
	return nil
}
