// SPDX-License-Identifier: Apache-2.0

package testutil

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// ReferenceHeader is the provenance header every reference JSON file
// carries (a project convention): the tool and its version, the exact calls, the
// dataset with its source and checksum, the conventions, the generator script
// and the date.
type ReferenceHeader struct {
	Tool            string          `json:"tool"`
	ToolVersion     json.RawMessage `json:"tool_version"`
	Call            json.RawMessage `json:"call"`
	Dataset         json.RawMessage `json:"dataset"`
	ConventionNotes string          `json:"convention_notes"`
	Generator       string          `json:"generator"`
	Date            string          `json:"date"`
}

// Check returns an error naming the first missing provenance field.
func (h ReferenceHeader) Check() error {
	for name, empty := range map[string]bool{
		"tool": h.Tool == "", "tool_version": len(h.ToolVersion) == 0, "call": len(h.Call) == 0,
		"dataset": len(h.Dataset) == 0, "convention_notes": h.ConventionNotes == "",
		"generator": h.Generator == "", "date": h.Date == "",
	} {
		if empty {
			return fmt.Errorf("reference header lacks %q", name)
		}
	}
	return nil
}

// LoadReference decodes a reference JSON file into v and checks that it
// has a complete header object under the key "header".
func LoadReference(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct {
		Header *ReferenceHeader `json:"header"`
	}
	if err := json.Unmarshal(raw, &hdr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if hdr.Header == nil {
		t.Fatalf("%s: no header object", path)
	}
	if err := hdr.Header.Check(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Float is a float64 that decodes JSON null (R's NA) as NaN and the strings
// "Inf" and "-Inf" as infinities.
type Float float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*f = Float(math.NaN())
		return nil
	case `"Inf"`:
		*f = Float(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = Float(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Floats converts a slice of Float to []float64.
func Floats(fs []Float) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}
