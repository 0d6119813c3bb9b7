// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot

// Test hooks.

var (
	PlanGemm     = planGemm
	RandomTensor = randomTensor
)

type GemmPlan = gemmPlan

// RunSelfTest runs the self-test again, optionally with every BLAS result
// perturbed, and reports its error.
func RunSelfTest(plant bool) error {
	plantMismatch = plant
	defer func() { plantMismatch = false }()
	return selfTest()
}

// Reinstall re-runs the installation (after a planted failure removed it).
func Reinstall() Status { return install() }
