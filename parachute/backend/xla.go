// SPDX-License-Identifier: Apache-2.0

//go:build xla && cgo

package backend

import (
	"github.com/gomlx/gomlx/backends/xla"
)

// xlaCompiled reports that this binary can run XLA through a PJRT plugin.
const xlaCompiled = true

// Auto-install is switched off before any backend is created: GoMLX would
// otherwise download plugins from GitHub and PyPI on every New. (The
// GOMLX_NO_AUTO_INSTALL variable is read in xla's init, too early for a
// program to set it.)
func init() { xla.EnableAutoInstall(false) }

// InstallPlugins downloads GoMLX's PJRT plugins into ~/.local/lib/go-xla:
// the CPU plugin, and the CUDA plugin with its NVIDIA libraries when a GPU
// is present. It runs only when a user asks (parachute backends
// --install-plugins), never on its own.
func InstallPlugins() error { return xla.AutoInstall() }
