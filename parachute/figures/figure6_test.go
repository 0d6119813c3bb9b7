// SPDX-License-Identifier: Apache-2.0

package figures_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TestFigure6 builds Figure 6 on one cohort in the smoke profile: a pair of
// surfaces of the chosen fold, one sharpness per model, paired comparisons
// over the folds, and analyses cached so that a second call trains nothing.
func TestFigure6(t *testing.T) {
	if testing.Short() {
		t.Skip("trains and analyses 40 small models")
	}
	root := t.TempDir()
	opts := figures.Figure6Options{Options: figures.Options{Cohorts: []data.CohortSpec{{Source: "synth:ucec", Seed: 1}},
		Profile: train.ProfileSmoke, Root: root}, Grid: 5, TraceProbes: 3, SurfaceFold: 1}
	r, err := figures.Figure6(opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Panels) != 1 || r.Panels[0].Reference == nil || r.Panels[0].Ablation == nil || r.Panels[0].Fold != 1 {
		t.Fatalf("panels %+v", r.Panels)
	}
	if g := r.Panels[0].Reference; len(g.Loss) != 5 || g.Loss[2][2] != g.LossAtOptimum || g.Directions != "hessian" {
		t.Errorf("reference surface %d×? centre %v, optimum %v", len(g.Loss), g.Loss[2][2], g.LossAtOptimum)
	}
	folds := 4 // synthetic ucec
	if len(r.Models) != 2*folds || len(r.Summary) != 2 {
		t.Fatalf("%d models and %d summaries, want %d and 2", len(r.Models), len(r.Summary), 2*folds)
	}
	for _, m := range r.Models {
		if !(m.Lambda1 >= m.Lambda2) || math.IsNaN(m.Trace) || m.Optimizer != "gcs" && m.Optimizer != "adamw" {
			t.Errorf("model %+v", m)
		}
	}
	for _, m := range r.Models {
		if math.IsNaN(m.Smoothed) || !(m.EpsPlane >= 0) || !(m.EpsRandom >= 0) {
			t.Errorf("measures at scale %+v", m)
		}
	}
	if n := len(figures.SharpnessMeasures); len(r.Comparisons) != n || r.Comparisons[0].Pairs != folds || r.Comparisons[0].Family != n ||
		r.Sigma != 2*r.Eps/float64(r.Grid-1) {
		t.Fatalf("comparisons %+v", r.Comparisons)
	}
	for _, c := range r.Comparisons {
		// 4 folds: below the rule's 5 pairs, whatever the models show.
		if c.Verdict != stats.TooFewPairs || c.Said() != string(stats.TooFewPairs) {
			t.Errorf("verdict %q (%q) at %d fold pairs", c.Verdict, c.Said(), c.Pairs)
		}
	}
	if v := r.Verdict(); !strings.Contains(v, "smoothed λ₁") || !strings.Contains(v, "p_miss 0.30") || !strings.Contains(v, "Spearman") {
		t.Errorf("verdict %q", v)
	}
	cached, err := filepath.Glob(filepath.Join(root, "landscapes", "*.json"))
	if err != nil || len(cached) != 2*folds {
		t.Fatalf("%d cached analyses (%v), want %d", len(cached), err, 2*folds)
	}
	// A second call reads the analyses back: plant a value in every cached
	// file and find it in the result.
	for _, f := range cached {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ls map[string]any
		if err := json.Unmarshal(raw, &ls); err != nil {
			t.Fatal(err)
		}
		ls["eigenvalues"] = []float64{123.5, 7}
		if err := experiment.WriteJSON(f, ls); err != nil {
			t.Fatal(err)
		}
	}
	again, err := figures.Figure6(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range again.Models {
		if m.Lambda1 != 123.5 {
			t.Fatalf("model %+v not read from the cache", m)
		}
	}
}
