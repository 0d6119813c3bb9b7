// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// CalibrationPanel is one cohort's calibration at several horizons
// (supplement Figure 9).
type CalibrationPanel struct {
	Cohort string                `json:"cohort"`
	Curves []scoring.Calibration `json:"curves"`
	// Recalibration[k] is the calibration intercept and slope at
	// Curves[k]'s horizon, with bootstrap intervals.
	Recalibration []survival.Recalibration `json:"recalibration"`
	// DCalibration tests the whole predicted survival curves (each
	// patient's Ŝ at their own time, DCalibrationBins bins).
	DCalibration survival.DCalibration `json:"d_calibration"`
}

// DCalibrationBins is the number of bins of Figure 9's D-calibration test
// (Haider et al. use 10).
const DCalibrationBins = 10

// Verdict tests the supplement's "close to the diagonal" for the panel:
// per horizon the calibration slope's interval against 1 and the
// intercept's against 0 ([stats.Side]), and D-calibration's p against
// stats.Alpha. The panel is called calibrated only when every interval
// covers its ideal value and D-calibration is not rejected.
func (p CalibrationPanel) Verdict() string {
	var b strings.Builder
	fine := true
	for _, r := range p.Recalibration {
		slope, intercept := stats.Side(r.SlopeLower, r.SlopeUpper, 1), stats.Side(r.InterceptLower, r.InterceptUpper, 0)
		fmt.Fprintf(&b, "t = %.4g: slope %.2f [%.2f, %.2f] (%s 1), intercept %+.2f [%+.2f, %+.2f] (%s 0); ", r.Horizon,
			r.Slope, r.SlopeLower, r.SlopeUpper, slope, r.Intercept, r.InterceptLower, r.InterceptUpper, intercept)
		fine = fine && slope == stats.NotDistinguishable && intercept == stats.NotDistinguishable
	}
	d := p.DCalibration
	rejected := d.P < stats.Alpha
	fmt.Fprintf(&b, "D-calibration χ² = %.1f on %d df, p = %.3g", d.Statistic, d.DF, d.P)
	if rejected {
		b.WriteString(" (rejected)")
	}
	word := "close to the diagonal: no interval excludes the ideal value and D-calibration is not rejected"
	if !fine || rejected {
		word = "not shown to be close to the diagonal: at least one interval excludes the ideal value or D-calibration is rejected"
	}
	return fmt.Sprintf("%s: %s. Verdict: %s.", p.Cohort, b.String(), word)
}

// Figure9 computes supplement Figure 9 for each cohort from the same pooled
// out-of-fold predictions as Figure8: at each horizon of [scoring.Horizons]
// of the pooled cohort (its event-time quartiles, type 1, below the last
// follow-up), patients are cut into the profile's number of quantile bins of
// predicted event probability and each bin's mean prediction is set against
// its Kaplan–Meier event probability with a 95 % interval. Each horizon
// also gets its logistic recalibration ([survival.RecalibrationAt]:
// intercept and slope with Figure8Replicates bootstrap resamples), and the
// cohort the D-calibration test of its predicted curves.
func Figure9(opts Options) ([]CalibrationPanel, error) {
	o, pools, err := pooledCohorts(opts)
	if err != nil {
		return nil, err
	}
	bins := train.EvalProfile(o.Profile).CalibrationBins
	var panels []CalibrationPanel
	for _, pool := range pools {
		panel := CalibrationPanel{Cohort: pool.spec.Source}
		for _, h := range scoring.Horizons(nil, pool.Outcomes) {
			cal, err := survival.CalibrationAt(pool.Outcomes, pool.EventProbability(h), h, bins, nil)
			if err != nil {
				return nil, fmt.Errorf("%s at %v: %w", pool.spec.Source, h, err)
			}
			panel.Curves = append(panel.Curves, scoring.Calibration{Horizon: h, Bins: cal.Bins})
			rc, err := survival.RecalibrationAt(pool.Outcomes, pool.EventProbability(h), h,
				survival.BootstrapOptions{Replicates: Figure8Replicates, Level: BandLevel, Seed: o.Seed})
			if err != nil {
				return nil, fmt.Errorf("%s at %v: %w", pool.spec.Source, h, err)
			}
			panel.Recalibration = append(panel.Recalibration, rc)
		}
		if panel.DCalibration, err = survival.DCalibrationTest(pool.Outcomes, pool.SurvivalAtOwnTime(), DCalibrationBins); err != nil {
			return nil, fmt.Errorf("%s: D-calibration: %w", pool.spec.Source, err)
		}
		panels = append(panels, panel)
	}
	return panels, nil
}
