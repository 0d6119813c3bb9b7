// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

// stdin is what "-" reads (a variable for the tests).
var stdin io.Reader = os.Stdin

// stdinAsFile returns path, or for "-" a temporary file holding standard
// input (for readers that take a path); cleanup removes it, and named turns
// the temporary file's name in an error back into "standard input".
func stdinAsFile(path string) (file string, cleanup func(), named func(error) error, err error) {
	same := func(err error) error { return err }
	if path != "-" {
		return path, func() {}, same, nil
	}
	f, err := os.CreateTemp("", "parachute-stdin-*.csv")
	if err != nil {
		return "", nil, nil, err
	}
	cleanup = func() { os.Remove(f.Name()) }
	if _, err := io.Copy(f, stdin); err != nil {
		f.Close()
		cleanup()
		return "", nil, nil, fmt.Errorf("reading standard input: %w", err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, nil, err
	}
	named = func(err error) error {
		if err == nil {
			return nil
		}
		return errors.New(strings.ReplaceAll(err.Error(), f.Name(), "standard input"))
	}
	return f.Name(), cleanup, named, nil
}

// writeOutput writes data to path atomically, or to stdout when path is
// "-".
func writeOutput(path string, data []byte, stdout io.Writer) error {
	if path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfile.Write(path, data)
}
