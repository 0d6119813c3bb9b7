// SPDX-License-Identifier: Apache-2.0

//go:build unix

package atomicfile

import (
	"io/fs"
	"syscall"
)

// umask is the process's file mode creation mask, read once at start-up
// (reading it means setting it, so it is set straight back before any
// other goroutine runs).
var umask = func() fs.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return fs.FileMode(m)
}()
