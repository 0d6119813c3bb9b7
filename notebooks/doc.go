// SPDX-License-Identifier: Apache-2.0

// Package notebooks holds the GoNB notebooks that rerun the supplement's
// figures and tables (and, through its test, those of tutorials/).
//
// This file imports every package the notebooks use, for two reasons: go
// mod tidy keeps notebook-only modules (github.com/janpfeifer/must) pinned in
// go.mod, which the notebooks' scratch modules inherit; and go test's cache
// sees a change in any of them, so a cached PASS of TestNotebooks is never
// stale. The list is checked by TestNotebookImportsArePinned.
package notebooks

import (
	_ "github.com/janpfeifer/must"
	_ "gonum.org/v1/gonum/floats"

	_ "github.com/parachute-surv/goparachute/data"
	_ "github.com/parachute-surv/goparachute/parachute/backend"
	_ "github.com/parachute-surv/goparachute/parachute/experiment"
	_ "github.com/parachute-surv/goparachute/parachute/figures"
	_ "github.com/parachute-surv/goparachute/parachute/model"
	_ "github.com/parachute-surv/goparachute/parachute/survival"
	_ "github.com/parachute-surv/goparachute/parachute/tutorial"
	_ "github.com/parachute-surv/goparachute/plotting"
	_ "github.com/parachute-surv/goparachute/plotting/nbdisplay"
)
