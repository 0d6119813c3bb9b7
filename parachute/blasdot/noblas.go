// SPDX-License-Identifier: Apache-2.0

//go:build (!cgo || noblas) && !stockgomlx

package blasdot

// compiled reports that this build cannot use a CBLAS library.
const compiled = false

func loadLibrary([]string) (string, error) { return "", errNotBuilt }
func unloadLibrary()                       {}
func libraryCore() string                  { return "" }
func setLibraryThreads(int) bool           { return false }
func override() error                      { return errNotBuilt }
func restore()                             {}

var (
	enabled       fakeBool
	plantMismatch bool
)

type fakeBool struct{}

func (fakeBool) Store(bool) {}
