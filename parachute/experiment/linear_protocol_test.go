// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"math"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TestLinearProtocolRuns runs the quick protocol of every linear baseline
// on the synthetic ucec cohort and checks its summary.
func TestLinearProtocolRuns(t *testing.T) {
	for _, method := range train.LinearMethods {
		base, _ := train.Profile(train.ProfileQuick)
		s, err := RunProtocol(t.TempDir(), data.CohortSpec{Source: "synth:ucec", Seed: 1}, method, base, train.EvalProfile(train.ProfileQuick), 1, nil, RunOptions{})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if len(s.Configs) != 13 || s.Method != method {
			t.Fatalf("%s: %d rows", method, len(s.Configs))
		}
		for _, row := range s.Configs {
			if math.IsNaN(float64(row.CMean)) || row.Folds != 4 {
				t.Fatalf("%s: row %+v", method, row)
			}
		}
	}
}
