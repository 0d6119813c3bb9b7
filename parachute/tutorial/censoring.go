// SPDX-License-Identifier: Apache-2.0

package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// CensoringPoint is the C-index estimates at one level of censoring, means
// over the study's repeats.
type CensoringPoint struct {
	// Censored is the realised fraction of censored patients.
	Censored float64 `json:"censored"`
	// Harrell is Harrell's C, Uno is Uno's C truncated at the study's τ.
	Harrell float64 `json:"harrell"`
	Uno     float64 `json:"uno"`
	// HarrellSD and UnoSD are their standard deviations over the repeats.
	HarrellSD float64 `json:"harrell_sd"`
	UnoSD     float64 `json:"uno_sd"`
}

// CensoringStudy shows why censoring needs inverse-probability weights: the
// true log-hazard of a synthetic cohort is scored against fresh event times
// under increasing independent censoring.
type CensoringStudy struct {
	// Tau is the truncation time of Uno's C (same units as the event times
	// of the cohort's Weibull model).
	Tau float64 `json:"tau"`
	// TrueC is the concordance on the uncensored times, all pairs: what
	// Harrell's C estimates without censoring.
	TrueC float64 `json:"true_c"`
	// TrueCTau is the concordance on the uncensored times of pairs whose
	// earlier time is below τ: what Uno's C estimates at every censoring level.
	TrueCTau float64          `json:"true_c_tau"`
	Points   []CensoringPoint `json:"points"`
	Preset   string           `json:"preset"`
	Patients int              `json:"patients"`
	Repeats  int              `json:"repeats"`
}

// CensoringStudyOptions configures [StudyCensoring].
type CensoringStudyOptions struct {
	// Patients per simulated cohort (default 1000) and repeats per level
	// (default 20).
	Patients, Repeats int
	// Levels are the target censored fractions (default 0, 0.2, …, 0.8).
	Levels []float64
	Seed   uint64
}

// StudyCensoring simulates, from a synthetic cohort's ground truth, cohorts of
// opts.Patients with η drawn from the cohort's log-hazards and Weibull event
// times T = (E/e^η)^{1/k} (E ~ Exp(1), k the cohort's shape), censors them at
// C = c·U (U ~ U(0, 1), c set by bisection to reach each target fraction),
// and scores η by Harrell's C and by Uno's C with τ the 40 % quantile of the
// uncensored times (below every level's censoring horizon). Harrell's C
// drifts away from TrueC as censoring grows, because the comparable pairs
// shift towards early deaths; Uno's C stays at TrueCTau, because the weights
// 1/G(T_i)² restore the pairs that censoring removed.
func StudyCensoring(truth *data.SyntheticTruth, opts CensoringStudyOptions) (*CensoringStudy, error) {
	if truth == nil || len(truth.LogHazard) == 0 {
		return nil, fmt.Errorf("tutorial: censoring study needs a synthetic cohort's ground truth")
	}
	if opts.Patients == 0 {
		opts.Patients = 1000
	}
	if opts.Repeats == 0 {
		opts.Repeats = 20
	}
	if opts.Levels == nil {
		opts.Levels = []float64{0, 0.2, 0.4, 0.6, 0.8}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0xce5))
	draw := func() ([]float64, []float64) {
		eta, t := make([]float64, opts.Patients), make([]float64, opts.Patients)
		for i := range eta {
			eta[i] = truth.LogHazard[rng.IntN(len(truth.LogHazard))]
			t[i] = math.Pow(rng.ExpFloat64()/math.Exp(eta[i]), 1/truth.WeibullShape)
		}
		return eta, t
	}
	study := &CensoringStudy{Preset: truth.Preset, Patients: opts.Patients, Repeats: opts.Repeats}

	// The estimands, from one large uncensored cohort.
	var etaBig, tBig []float64
	for range 10 {
		e, t := draw()
		etaBig, tBig = append(etaBig, e...), append(tBig, t...)
	}
	study.Tau = survival.Quantile(tBig, 0.4)
	all := survival.Outcomes{Time: tBig, Event: make([]bool, len(tBig))}
	for i := range all.Event {
		all.Event[i] = true
	}
	c, err := survival.ConcordanceIndex(all, etaBig)
	if err != nil {
		return nil, err
	}
	study.TrueC = c.Index
	uno, err := survival.ConcordanceIndexIPCW(all, etaBig, &survival.IPCWOptions{Tau: study.Tau})
	if err != nil {
		return nil, err
	}
	study.TrueCTau = uno.Index

	for _, level := range opts.Levels {
		if level < 0 || level >= 1 {
			return nil, fmt.Errorf("tutorial: censored fraction %v outside [0, 1)", level)
		}
		var harrell, unos, censored []float64
		for range opts.Repeats {
			eta, t := draw()
			u := make([]float64, len(t))
			for i := range u {
				u[i] = rng.Float64()
			}
			o := censorAt(t, u, level)
			h, err := survival.ConcordanceIndex(o, eta)
			if err != nil {
				return nil, err
			}
			w, err := survival.ConcordanceIndexIPCW(o, eta, &survival.IPCWOptions{Tau: study.Tau})
			if err != nil {
				return nil, fmt.Errorf("tutorial: Uno's C at %.0f %% censoring: %w", 100*level, err)
			}
			harrell, unos = append(harrell, h.Index), append(unos, w.Index)
			censored = append(censored, 1-float64(o.Events())/float64(o.Len()))
		}
		p := CensoringPoint{Censored: stat.Mean(censored, nil)}
		p.Harrell, p.HarrellSD = stat.MeanStdDev(harrell, nil)
		p.Uno, p.UnoSD = stat.MeanStdDev(unos, nil)
		study.Points = append(study.Points, p)
	}
	return study, nil
}

// censorAt censors times t at c·u, with c the smallest scale whose censored
// fraction is at most level (no censoring at level 0).
func censorAt(t, u []float64, level float64) survival.Outcomes {
	o := survival.Outcomes{Time: slices.Clone(t), Event: make([]bool, len(t))}
	if level == 0 {
		for i := range o.Event {
			o.Event[i] = true
		}
		return o
	}
	n := len(t)
	events := 0
	for float64(n-events)/float64(n) > level {
		events++
	}
	c := data.UniformCensoringScale(t, u, events)
	for i := range t {
		o.Time[i], o.Event[i] = math.Min(t[i], c*u[i]), t[i] <= c*u[i]
	}
	return o
}
