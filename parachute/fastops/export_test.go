// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

// Test hooks.

var (
	PlanBroadcast = planBroadcast
	RandomTensor  = randomTensor
)

// RunSelfTest runs the self-test again, optionally with every result
// perturbed, and reports its error.
func RunSelfTest(plant bool) error {
	plantMismatch = plant
	defer func() { plantMismatch = false }()
	return selfTest()
}

// SetEnabled switches the executors on or off (they stay in the table).
func SetEnabled(on bool) { enabled.Store(on) }

// Dims and Strides expose a plan.
func (p stridedPlan) Dims() []int      { return p.dims }
func (p stridedPlan) Strides() [][]int { return p.strides }
