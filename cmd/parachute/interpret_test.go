// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data/formats"
)

// TestInterpretMorphology: one voxel of 2 mm is the octahedron through its
// face centres: volume 8/6 mm³, area 4√3 mm².
func TestInterpretMorphology(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.nii.gz")
	if err := formats.WriteMask(path, &formats.Mask{Dims: [3]int{1, 1, 1}, Spacing: [3]float64{2, 2, 2}, Voxels: []uint8{1}}); err != nil {
		t.Fatal(err)
	}
	stdout, errOut, status := runCommand(t, "interpret", "morphology", "--mask", path, "--json")
	if status != 0 {
		t.Fatalf("%d %s", status, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatal(err)
	}
	if m["voxels"].(float64) != 1 || m["volume_mm3"].(float64) != 8 || math.Abs(m["mesh_volume_mm3"].(float64)-8.0/6) > 1e-12 ||
		math.Abs(m["surface_mm2"].(float64)-4*math.Sqrt(3)) > 1e-12 {
		t.Errorf("%s", stdout)
	}
	stdout, _, status = runCommand(t, "interpret", "morphology", "--mask", path)
	if status != 0 || !strings.Contains(stdout, "sphericity 0.84") || !strings.Contains(stdout, "spacing_mm 2 2 2") {
		t.Errorf("%d %s", status, stdout)
	}
	if _, errOut, status := runCommand(t, "interpret", "morphology", "--mask", filepath.Join(t.TempDir(), "none.nii")); status == 0 || !strings.Contains(errOut, "none.nii") {
		t.Errorf("a missing mask: %d %s", status, errOut)
	}
}

// TestInterpretCohort: the cohort mode writes one CSV row per test patient,
// the tests and the figures.
func TestInterpretCohort(t *testing.T) {
	out := t.TempDir()
	stdout, errOut, status := runCommand(t, "interpret", "--cohort", "synth:ucec", "--profile", "smoke", "--cache", t.TempDir(), "--out", out)
	if status != 0 {
		t.Fatalf("%d %s", status, errOut)
	}
	if !strings.Contains(stdout, "sphericity") || !strings.Contains(stdout, "34 test patients") {
		t.Errorf("stdout %q", stdout)
	}
	f, err := os.Open(filepath.Join(out, "patients.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 35 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for _, name := range []string{"tests.json", "figure10.png", "figure10.svg", "figure10_km.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}
