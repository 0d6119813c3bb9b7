// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data/formats"
)

// SeedFiles adds every file matching glob, and each truncated to a few
// lengths, to a fuzz target's corpus; no match fails.
func SeedFiles(f *testing.F, glob string) {
	f.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds match %s", glob)
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		for _, n := range []int{0, 1, 9, 10, 11, 40, 100, len(raw) / 2, len(raw) - 1} {
			if n >= 0 && n < len(raw) {
				f.Add(raw[:n])
			}
		}
	}
}

// FuzzFile writes raw to a file named name in a fresh folder, calls read
// on it and fails unless read succeeds or returns a *formats.FileError
// (data.FileError) whose message names the file: the contract of every
// reader of package data, never a panic.
func FuzzFile(t *testing.T, name string, raw []byte, read func(path string) error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	err := read(path)
	if err == nil {
		return
	}
	var fe *formats.FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), name) {
		t.Fatalf("error %T %q: want a *data.FileError naming %s", err, err, name)
	}
}
