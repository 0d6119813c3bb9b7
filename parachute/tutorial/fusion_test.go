// SPDX-License-Identifier: Apache-2.0

package tutorial_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// TestFusion: masking rates match p − p²/2 within four binomial
// standard errors, hiding a modality predicts exactly like removing it, the
// DCE's graph code equals sorting the similarity, and both attention maps
// exist.
func TestFusion(t *testing.T) {
	if testing.Short() {
		t.Skip("trains one small model")
	}
	r, err := tutorial.Fusion(figures.Options{Profile: train.ProfileSmoke, Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, rate := range r.Rates {
		se := math.Sqrt(rate.Expected * (1 - rate.Expected) / 100000)
		if math.Abs(rate.Pathology-rate.Expected) > 4*se || math.Abs(rate.Radiology-rate.Expected) > 4*se || rate.Both != 0 {
			t.Errorf("rates %+v", rate)
		}
	}
	if len(r.Tokens) == 0 {
		t.Fatal("no missing-token demonstration")
	}
	for _, d := range r.Tokens {
		if d.RadMasked != d.RadAbsent || d.PathMasked != d.PathAbsent || d.RadMasked == d.Full {
			t.Errorf("%+v", d)
		}
	}
	if r.DCE.MaxDifference > 1e-12 || len(r.DCE.TopK[0]) != r.DCE.K {
		t.Errorf("DCE: difference %v", r.DCE.MaxDifference)
	}
	if len(r.Attention) != 4 || len(r.AttentionRadMissing) != 4 || !r.AttentionRadMissing[0].QueryMissing {
		t.Fatalf("attention maps %d, %d", len(r.Attention), len(r.AttentionRadMissing))
	}
	// The table's "seen by the model" is what the maps show: block 1's
	// queries are the first patient's series, its keys the slides.
	if w, d := r.Attention[0].Weights[0], r.Tokens[0]; len(w) != d.SeenSeries || len(w[0]) != d.SeenSlides || d.SeenSeries > d.Series {
		t.Errorf("block 1 map %d × %d, the table says the model sees %d series and %d slides", len(w), len(w[0]), d.SeenSeries, d.SeenSlides)
	}
}
