// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// A spec's encoders reach the cohort it opens, and the default encoders stay
// out of its JSON (so run configurations hash as they did before specs named
// encoders).
func TestCohortSpecEncoders(t *testing.T) {
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 1, Pathology: "UNI"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Pathology.Name != "UNI" || c.Pathology.Width != 1024 || c.Radiology.Name != data.DefaultRadiology.Name {
		t.Errorf("encoders %s (%d) and %s", c.Pathology.Name, c.Pathology.Width, c.Radiology.Name)
	}
	raw, err := json.Marshal(data.CohortSpec{Source: "synth:pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"source":"synth:pda","seed":1}` || strings.Contains(string(raw), "pathology") {
		t.Errorf("default spec JSON %s", raw)
	}
}

// EncodersOf lists every encoder for a synthetic cohort, and for a folder
// the encoders whose features were written.
func TestEncodersOf(t *testing.T) {
	all, err := data.EncodersOf(data.CohortSpec{Source: "synth:pda"})
	if err != nil || len(all) != len(data.Encoders) {
		t.Fatalf("synthetic: %d encoders, %v", len(all), err)
	}
	if !data.HDF5Available {
		t.Skip("built with nohdf5: the written cohort's features are .h5")
	}
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1, Pathology: "UNI", Radiology: "MedSAM2"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := data.Write(c, dir, data.SplitStyle{}); err != nil {
		t.Fatal(err)
	}
	got, err := data.EncodersOf(data.CohortSpec{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "UNI,MedSAM2" {
		t.Errorf("encoders of the written cohort: %v", names)
	}
	if _, err := data.EncodersOf(data.CohortSpec{Source: t.TempDir()}); err == nil {
		t.Error("a folder without labels_splits gave no error")
	}
}
