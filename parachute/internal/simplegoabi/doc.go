// SPDX-License-Identifier: Apache-2.0

// Package simplegoabi reaches into GoMLX v0.26.0's pure-Go backend
// (backends/simplego) where its API has no door: the table of op executors
// and the unexported fields of its nodes and buffers. Packages blasdot and
// fastops use it to replace single executors with faster ones.
//
// Every access is guarded: [Check] verifies by reflection that the fields it
// reads and writes still exist with the expected names and types, and
// refuses any GoMLX version other than [SupportedGoMLX]. Callers must call
// Check first and leave simplego untouched when it fails.
package simplegoabi
