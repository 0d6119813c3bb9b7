// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// GroupTest compares one feature between the low- and high-risk groups.
type GroupTest struct {
	Feature string `json:"feature"`
	// NLow and NHigh count the patients with the feature (NaN values are
	// left out and counted in Missing).
	NLow    int `json:"n_low"`
	NHigh   int `json:"n_high"`
	Missing int `json:"missing"`
	// MedianLow and MedianHigh are the groups' medians.
	MedianLow  float64 `json:"median_low"`
	MedianHigh float64 `json:"median_high"`
	// W and P are the Mann–Whitney U test of high against low (R's
	// wilcox.test(high, low): W counts the pairs where the high-risk value
	// is larger), Exact its route; Q is P adjusted by Benjamini–Hochberg
	// over the features compared together.
	W     float64 `json:"w"`
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Exact bool    `json:"exact"`
	// IQRLow and IQRHigh are the groups' interquartile ranges (type-7
	// quartiles), their dispersion. DispersionP is the Fligner–Killeen test
	// of equal dispersion (R's fligner.test) on the values and DispersionQ
	// its Benjamini–Hochberg adjustment over the features; LogDispersionP
	// the same test on log values (NaN when a value is not positive), which
	// discounts a spread that only scales with the level.
	IQRLow         float64 `json:"iqr_low"`
	IQRHigh        float64 `json:"iqr_high"`
	DispersionP    float64 `json:"dispersion_p"`
	DispersionQ    float64 `json:"dispersion_q"`
	LogDispersionP float64 `json:"log_dispersion_p"`
}

// CompareGroups tests every feature between the groups: values[f][i] is
// feature f of patient i, high[i] its group. Each feature gets a
// Mann–Whitney U test; the p-values are adjusted together by
// Benjamini–Hochberg. Each feature's dispersion is compared too: the
// interquartile ranges and the Fligner–Killeen test (on the values and on
// their logs), adjusted likewise. A feature with an empty group gets NaN
// p and q.
func CompareGroups(features []string, values [][]float64, high []bool) ([]GroupTest, error) {
	if len(values) != len(features) {
		return nil, fmt.Errorf("interpret: %d features named, %d given", len(features), len(values))
	}
	out := make([]GroupTest, len(features))
	ps, dps := make([]float64, len(features)), make([]float64, len(features))
	for f, name := range features {
		if len(values[f]) != len(high) {
			return nil, fmt.Errorf("interpret: feature %s has %d values for %d patients", name, len(values[f]), len(high))
		}
		var lo, hi []float64
		g := GroupTest{Feature: name, P: math.NaN(), IQRLow: math.NaN(), IQRHigh: math.NaN(), DispersionP: math.NaN(), LogDispersionP: math.NaN()}
		for i, v := range values[f] {
			switch {
			case math.IsNaN(v):
				g.Missing++
			case high[i]:
				hi = append(hi, v)
			default:
				lo = append(lo, v)
			}
		}
		g.NLow, g.NHigh = len(lo), len(hi)
		g.MedianLow, g.MedianHigh = median(lo), median(hi)
		if len(lo) > 0 && len(hi) > 0 {
			r, err := stats.MannWhitneyU(hi, lo)
			if err != nil {
				return nil, fmt.Errorf("interpret: %s: %w", name, err)
			}
			g.W, g.P, g.Exact = r.W, r.P, r.Exact
			g.IQRLow, g.IQRHigh = iqr(lo), iqr(hi)
			if d, err := stats.FlignerKilleen([][]float64{lo, hi}); err == nil {
				g.DispersionP = d.P
			}
			if logLo, logHi, ok := logs(lo), logs(hi), positive(lo) && positive(hi); ok {
				if d, err := stats.FlignerKilleen([][]float64{logLo, logHi}); err == nil {
					g.LogDispersionP = d.P
				}
			}
		}
		out[f], ps[f], dps[f] = g, g.P, g.DispersionP
	}
	for f, q := range stats.BenjaminiHochberg(ps) {
		out[f].Q = q
	}
	for f, q := range stats.BenjaminiHochberg(dps) {
		out[f].DispersionQ = q
	}
	return out, nil
}

// iqr is the interquartile range (type-7 quartiles).
func iqr(x []float64) float64 {
	return survival.Quantile(x, 0.75) - survival.Quantile(x, 0.25)
}

func positive(x []float64) bool {
	for _, v := range x {
		if !(v > 0) {
			return false
		}
	}
	return true
}

func logs(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Log(v)
	}
	return out
}

// median is R's median (survival.Quantile at 0.5), NaN when x is empty.
func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return survival.Quantile(x, 0.5)
}

// MarshalJSON writes the test with null for the values that are NaN (a
// median or a p-value of an empty group), which JSON cannot hold.
func (g GroupTest) MarshalJSON() ([]byte, error) {
	num := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	return json.Marshal(struct {
		Feature    string   `json:"feature"`
		NLow       int      `json:"n_low"`
		NHigh      int      `json:"n_high"`
		Missing    int      `json:"missing"`
		MedianLow  *float64 `json:"median_low"`
		MedianHigh *float64 `json:"median_high"`
		W          float64  `json:"w"`
		P          *float64 `json:"p"`
		Q          *float64 `json:"q"`
		Exact      bool     `json:"exact"`
		IQRLow     *float64 `json:"iqr_low"`
		IQRHigh    *float64 `json:"iqr_high"`
		DispP      *float64 `json:"dispersion_p"`
		DispQ      *float64 `json:"dispersion_q"`
		LogDispP   *float64 `json:"log_dispersion_p"`
	}{g.Feature, g.NLow, g.NHigh, g.Missing, num(g.MedianLow), num(g.MedianHigh), g.W, num(g.P), num(g.Q), g.Exact,
		num(g.IQRLow), num(g.IQRHigh), num(g.DispersionP), num(g.DispersionQ), num(g.LogDispersionP)})
}
