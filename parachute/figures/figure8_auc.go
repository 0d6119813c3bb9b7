// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// BandLevel is the two-sided level of the bootstrap bands of the figures.
const BandLevel = 0.95

// Figure8Replicates is the number of bootstrap resamples of Figure 8's band.
const Figure8Replicates = 200

// AUCPanel is one cohort's cumulative/dynamic AUC(t) of pooled out-of-fold
// predictions with a percentile bootstrap band (supplement Figure 8).
type AUCPanel struct {
	Cohort string    `json:"cohort"`
	Times  []float64 `json:"times"`
	AUC    []float64 `json:"auc"`
	// Lower and Upper are the band's limits at each time: the (1 − Level)/2
	// and (1 + Level)/2 quantiles of the resampled AUC(t).
	Lower   []float64 `json:"lower"`
	Upper   []float64 `json:"upper"`
	Level   float64   `json:"level"`
	MeanAUC float64   `json:"mean_auc"`
	// MeanLower and MeanUpper bound MeanAUC by the same bootstrap (each
	// resample's AUC at every kept time, weighted by that resample's
	// Kaplan–Meier decrements); MeanFailed resamples gave no mean.
	MeanLower  float64 `json:"mean_lower"`
	MeanUpper  float64 `json:"mean_upper"`
	MeanFailed int     `json:"mean_failed"`
	// Patients and Events count the pooled cohort.
	Patients int `json:"patients"`
	Events   int `json:"events"`
	// Replicates is the number of resamples drawn at each time; Succeeded[k]
	// of them gave an AUC at Times[k], Failed[k] did not (a resample with no
	// case or no control at t) and are left out of the band.
	Replicates int   `json:"replicates"`
	Succeeded  []int `json:"succeeded"`
	Failed     []int `json:"failed"`
	// Dropped lists the grid times at which AUC(t) or its band is undefined,
	// with the reason.
	Dropped []string `json:"dropped"`
}

// Figure8 computes supplement Figure 8 for each cohort: the models trained
// at opts.PMiss (default 0), their out-of-fold predictions pooled, and
// AUC(t) on 12 times from the 10th to the 90th percentile of the event
// times (R's type-7 quantiles), kept inside [min, max) of the follow-up. The
// score at t is the predicted event probability by t (each fold's Breslow
// baseline); the censoring distribution is that of the pooled cohort (there
// is no single training set for pooled predictions); the band comes from
// [survival.Bootstrap] with Figure8Replicates resamples of the patients
// (the same resamples at every time), at level BandLevel.
func Figure8(opts Options) ([]AUCPanel, error) {
	o, pools, err := pooledCohorts(opts)
	if err != nil {
		return nil, err
	}
	var panels []AUCPanel
	for _, pool := range pools {
		panel, err := pooledAUC(pool, o.Seed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pool.Cohort, err)
		}
		panels = append(panels, panel)
	}
	return panels, nil
}

// pooledAUC computes one panel of Figure 8, its band from a bootstrap seeded
// with seed.
func pooledAUC(p *Pooled, seed uint64) (AUCPanel, error) {
	boot := survival.BootstrapOptions{Replicates: Figure8Replicates, Level: BandLevel, Seed: seed}
	o := p.Outcomes
	var ev []float64
	for i, t := range o.Time {
		if o.Event[i] {
			ev = append(ev, t)
		}
	}
	if len(ev) == 0 {
		return AUCPanel{}, survival.ErrAllCensored
	}
	lo, hi := survival.Quantile(ev, 0.1), survival.Quantile(ev, 0.9)
	panel := AUCPanel{Cohort: p.Cohort, Patients: o.Len(), Events: o.Events(), Replicates: boot.Replicates,
		Level: boot.Level, Dropped: []string{}}
	minT, maxT := slices.Min(o.Time), slices.Max(o.Time)
	for k := range 12 {
		t := lo + (hi-lo)*float64(k)/11
		if t < minT || t >= maxT {
			panel.Dropped = append(panel.Dropped, fmt.Sprintf("t = %v: outside the follow-up [%v, %v)", t, minT, maxT))
			continue
		}
		prob := p.EventProbability(t) // once per time, not per resample
		// aucAt scores the patients idx (a resample, or all) at t.
		aucAt := func(idx []int) (float64, error) {
			score := make([]float64, len(idx))
			for j, i := range idx {
				score[j] = prob[i]
			}
			a, err := survival.CumulativeDynamicAUC(o.Subset(idx), score, []float64{t}, nil)
			if err != nil {
				return 0, err
			}
			return a.AUC[0], nil
		}
		band, err := survival.Bootstrap(o.Len(), aucAt, boot)
		if err != nil {
			panel.Dropped = append(panel.Dropped, fmt.Sprintf("t = %v: %v", t, err))
			continue
		}
		panel.Times = append(panel.Times, t)
		panel.AUC = append(panel.AUC, band.Estimate)
		panel.Lower, panel.Upper = append(panel.Lower, band.Lower), append(panel.Upper, band.Upper)
		panel.Succeeded, panel.Failed = append(panel.Succeeded, band.Replicates), append(panel.Failed, band.Failed)
	}
	if len(panel.Times) == 0 {
		return panel, fmt.Errorf("figures: AUC(t) undefined at every time: %v", panel.Dropped)
	}
	// Mean AUC weighted by the pooled Kaplan–Meier decrements, with its
	// interval from the same resamples.
	probs := make([][]float64, len(panel.Times))
	for k, t := range panel.Times {
		probs[k] = p.EventProbability(t)
	}
	meanAt := func(idx []int) (float64, error) {
		sub := o.Subset(idx)
		aucs := make([]float64, len(panel.Times))
		for k, t := range panel.Times {
			score := make([]float64, len(idx))
			for j, i := range idx {
				score[j] = probs[k][i]
			}
			a, err := survival.CumulativeDynamicAUC(sub, score, []float64{t}, nil)
			if err != nil {
				return 0, err
			}
			aucs[k] = a.AUC[0]
		}
		return survival.KaplanMeierWeightedMean(sub, panel.Times, aucs)
	}
	mean, err := survival.Bootstrap(o.Len(), meanAt, boot)
	if err != nil {
		return panel, fmt.Errorf("mean AUC(t): %w", err)
	}
	panel.MeanAUC, panel.MeanLower, panel.MeanUpper, panel.MeanFailed = mean.Estimate, mean.Lower, mean.Upper, mean.Failed
	return panel, nil
}

// SupplementMeanAUC is the supplement's claim for Figure 8: the AUC(t)
// stays "above 0.60 on average".
const SupplementMeanAUC = 0.60

// Verdict tests the supplement's two claims about the panel: the mean
// AUC(t)'s interval against SupplementMeanAUC, and the first horizon's
// interval against chance (0.5), the "no early collapse" of the text.
func (p AUCPanel) Verdict() string {
	if len(p.Times) == 0 {
		return fmt.Sprintf("%s: no AUC(t) to test", p.Cohort)
	}
	return fmt.Sprintf("%s: mean AUC(t) %.3f [%.3f, %.3f] is %s %.2f (the supplement: above %.2f on average); "+
		"at the first time (t = %.4g) AUC %.3f [%.3f, %.3f] is %s chance (0.5)",
		p.Cohort, p.MeanAUC, p.MeanLower, p.MeanUpper, stats.Side(p.MeanLower, p.MeanUpper, SupplementMeanAUC), SupplementMeanAUC, SupplementMeanAUC,
		p.Times[0], p.AUC[0], p.Lower[0], p.Upper[0], stats.Side(p.Lower[0], p.Upper[0], 0.5))
}

// String summarises the panel in one line: the pooled cohort, the mean
// AUC(t), and how many bootstrap resamples the band rests on (the fewest
// and most that succeeded at a time, out of those drawn), plus the dropped
// times.
func (p AUCPanel) String() string {
	s := fmt.Sprintf("%s: %d patients, %d events; mean AUC(t) %.3f over %d times", p.Cohort, p.Patients, p.Events, p.MeanAUC, len(p.Times))
	if len(p.Succeeded) > 0 {
		s += fmt.Sprintf("; %.0f %% band from %d–%d of %d resamples per time (%d failed in all)",
			100*p.Level, slices.Min(p.Succeeded), slices.Max(p.Succeeded), p.Replicates, sum(p.Failed))
	}
	if len(p.Dropped) > 0 {
		s += fmt.Sprintf("; %d grid times dropped (%s)", len(p.Dropped), strings.Join(p.Dropped, "; "))
	}
	return s
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
