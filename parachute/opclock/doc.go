// SPDX-License-Identifier: Apache-2.0

// Package opclock times the graph operations of GoMLX's pure-Go backend
// (simplego) by kind: it wraps every single-output op executor (through
// package simplegoabi) with a clock that adds the executor's wall time and
// one call to the current account, under the op's type. Package bench uses
// it for the per-step breakdown of `parachute bench --profile quick`.
//
// The wrapping stays for the life of the process and costs two time.Now
// calls per op (about 0.05 µs against the 2–100 µs a quick-profile op
// takes); only the bench command installs it. The ops with several outputs
// (simplego's other table: RNGBitGenerator, the fused multi-output ops) and
// the executor's own work between ops are not timed: the breakdown shows
// them as the graph's wall time less the timed ops.
package opclock
