// SPDX-License-Identifier: Apache-2.0

//go:build stockgomlx

package backend

// leftOut is the status of an executor a stock-GoMLX build leaves out.
const leftOut = "inactive: left out of this build (-tags stockgomlx: stock GoMLX executors only)"

// installExecutors installs nothing: this build keeps GoMLX's own
// executors (packages blasdot and fastops, which reach into the pure-Go
// backend's internals, are not linked).
func installExecutors() {}

func blasStatus() string      { return leftOut }
func fastOpsStatus() string   { return leftOut }
func setBLASThreads(int) bool { return false }

// executorStatuses returns the line saying both were left out.
func executorStatuses() (any, any) { return leftOut, leftOut }
