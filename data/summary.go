// SPDX-License-Identifier: Apache-2.0

package data

import "slices"

// Summary describes a cohort in one JSON-friendly value: the Table 4 counts,
// event rate, follow-up, folds, encoders, the ground truth's oracle C for a
// synthetic cohort, and the load report of a cohort read from disk.
type Summary struct {
	Cohort string `json:"cohort"`
	// Synthetic is true for a generated cohort; Preset and Seed say which.
	Synthetic bool   `json:"synthetic"`
	Preset    string `json:"preset,omitempty"`
	Seed      uint64 `json:"seed,omitempty"`
	Counts
	EventRate     float64    `json:"event_rate"`
	FollowUpDays  [2]float64 `json:"follow_up_days"`
	FoldTestSizes []int      `json:"fold_test_sizes"`
	Pathology     string     `json:"pathology_encoder"`
	Radiology     string     `json:"radiology_encoder"`
	// OracleC is Harrell's C of the true log-hazard (synthetic cohorts only).
	OracleC *float64 `json:"oracle_c,omitempty"`
	// Report is the load report of a cohort read from disk.
	Report *LoadReport `json:"load_report,omitempty"`
}

// Summary summarises the cohort.
func (c *Cohort) Summary() Summary {
	s := Summary{Cohort: c.Name, Counts: c.Counts(), Pathology: c.Pathology.Name, Radiology: c.Radiology.Name, Report: c.Report}
	o := c.Outcomes()
	if o.Len() > 0 {
		s.EventRate = float64(s.Events) / float64(s.Patients)
		s.FollowUpDays = [2]float64{slices.Min(o.Time), slices.Max(o.Time)}
	}
	for _, f := range c.Folds {
		s.FoldTestSizes = append(s.FoldTestSizes, len(f.Test))
	}
	if t := c.Synthetic; t != nil {
		s.Synthetic, s.Preset, s.Seed = true, t.Preset, t.Seed
		oc := t.OracleC
		s.OracleC = &oc
	}
	return s
}
