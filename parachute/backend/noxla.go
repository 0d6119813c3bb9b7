// SPDX-License-Identifier: Apache-2.0

//go:build !xla || !cgo

package backend

import "errors"

// xlaCompiled reports that this binary cannot run XLA: it was built
// without -tags xla (the default, which keeps every build free of cgo's XLA
// bindings) or without cgo.
const xlaCompiled = false

// InstallPlugins fails: this binary cannot use XLA plugins.
func InstallPlugins() error {
	return errors.New("this binary was built without XLA: build it with -tags xla (go build -tags xla ./cmd/parachute)")
}
