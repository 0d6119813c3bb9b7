// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"math"
	"testing"
)

// Named tolerances. Each comparison in the tests uses one of these, so that a
// reader sees why a gap is acceptable.
const (
	// HandDerived compares pure-Go float64 results with values worked out by
	// hand as rationals: float64 rounding only.
	HandDerived = 1e-12
	// SameEstimator compares pure-Go float64 results with the same estimator
	// in R (same ties, same τ rule, same continuity): both are float64 with
	// different summation orders; a larger gap is a convention bug.
	SameEstimator = 1e-10
	// ReferenceInput is SameEstimator for statistics whose inputs were
	// themselves rounded by R (for example predicted survival printed with 17
	// significant digits and squared): the same bound, named apart so the
	// reason is visible.
	ReferenceInput = 1e-9
	// RFitter compares an exact optimum with R's iterative fit of it:
	// coxph stops when the log-likelihood changes by less than 1e-9
	// relatively, which leaves the coefficients a few 1e-9 from the maximum.
	RFitter = 1e-7
	// StockVJP compares fastgrad's matmul VJPs with GoMLX's stock VJPs in
	// float64, first and second order: the same sums in a different order
	// (fastgrad_test.go compares at this bound).
	StockVJP = 1e-9
	// Float64Backends compares one float64 graph run on two backends (the
	// pure-Go CPU backend and XLA on CUDA): the same operations with
	// different reduction orders, measured at 3e-16.
	Float64Backends = 1e-12
	// Float32Long compares float32 graph code with a float64 reference over
	// reductions of hundreds of terms: ε(float32) ≈ 1.2e-7 times the
	// accumulation length.
	Float32Long = 1e-4
	// FiniteDifference compares an analytic derivative with a central
	// difference of step 1e-6 in float64: O(h²) truncation plus rounding
	// ε/h ≈ 1e-10 relative to the function value.
	FiniteDifference = 1e-6
)

// Close reports whether got and want agree within tol, absolutely or
// relatively (gonum's EqualWithinAbsOrRel rule). Two NaNs agree (R's NA).
func Close(got, want, tol float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	if got == want {
		return true
	}
	d := math.Abs(got - want)
	return d <= tol || d <= tol*math.Max(math.Abs(got), math.Abs(want))
}

// CheckClose fails the test when got and want differ by more than tol.
func CheckClose(t testing.TB, what string, got, want, tol float64) {
	t.Helper()
	if !Close(got, want, tol) {
		t.Errorf("%s = %.17g, want %.17g (tolerance %g)", what, got, want, tol)
	}
}

// CheckAllClose compares two slices element by element.
func CheckAllClose(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range got {
		if !Close(got[i], want[i], tol) {
			if bad < 5 {
				t.Errorf("%s[%d] = %.17g, want %.17g (tolerance %g)", what, i, got[i], want[i], tol)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}
