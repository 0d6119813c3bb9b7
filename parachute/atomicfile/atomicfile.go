// SPDX-License-Identifier: Apache-2.0

// Package atomicfile writes files so that readers never see a half-written
// one: result, checkpoint and split files are written to a temporary file in
// the same folder and renamed over the target.
package atomicfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RemoveLeftovers removes the temporary files that writers of path killed
// mid-write left next to it (a kill between CreateTemp and the rename). Only
// the holder of the right to write path may call it: a live writer's
// temporary file would go too.
func RemoveLeftovers(path string) error {
	tmps, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, tmp := range tmps {
		if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Write writes data to path atomically, creating the parent folders: the
// data goes to a temporary file next to path, which is then renamed over it.
// The file keeps the permissions of the file it replaces; a new one gets
// those os.WriteFile gives, 0666 less the process's umask (os.CreateTemp's
// 0600 would hide results from the other users of a shared folder). On any
// error the temporary file is removed and path is left as it was.
func Write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	mode := 0o666 &^ umask
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w (the previous file, if any, is unchanged)", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if _, err := writeData(tmp, data); err != nil {
		return fail(err)
	}
	// Flush to the disk before the rename, so that a power loss leaves the
	// old file or the new one, never a renamed empty one.
	if err := tmp.Sync(); err != nil {
		return fail(err)
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

// writeData writes to the temporary file; tests replace it to inject a
// full disk.
var writeData = func(w io.Writer, data []byte) (int, error) { return w.Write(data) }

// ErrCorrupt is returned by ReadChecked for a file whose trailer is missing
// or does not match its content (a truncated or damaged file).
var ErrCorrupt = errors.New("atomicfile: file is truncated or corrupt")

// checkedMagic opens the 48-byte trailer WriteChecked appends: the magic,
// the payload's length (8 bytes, little endian) and its SHA-256.
const checkedMagic = "PRCHSUM1"

// WriteChecked writes data followed by a trailer holding its length and
// SHA-256, atomically (see Write); ReadChecked verifies it.
func WriteChecked(path string, data []byte) error {
	sum := sha256.Sum256(data)
	out := make([]byte, 0, len(data)+48)
	out = append(out, data...)
	out = append(out, checkedMagic...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(data)))
	out = append(out, sum[:]...)
	return Write(path, out)
}

// ReadChecked reads a file written by WriteChecked and returns its data, or
// an error wrapping ErrCorrupt when the trailer is missing or does not
// match (and the error of os.ReadFile when the file cannot be read).
func ReadChecked(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n := len(raw) - 48
	if n < 0 || string(raw[n:n+8]) != checkedMagic {
		return nil, fmt.Errorf("%s: %w: no checksum trailer", path, ErrCorrupt)
	}
	if l := binary.LittleEndian.Uint64(raw[n+8 : n+16]); l != uint64(n) {
		return nil, fmt.Errorf("%s: %w: %d bytes, the trailer says %d", path, ErrCorrupt, n, l)
	}
	if sum := sha256.Sum256(raw[:n]); !bytes.Equal(sum[:], raw[n+16:]) {
		return nil, fmt.Errorf("%s: %w: checksum mismatch", path, ErrCorrupt)
	}
	return raw[:n], nil
}
