// SPDX-License-Identifier: Apache-2.0

package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b.json")
	for _, content := range []string{"first", "second"} {
		if err := Write(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		if string(got) != content {
			t.Fatalf("read %q, want %q", got, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("%d entries left in the folder", len(entries))
	}
	// A folder in the way: the write fails and nothing is left behind.
	if err := Write(filepath.Join(dir, "a"), []byte("x")); err == nil {
		t.Fatal("renaming over a folder succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d entries after a failed write", len(entries))
	}
}

// A full disk in the middle of a write: the error is reported and the
// previous file stays as it was, with no temporary file left.
func TestFullDiskKeepsThePreviousFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.json")
	if err := Write(path, []byte("previous result")); err != nil {
		t.Fatal(err)
	}
	saved := writeData
	defer func() { writeData = saved }()
	writeData = func(w io.Writer, data []byte) (int, error) {
		n, _ := w.Write(data[:len(data)/2])
		return n, syscall.ENOSPC
	}
	err := Write(path, []byte("a new result that does not fit"))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "run.json") {
		t.Fatalf("error %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "previous result" {
		t.Fatalf("the previous file became %q", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("%d entries left", len(entries))
	}
}

// ReadChecked returns what WriteChecked wrote and refuses a truncated, a
// flipped or a plain file.
func TestChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck.gob")
	data := []byte("checkpoint bytes, any content")
	if err := WriteChecked(path, data); err != nil {
		t.Fatal(err)
	}
	got, err := ReadChecked(path)
	if err != nil || string(got) != string(data) {
		t.Fatalf("%q %v", got, err)
	}
	raw, _ := os.ReadFile(path)
	for name, bad := range map[string][]byte{
		"truncated": raw[:len(raw)-10],
		"cut short": raw[:20],
		"flipped":   append([]byte{raw[0] ^ 1}, raw[1:]...),
		"plain":     data,
	} {
		os.WriteFile(path, bad, 0o644)
		if _, err := ReadChecked(path); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s file: %v", name, err)
		}
	}
}

// TestWriteKeepsPermissions: a new file gets 0666 less the umask, as
// os.WriteFile gives it (not os.CreateTemp's 0600); a replaced file keeps
// its own permissions.
func TestWriteKeepsPermissions(t *testing.T) {
	dir := t.TempDir()
	fresh, plain := filepath.Join(dir, "new.json"), filepath.Join(dir, "plain.json")
	if err := Write(fresh, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, []byte("x"), 0o666); err != nil {
		t.Fatal(err)
	}
	got, _ := os.Stat(fresh)
	want, _ := os.Stat(plain)
	if got.Mode().Perm() != want.Mode().Perm() {
		t.Fatalf("new file mode %v, os.WriteFile gives %v (umask %v)", got.Mode().Perm(), want.Mode().Perm(), umask)
	}
	if err := os.Chmod(fresh, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(fresh, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(fresh); info.Mode().Perm() != 0o640 {
		t.Fatalf("replaced file mode %v, want 0640 kept", info.Mode().Perm())
	}
}

func TestRemoveLeftoversRemovesOnlyThatFilesTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.json")
	mine := []string{filepath.Join(dir, ".run.json.tmp1"), filepath.Join(dir, ".run.json.tmp22")}
	others := []string{path, filepath.Join(dir, ".other.json.tmp1"), filepath.Join(dir, "run.json.tmp1")}
	for _, p := range append(mine, others...) {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveLeftovers(path); err != nil {
		t.Fatal(err)
	}
	for _, p := range mine {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left", p)
		}
	}
	for _, p := range others {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}
