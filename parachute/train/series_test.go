// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

// A trainer that keeps its resampled series gives bitwise the steps and
// predictions of one that resamples every series at every use.
func TestResampledSeriesChangeNothing(t *testing.T) {
	cfg := tinyConfig(t)
	c := ucec(t)
	patients := PatientsOf(c, c.Folds[0].Train)
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cached, err := NewTrainer(b, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := NewTrainer(b, c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh.series = nil
	same := func(what string, x, y []float64) {
		t.Helper()
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				t.Fatalf("%s %d: %v with the cache, %v without", what, i, x[i], y[i])
			}
		}
	}
	for step := range 3 {
		batch := patients[step*cfg.BatchSize%len(patients):][:cfg.BatchSize]
		x, err := cached.Step(batch, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		y, err := fresh.Step(batch, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		same("risk of step", x.Risk, y.Risk)
	}
	x, err := cached.Predict(patients, nil)
	if err != nil {
		t.Fatal(err)
	}
	y, err := fresh.Predict(patients, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("prediction", x, y)
	if len(cached.series.rows) == 0 {
		t.Error("the cache holds no series: the test compared nothing")
	}
}
