// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// TestFigure8BandIsTheSharedPercentileBootstrap: each time's band is
// survival.Bootstrap's 95 % percentile interval (2.5 and 97.5 %) of the
// AUC(t) statistic, with every resample counted as succeeded or failed.
func TestFigure8BandIsTheSharedPercentileBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Pooled{Cohort: "toy"}
	var trainO survival.Outcomes
	var trainRisk []float64
	for i := range 60 {
		risk := rng.NormFloat64()
		tm := rng.ExpFloat64() * 100 / (1 + float64(i%3))
		p.Outcomes.Time = append(p.Outcomes.Time, tm)
		p.Outcomes.Event = append(p.Outcomes.Event, rng.Float64() < 0.6)
		p.Risk = append(p.Risk, risk+0.3*float64(i%3))
		trainO.Time, trainO.Event = append(trainO.Time, rng.ExpFloat64()*100), append(trainO.Event, true)
		trainRisk = append(trainRisk, rng.NormFloat64())
	}
	b, err := survival.BreslowBaseline(trainO, trainRisk)
	if err != nil {
		t.Fatal(err)
	}
	for range p.Risk {
		p.baseline = append(p.baseline, b)
	}
	const seed = 9
	panel, err := pooledAUC(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	if panel.Level != 0.95 || len(panel.Times) < 6 {
		t.Fatalf("level %v, %d times", panel.Level, len(panel.Times))
	}
	if !(panel.MeanLower < panel.MeanAUC && panel.MeanAUC < panel.MeanUpper) || panel.MeanFailed > 20 {
		t.Errorf("mean AUC %v outside its interval [%v, %v] (%d resamples failed)", panel.MeanAUC, panel.MeanLower, panel.MeanUpper, panel.MeanFailed)
	}
	for k, tm := range panel.Times {
		prob := p.EventProbability(tm)
		stat := func(idx []int) (float64, error) {
			score := make([]float64, len(idx))
			for j, i := range idx {
				score[j] = prob[i]
			}
			a, err := survival.CumulativeDynamicAUC(p.Outcomes.Subset(idx), score, []float64{tm}, nil)
			if err != nil {
				return 0, err
			}
			return a.AUC[0], nil
		}
		want, err := survival.Bootstrap(len(p.Risk), stat, survival.BootstrapOptions{Replicates: 200, Level: 0.95, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if panel.AUC[k] != want.Estimate || panel.Lower[k] != want.Lower || panel.Upper[k] != want.Upper {
			t.Errorf("t = %v: AUC %v [%v, %v], want %v [%v, %v]", tm, panel.AUC[k], panel.Lower[k], panel.Upper[k],
				want.Estimate, want.Lower, want.Upper)
		}
		if panel.Succeeded[k] != want.Replicates || panel.Failed[k] != want.Failed || want.Replicates+want.Failed != panel.Replicates {
			t.Errorf("t = %v: %d succeeded, %d failed of %d; bootstrap %d, %d", tm, panel.Succeeded[k], panel.Failed[k],
				panel.Replicates, want.Replicates, want.Failed)
		}
	}
}

// TestFigure8VerdictTestsBothClaims builds panels whose intervals lie on
// either side of 0.60 and 0.5.
func TestFigure8VerdictTestsBothClaims(t *testing.T) {
	above := AUCPanel{Cohort: "a", Times: []float64{10}, AUC: []float64{0.7}, Lower: []float64{0.62}, Upper: []float64{0.78},
		MeanAUC: 0.68, MeanLower: 0.63, MeanUpper: 0.72}
	collapse := AUCPanel{Cohort: "b", Times: []float64{10}, AUC: []float64{0.5}, Lower: []float64{0.41}, Upper: []float64{0.58},
		MeanAUC: 0.55, MeanLower: 0.50, MeanUpper: 0.59}
	for _, c := range []struct {
		p    AUCPanel
		want []string
	}{
		{above, []string{"[0.630, 0.720] is above 0.60", "[0.620, 0.780] is above chance"}},
		{collapse, []string{"[0.500, 0.590] is below 0.60", "[0.410, 0.580] is not distinguishable from chance"}},
	} {
		v := c.p.Verdict()
		for _, w := range c.want {
			if !strings.Contains(v, w) {
				t.Errorf("verdict %q lacks %q", v, w)
			}
		}
	}
}
