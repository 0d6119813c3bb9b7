// SPDX-License-Identifier: Apache-2.0

package figures_test

import (
	"math"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TestSection4AndMethodsTableShareTheirRuns runs Section 4 in the smoke
// profile on one cohort with one seed, then the methods table of the same
// runs: Section 4's cells are the table's columns "all at 0 %" and "mixed
// at 30 %", every run is reused, and every comparison pairs the units.
func TestSection4AndMethodsTableShareTheirRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 16 small models")
	}
	base := figures.Options{Cohorts: []data.CohortSpec{{Source: "synth:ucec", Seed: 1}}, Profile: train.ProfileSmoke, Root: t.TempDir()}
	s4, err := figures.Section4(figures.Section4Options{Options: base, Seeds: []uint64{1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s4.Cells) != 1 || len(s4.Cells[0]) != 4 || len(s4.Comparisons) != 6 || len(s4.Paper) != 7 {
		t.Fatalf("%d cohorts, %d methods, %d comparisons", len(s4.Cells), len(s4.Cells[0]), len(s4.Comparisons))
	}
	for _, c := range s4.Cells[0] {
		if len(c.FullC) != 4 || len(c.Mixed30C) != 4 || math.IsNaN(c.Full) {
			t.Fatalf("cell %+v", c)
		}
	}
	if v := s4.Verdict(); !strings.Contains(v, "concatenation") {
		t.Errorf("verdict %q", v)
	}
	var progress strings.Builder
	base.Progress = &progress
	mt, err := figures.MethodsTable(figures.MethodsTableOptions{Options: base, Seeds: []uint64{1}, Methods: figures.Section4Methods()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(progress.String(), "(trained)") {
		t.Errorf("the methods table trained runs again:\n%s", progress.String())
	}
	if len(mt.Columns) != 13 || len(mt.Comparisons) != 3 {
		t.Fatalf("%d columns, %d comparisons", len(mt.Columns), len(mt.Comparisons))
	}
	for j, c := range s4.Cells[0] {
		full, mixed := mt.Cells[0][j][0], mt.Cells[0][j][12]
		if full.Mean != c.Full || mixed.Mean != c.Mixed30 || mt.Columns[12].Scenario != train.ScenarioMixedMissing {
			t.Errorf("%s: table %v / %v, Section 4 %v / %v", c.Method, full.Mean, mixed.Mean, c.Full, c.Mixed30)
		}
	}
	for k := range mt.Columns {
		best := 0
		for j := range mt.Methods {
			if mt.Cells[0][j][k].Best {
				best++
			}
		}
		if best < 1 {
			t.Errorf("column %d has no best method", k)
		}
	}
	if _, err := figures.MethodsTable(figures.MethodsTableOptions{Options: base, Reference: "nope"}); err == nil {
		t.Error("an unknown reference was accepted")
	}
}
