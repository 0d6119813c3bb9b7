// SPDX-License-Identifier: Apache-2.0

package tutorial_test

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// Under independent censoring Uno's C keeps estimating the concordance of
// pairs below τ, while Harrell's C drifts upwards as the comparable pairs
// shift to early deaths.
func TestCensoringStudyShowsHarrellsDrift(t *testing.T) {
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tutorial.StudyCensoring(c.Synthetic, tutorial.CensoringStudyOptions{Seed: 1, Patients: 600, Repeats: 10,
		Levels: []float64{0, 0.3, 0.6}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Points {
		if math.Abs(p.Uno-s.TrueCTau) > 3*p.UnoSD/math.Sqrt(10)+0.005 {
			t.Errorf("Uno's C %.4f ± %.4f at %.0f %% censoring, estimand %.4f", p.Uno, p.UnoSD, 100*p.Censored, s.TrueCTau)
		}
	}
	for k, want := range []float64{0, 0.3, 0.6} {
		if math.Abs(s.Points[k].Censored-want) > 0.01 {
			t.Errorf("level %v: realised censoring %.3f", want, s.Points[k].Censored)
		}
	}
	if math.Abs(s.Points[0].Harrell-s.TrueC) > 0.01 {
		t.Errorf("uncensored Harrell's C %.4f, estimand %.4f", s.Points[0].Harrell, s.TrueC)
	}
	if drift := s.Points[2].Harrell - s.Points[0].Harrell; drift < 0.01 {
		t.Errorf("Harrell's C moved by %.4f from 0 to 60 %% censoring; expected an upward drift", drift)
	}
}
