// SPDX-License-Identifier: Apache-2.0

package figures_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/interpret"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TestFigure10 builds Figure 10 on one cohort in the smoke profile: every
// patient once, in the group its fold's training median puts it in, eight
// features compared with BH-adjusted p-values, and the CSV.
func TestFigure10(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	spec := data.CohortSpec{Source: "synth:ucec", Seed: 1}
	r, err := figures.Figure10(figures.Figure10Options{Options: figures.Options{Cohorts: []data.CohortSpec{spec},
		Profile: train.ProfileSmoke, Root: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := data.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Panels[0]
	if len(p.Patients) != len(c.Patients) || r.Optimizer != "gcs" {
		t.Fatalf("%d patients of %d, optimizer %s", len(p.Patients), len(c.Patients), r.Optimizer)
	}
	seen := map[string]bool{}
	high := 0
	for _, q := range p.Patients {
		if seen[q.Patient] {
			t.Fatalf("patient %s twice", q.Patient)
		}
		seen[q.Patient] = true
		if q.High != (q.Risk > q.Threshold) {
			t.Errorf("patient %s: risk %v, threshold %v, high %v", q.Patient, q.Risk, q.Threshold, q.High)
		}
		if q.High {
			high++
		}
	}
	if high == 0 || high == len(p.Patients) {
		t.Errorf("%d of %d patients high risk", high, len(p.Patients))
	}
	if len(p.Tests) != len(figures.Figure10Features) || p.Low == nil || p.High == nil || !(p.LogRankP >= 0 && p.LogRankP <= 1) {
		t.Fatalf("%d tests, log-rank p %v", len(p.Tests), p.LogRankP)
	}
	for _, g := range p.Tests {
		if g.NLow+g.NHigh+g.Missing != len(p.Patients) || !(g.Q >= g.P) || !(g.DispersionQ >= g.DispersionP) || !(g.IQRLow >= 0) {
			t.Errorf("%+v", g)
		}
	}
	if v := p.HeterogeneityVerdict(); !strings.Contains(v, "more dispersed in the high-risk group") || !strings.Contains(v, "Fligner–Killeen") {
		t.Errorf("heterogeneity verdict %q", v)
	}
	if e := strings.Join(r.Effects(), "\n"); !strings.Contains(e, "dead density") {
		t.Errorf("planted effects %q", e)
	}
	var buf bytes.Buffer
	if err := r.WritePatientsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != len(p.Patients)+1 || len(rows[0]) != 18 {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
}

// The synthetic masks carry the signal the figure looks for: higher true
// risk gives larger, less spherical tumours (data.Synthesize), so the
// sphericity of a cohort's masks falls with the generator's log-hazard.
func TestSyntheticMasksVaryWithRisk(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1, MinSlices: 4, MaxSlices: 4})
	if err != nil {
		t.Fatal(err)
	}
	var sph, eta []float64
	for i, p := range c.Patients {
		if p.Mask == nil {
			continue
		}
		m, err := interpret.Measure(&interpret.Volume{Dims: p.Mask.Dims, Spacing: p.Mask.Spacing, Voxels: p.Mask.Voxels})
		if err != nil {
			t.Fatal(err)
		}
		sph, eta = append(sph, m.Sphericity), append(eta, c.Synthetic.LogHazard[i])
	}
	var lo, hi []float64
	med := survival.Quantile(eta, 0.5)
	for i := range eta {
		if eta[i] > med {
			hi = append(hi, sph[i])
		} else {
			lo = append(lo, sph[i])
		}
	}
	r, err := stats.MannWhitneyU(hi, lo)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d masks; sphericity %.3f–%.3f; high-risk half below the low-risk half: W = %v of %d pairs, p = %.2g",
		len(sph), slices.Min(sph), slices.Max(sph), r.W, len(hi)*len(lo), r.P)
	if r.P > 0.01 || r.W > float64(len(hi)*len(lo))/2 {
		t.Errorf("sphericity does not fall with the true risk: W = %v, p = %v", r.W, r.P)
	}
}
