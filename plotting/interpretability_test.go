// SPDX-License-Identifier: Apache-2.0

package plotting_test

import (
	"os"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/plotting"
)

// Figure 10's drawings and table from a smoke-profile run on one cohort.
func TestFigure10Drawings(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	r, err := figures.Figure10(figures.Figure10Options{Options: figures.Options{Cohorts: []data.CohortSpec{{Source: "synth:ucec", Seed: 1}},
		Profile: train.ProfileSmoke, Root: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := plotting.Figure10(r, plotting.DefaultTheme)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != 2 || len(f.Panels[0]) != 1 || len(f.Panels[1]) != 3 {
		t.Errorf("layout %d rows", len(f.Panels))
	}
	if _, err := f.Render("png", 72); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PLOTTING_PNG_DIR"); dir != "" {
		if _, err := plotting.Save(f, dir, "figure10"); err != nil {
			t.Fatal(err)
		}
	}
	km, err := plotting.Figure10KM(r, plotting.DefaultTheme)
	if err != nil || len(km) != 1 {
		t.Fatalf("%d KM figures, %v", len(km), err)
	}
	md := plotting.Figure10Table(r)
	for _, want := range []string{"CPTAC-UCEC (synthetic)", "sphericity", "survival (log-rank)", "q (BH)"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}
