// SPDX-License-Identifier: Apache-2.0

//go:build tools

// This file is never compiled (the "tools" build tag is never set); it keeps
// gonum/plot v0.17.0 pinned in go.mod before a package of the module imports
// it (go mod tidy reads files of every build tag). Delete the import once
// package plotting uses gonum/plot.
package parachute

import _ "gonum.org/v1/plot"
