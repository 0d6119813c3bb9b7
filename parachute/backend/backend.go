// SPDX-License-Identifier: Apache-2.0

// Package backend selects the GoMLX backend of every goparachute program in
// one place and installs the matmul gradients of package fastgrad.
//
// The default is GoMLX's pure-Go backend in sequential mode
// (GOMLX_BACKEND=go:ops_sequential): the default parallel mode can deadlock
// on the PARACHUTE model with 2 cores (gomlx-v0.26.md §0.2). A user may set
// GOMLX_BACKEND to another configuration of a backend compiled into the
// binary; this package never downloads anything.
package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers "go"

	"github.com/parachute-surv/goparachute/parachute/fastgrad"
)

// Default is the backend configuration used when GOMLX_BACKEND is unset.
const Default = "go:ops_sequential"

// Selection says which backend configuration was chosen and why.
type Selection struct {
	Config string // e.g. "go:ops_sequential"
	Reason string // "GOMLX_BACKEND" or "default"
}

// Choose returns the configuration New will use: $GOMLX_BACKEND when set,
// otherwise [Default].
func Choose() Selection {
	if v := strings.TrimSpace(os.Getenv("GOMLX_BACKEND")); v != "" {
		return Selection{Config: v, Reason: "GOMLX_BACKEND"}
	}
	return Selection{Config: Default, Reason: "default"}
}

var (
	mu     sync.Mutex
	shared backends.Backend
)

// New returns the process's backend, creating it on the first call: it
// installs fastgrad's gradients, then creates the backend [Choose] selects.
// The backend is shared; do not finalise it. Returns an error naming the
// configuration when the backend is not compiled in or fails to start.
func New() (backends.Backend, error) {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		return shared, nil
	}
	if err := fastgrad.Install(); err != nil {
		return nil, err
	}
	sel := Choose()
	b, err := backends.NewWithConfig(sel.Config)
	if err != nil {
		return nil, fmt.Errorf("backend %q (from %s; registered: %v): %w", sel.Config, sel.Reason, backends.List(), err)
	}
	shared = b
	return b, nil
}
