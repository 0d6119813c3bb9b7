// SPDX-License-Identifier: Apache-2.0

// Package atomicfile writes files so that readers never see a half-written
// one: result, checkpoint and split files are written to a temporary file in
// the same folder and renamed over the target.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path atomically, creating the parent folders: the
// data goes to a temporary file next to path, which is then renamed over it.
// On any error the temporary file is removed and path is left as it was.
func Write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
