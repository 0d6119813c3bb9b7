// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// CalibrationPanel is one cohort's calibration at several horizons
// (supplement Figure 9).
type CalibrationPanel struct {
	Cohort string                `json:"cohort"`
	Curves []scoring.Calibration `json:"curves"`
}

// Figure9 computes supplement Figure 9 for each cohort from the same pooled
// out-of-fold predictions as Figure8: at each horizon of [scoring.Horizons]
// of the pooled cohort (its event-time quartiles, type 1, below the last
// follow-up), patients are cut into the profile's number of quantile bins of
// predicted event probability and each bin's mean prediction is set against
// its Kaplan–Meier event probability with a 95 % interval.
func Figure9(opts Options) ([]CalibrationPanel, error) {
	o, pools, err := pooledCohorts(opts)
	if err != nil {
		return nil, err
	}
	bins := experiment.EvalProfile(o.Profile).CalibrationBins
	var panels []CalibrationPanel
	for _, pool := range pools {
		panel := CalibrationPanel{Cohort: pool.spec.Source}
		for _, h := range scoring.Horizons(nil, pool.Outcomes) {
			cal, err := survival.CalibrationAt(pool.Outcomes, pool.EventProbability(h), h, bins, nil)
			if err != nil {
				return nil, fmt.Errorf("%s at %v: %w", pool.spec.Source, h, err)
			}
			panel.Curves = append(panel.Curves, scoring.Calibration{Horizon: h, Bins: cal.Bins})
		}
		panels = append(panels, panel)
	}
	return panels, nil
}
