// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"encoding/json"
	"os"
	"testing"
)

// Timeless reads a run's result file as JSON without what differs between
// two trainings of the same configuration: every "seconds" (timings) and
// "checksum" (over those timings) field, at any depth. Two result files of
// one configuration are the same run when their Timeless values are equal
// (reflect.DeepEqual).
func Timeless(t testing.TB, path string) any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var strip func(v any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "seconds")
			delete(x, "checksum")
			for _, y := range x {
				strip(y)
			}
		case []any:
			for _, y := range x {
				strip(y)
			}
		}
	}
	strip(v)
	return v
}
