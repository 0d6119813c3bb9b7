// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package backend

import (
	"os"

	"github.com/parachute-surv/goparachute/parachute/blasdot"
	"github.com/parachute-surv/goparachute/parachute/fastops"
)

// installExecutors installs the pure-Go backend's faster executors
// (packages blasdot and fastops, each guarded by its own version check and
// self-test). OpenBLAS's multi-threaded products sum in another order than
// its single-threaded ones, so a run's result would depend on the thread
// count (measured: risks 1.4e-4 apart after two smoke epochs) and a
// retrained run would not reproduce its cached result: one thread unless
// OPENBLAS_NUM_THREADS asks otherwise.
func installExecutors() {
	blasdot.Install() // each Status says whether it took, and why not
	fastops.Install()
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		blasdot.SetThreads(1)
	}
}

// blasStatus and fastOpsStatus are the one-line statuses of packages
// blasdot and fastops.
func blasStatus() string    { return blasdot.Install().String() }
func fastOpsStatus() string { return fastops.Install().String() }

// setBLASThreads sets OpenBLAS's thread count (see blasdot.SetThreads).
func setBLASThreads(n int) bool { return blasdot.SetThreads(n) }

// executorStatuses returns blasdot's and fastops's Status.
func executorStatuses() (any, any) { return blasdot.Install(), fastops.Install() }
