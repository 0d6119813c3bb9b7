// SPDX-License-Identifier: Apache-2.0

package tutorial_test

import (
	"math"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// TestSharpness: AdamW settles in the sharp valley; every trajectory
// starts at the start; GCS reports a gate in (0, 1) for each sample of
// each step; Hutchinson's estimate averages to the trace, line 11's to 0,
// and line 11's spread grows as 1/ε.
func TestSharpness(t *testing.T) {
	r, err := tutorial.Sharpness(tutorial.SharpnessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Valley
	for _, tr := range r.Trajectories {
		if tr.Theta[0] != r.Start || len(tr.Theta) != r.Steps+1 || len(tr.Loss) != r.Steps {
			t.Errorf("%s: %d points from %v", tr.Method, len(tr.Theta), tr.Theta[0])
		}
		if strings.HasPrefix(tr.Method, "GCS") {
			for _, step := range tr.Gate {
				for _, w := range step {
					if !(w > 0 && w < 1) {
						t.Fatalf("%s: gate %v", tr.Method, w)
					}
				}
			}
		} else if tr.Gate != nil {
			t.Errorf("%s has gates", tr.Method)
		}
	}
	end := r.Trajectories[0].Theta[r.Steps]
	if math.Hypot(end[0]-v.SharpCentre[0], end[1]-v.SharpCentre[1]) > 0.1 || r.Trajectories[0].EndEigen[1] < 20 {
		t.Errorf("AdamW ends at %v (eigenvalues %v), not in the sharp valley", end, r.Trajectories[0].EndEigen)
	}
	// The tutorial's text describes these outcomes; if the library's
	// optimizers change them, the text must change too.
	for i, want := range []string{"in the sharp valley", "on the slope between the valleys, at a saddle", "in the sharp valley",
		"on the slope between the valleys, at a saddle"} {
		if got := r.Where(r.Trajectories[i]); !strings.HasPrefix(got, want) {
			t.Errorf("%s ends in %q; the tutorial says %q", r.Trajectories[i].Method, got, want)
		}
	}
	p := r.Probes
	se := p.HutchinsonSD / math.Sqrt(float64(p.Probes))
	if math.Abs(p.HutchinsonMean-p.Trace) > 4*se {
		t.Errorf("Hutchinson mean %v, trace %v (SE %v)", p.HutchinsonMean, p.Trace, se)
	}
	for e := range p.Epsilon {
		if math.Abs(p.Line11Mean[e]) > 4*p.Line11SD[e]/math.Sqrt(float64(p.Probes)) {
			t.Errorf("line 11 mean %v at ε = %v", p.Line11Mean[e], p.Epsilon[e])
		}
	}
	if math.Abs(p.Line11SD[1]/p.Line11SD[0]-p.Epsilon[0]/p.Epsilon[1]) > 1e-9 {
		t.Errorf("line 11 SDs %v do not scale as 1/ε", p.Line11SD)
	}
}
