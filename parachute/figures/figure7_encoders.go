// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Figure7Options configures [Figure7].
type Figure7Options struct {
	Options
	// Pathology and Radiology are the encoders varied (default: every one
	// the cohort has: all eight for a synthetic cohort, the folders present
	// for real features).
	Pathology, Radiology []string
	// Seeds are the training seeds per fold (default 1).
	Seeds []uint64
	// Scenario is the evaluation at p_miss > 0 (default mixed_missing, as
	// Figure 5).
	Scenario string
}

func (o Figure7Options) withDefaults() (Figure7Options, error) {
	if len(o.Cohorts) == 0 {
		// The supplement does not name Figure 7's cohort; UCEC is the one its
		// Figure 5 leads with, and the smallest.
		o.Cohorts = []data.CohortSpec{{Source: "synth:ucec", Seed: 1}}
	}
	var err error
	if o.Options, err = o.Options.WithDefaults(); err != nil {
		return o, err
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1}
	}
	if o.Scenario == "" {
		o.Scenario = train.ScenarioMixedMissing
	}
	return o, nil
}

// Describe says which data, profile, encoders and seeds the figure uses.
func (o Figure7Options) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	return o.describe("encoders varied, adamw", seedList(o.Seeds)+" per fold")
}

// EncoderNote describes an encoder of Figure 7: its width, and for a
// synthetic cohort the signal and noise the generator gives its features
// (assumptions; see data.SyntheticQuality).
type EncoderNote struct {
	Name     string  `json:"name"`
	Modality string  `json:"modality"`
	Width    int     `json:"width"`
	Signal   float64 `json:"signal,omitempty"`
	Noise    float64 `json:"noise,omitempty"`
	Source   string  `json:"source"`
}

// Figure7Cohort is Figure 7 for one cohort: (a) the pathology encoders with
// MedImageInsight, (b) with MedSAM2, (c) every pair.
type Figure7Cohort struct {
	Cohort string `json:"cohort"`
	// ByRadiology holds panels (a) and (b): one panel per radiology encoder,
	// a series per pathology encoder.
	ByRadiology []Panel `json:"by_radiology"`
	// Pairs is panel (c): a series per (pathology, radiology) pair, labelled
	// "pathology + radiology".
	Pairs Panel `json:"pairs"`
	// Best is the pair with the highest C-index averaged over the ratios.
	Best string `json:"best"`
}

// Figure7Result is supplement Figure 7 measured on our cohorts.
type Figure7Result struct {
	Scenario string          `json:"scenario"`
	Cohorts  []Figure7Cohort `json:"cohorts"`
	// Pathology and Radiology describe the encoders, in the series' order.
	Pathology []EncoderNote `json:"pathology"`
	Radiology []EncoderNote `json:"radiology"`
	Synthetic bool          `json:"synthetic"`
}

// Figure7 trains (or loads) the protocol of every cohort with every pair of
// a pathology and a radiology encoder (AdamW, the profile's network, the
// features of that pair) and returns supplement Figure 7's panels: the
// C-index at each missing ratio, mean ± SD over folds × seeds.
func Figure7(opts Figure7Options) (*Figure7Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	res := &Figure7Result{Scenario: o.Scenario, Synthetic: true}
	var cells []protocolCell
	type pair struct{ path, rad string }
	var pairs []pair
	for ci, spec := range o.Cohorts {
		res.Synthetic = res.Synthetic && strings.HasPrefix(spec.Source, "synth:")
		available, err := data.EncodersOf(spec)
		if err != nil {
			return nil, err
		}
		paths, rads, err := chooseEncoders(available, o.Pathology, o.Radiology)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Source, err)
		}
		if ci == 0 {
			for _, e := range append(slices.Clone(paths), rads...) {
				note := EncoderNote{Name: e.Name, Modality: e.Modality.String(), Width: e.Width, Source: e.Source}
				if strings.HasPrefix(spec.Source, "synth:") {
					note.Signal, note.Noise, _ = data.SyntheticQuality(e.Name)
				}
				if e.Modality == data.Pathology {
					res.Pathology = append(res.Pathology, note)
				} else {
					res.Radiology = append(res.Radiology, note)
				}
			}
			for _, r := range rads {
				for _, p := range paths {
					pairs = append(pairs, pair{p.Name, r.Name})
				}
			}
		}
		for _, pr := range pairs {
			s := spec
			s.Pathology, s.Radiology = pr.path, pr.rad
			if pr.path == data.DefaultPathology.Name {
				s.Pathology = "" // the default encoders hash as before: shared with the other figures' runs
			}
			if pr.rad == data.DefaultRadiology.Name {
				s.Radiology = ""
			}
			for _, seed := range o.Seeds {
				base, err := train.Profile(o.Profile)
				if err != nil {
					return nil, err
				}
				base.Seed = seed
				base.Model.PathologyWidth, base.Model.RadiologyWidth = width(pr.path), width(pr.rad)
				cells = append(cells, protocolCell{cohort: spec.Source, variant: pr.path + " + " + pr.rad, seed: seed, spec: s, base: base})
			}
		}
	}
	done, err := runProtocols(o.Options, cells)
	if err != nil {
		return nil, err
	}
	cvs, err := curves(done, o.Scenario)
	if err != nil {
		return nil, err
	}
	per := len(pairs) * len(o.Seeds)
	for ci, spec := range o.Cohorts {
		fc := Figure7Cohort{Cohort: spec.Source, Pairs: Panel{Cohort: spec.Source, Title: "every pair"}}
		bestMean := -1.0
		for pi, pr := range pairs {
			start := ci*per + pi*len(o.Seeds)
			s, units := seriesOf(pr.path+" + "+pr.rad, cvs[start:start+len(o.Seeds)])
			fc.Pairs.Series, fc.Pairs.Units = append(fc.Pairs.Series, s), units
			if m, _ := stats.MeanSD(s.Mean); m > bestMean {
				bestMean, fc.Best = m, s.Label
			}
			title := "with " + pr.rad
			k := slices.IndexFunc(fc.ByRadiology, func(p Panel) bool { return p.Title == title })
			if k < 0 {
				fc.ByRadiology = append(fc.ByRadiology, Panel{Cohort: spec.Source, Title: title, Units: units})
				k = len(fc.ByRadiology) - 1
			}
			s.Label = pr.path
			fc.ByRadiology[k].Series = append(fc.ByRadiology[k].Series, s)
		}
		res.Cohorts = append(res.Cohorts, fc)
	}
	return res, nil
}

// chooseEncoders picks the pathology and radiology encoders to vary among
// those available (all of each modality when none is named).
func chooseEncoders(available []data.Encoder, pathology, radiology []string) (paths, rads []data.Encoder, err error) {
	pick := func(m data.Modality, names []string) ([]data.Encoder, error) {
		var out []data.Encoder
		for _, e := range available {
			if e.Modality == m && (len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, e.Name) })) {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("figures: no %s encoder among %v (asked for %v)", m, names, available)
		}
		if len(names) > 0 && len(out) != len(names) {
			return nil, fmt.Errorf("figures: %s encoders %v are not all available", m, names)
		}
		return out, nil
	}
	if paths, err = pick(data.Pathology, pathology); err != nil {
		return nil, nil, err
	}
	rads, err = pick(data.Radiology, radiology)
	return paths, rads, err
}

// width is an encoder's embedding width (names come from data.Encoders).
func width(name string) int {
	e, err := data.EncoderByName(name)
	if err != nil {
		panic(err)
	}
	return e.Width
}

// Summary states the best pair of each cohort and each encoder's
// C-index averaged over the ratios, as text.
func (r *Figure7Result) Summary() string {
	var b strings.Builder
	for _, c := range r.Cohorts {
		fmt.Fprintf(&b, "%s: best pair %s (C-index averaged over the four ratios).\n", c.Cohort, c.Best)
		for _, s := range c.Pairs.Series {
			m, _ := stats.MeanSD(s.Mean)
			fmt.Fprintf(&b, "  %-34s mean C %.3f; at 0 %% %.3f ± %.3f, at 30 %% %.3f ± %.3f\n", s.Label, m, s.Mean[0], s.SD[0],
				s.Mean[len(s.Mean)-1], s.SD[len(s.SD)-1])
		}
	}
	return b.String()
}
