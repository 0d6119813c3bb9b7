// SPDX-License-Identifier: Apache-2.0

// Package testutil holds what the project's tests share: named numerical
// tolerances with the reason for each, float comparison helpers, the loader
// of reference JSON files and a result file read without its timings
// (Timeless). It is imported only by _test.go files (the layout
// test enforces this).
package testutil
