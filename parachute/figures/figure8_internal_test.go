// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"math/rand/v2"
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
