// SPDX-License-Identifier: Apache-2.0

package formats

import (
	"errors"
	"strings"
	"testing"
)

// The last guard of the readers: a decoder that panics becomes a
// FileError naming the file and wrapping ErrFormat.
func TestGuardDecoderTurnsPanicsIntoFileErrors(t *testing.T) {
	read := func() (err error) {
		defer GuardDecoder("features/x.npy", &err)
		var s []int
		_ = s[3] // a decoder's index out of range
		return nil
	}
	err := read()
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "features/x.npy") || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("got %v", err)
	}
}

// npyio v0.14.0 panics on .npy files cut inside their header; checkNPY
// refuses every prefix of a valid file before the decoder sees it.
func TestCheckNPYRefusesEveryTruncation(t *testing.T) {
	var full strings.Builder
	full.WriteString("\x93NUMPY\x01\x00")
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
	header += strings.Repeat(" ", 64-(10+len(header)+1)%64) + "\n"
	full.WriteString(string([]byte{byte(len(header)), byte(len(header) >> 8)}))
	full.WriteString(header)
	full.WriteString(strings.Repeat("\x00", 16))
	raw := []byte(full.String())
	if err := checkNPY(raw); err != nil {
		t.Fatalf("the full file: %v", err)
	}
	for n := range len(raw) {
		if checkNPY(raw[:n]) == nil {
			t.Errorf("a prefix of %d of %d bytes passed", n, len(raw))
		}
	}
}
