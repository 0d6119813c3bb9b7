// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"os"
	"path/filepath"
	"strings"
)

// DefaultCacheRoot is $PARACHUTE_CACHE, or [OutDir]/cache.
func DefaultCacheRoot() (string, error) {
	if dir := os.Getenv("PARACHUTE_CACHE"); dir != "" {
		return dir, nil
	}
	out, err := OutDir()
	return filepath.Join(out, "cache"), err
}

// moduleRoot is the folder of the go.mod that contains the working
// directory, or "" outside a module.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
}

// ShortPath returns path relative to the module root when it lies inside
// it (out/figures/x.png), so that notebooks never print a machine's
// absolute paths; other paths are returned unchanged.
func ShortPath(path string) string {
	root, err := moduleRoot()
	if err != nil || root == "" {
		return path
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return rel
	}
	return path
}

// OutDir is the folder for generated runs and figures: out/ under the Go
// module that contains the working directory (notebooks run inside the
// repository), or out/ under the working directory outside any module.
func OutDir() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	if root == "" {
		if root, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	return filepath.Join(root, "out"), nil
}
