// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot_test

import (
	"testing"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/bench"
	"github.com/parachute-surv/goparachute/parachute/blasdot"
)

// Every DotGeneral of the model, its loss and its gradients (training steps
// of each optimizer, and inference) agrees with simplego's executor, and
// none needs the fallback.
func TestModelLayoutsMatchSimplego(t *testing.T) {
	installed(t)
	if testing.Short() {
		t.Skip("runs training steps of the paper-size model")
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	stop := blasdot.VerifyEach()
	blasBefore, stockBefore := blasdot.Counts()
	for _, opt := range []string{"adamw", "gcs", "sam", "gradvac"} {
		tr, patients, err := bench.BenchWorkload(b, opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Step(patients, 1e-3); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Predict(patients, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	blasAfter, stockAfter := blasdot.Counts()
	t.Logf("%d DotGeneral calls through BLAS, %d through simplego", blasAfter-blasBefore, stockAfter-stockBefore)
	if stockAfter != stockBefore {
		t.Errorf("%d of the model's DotGeneral calls fell back to simplego", stockAfter-stockBefore)
	}
}
