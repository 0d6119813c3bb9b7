// SPDX-License-Identifier: Apache-2.0

package figures

import "github.com/parachute-surv/goparachute/data"

// Table4Row is one row of the supplement's Table 4.
type Table4Row struct {
	Cohort        string `json:"cohort"`
	HistoImages   int    `json:"histo_images"`
	RadImages     int    `json:"rad_images"`
	HistoPatients int    `json:"histo_patients"`
	RadPatients   int    `json:"rad_patients"`
	// Patients, Events and Folds are filled for the synthetic cohorts.
	Patients int `json:"patients,omitempty"`
	Events   int `json:"events,omitempty"`
	Folds    int `json:"folds,omitempty"`
}

// PaperTable4 is the supplement's Table 4 as printed.
var PaperTable4 = []Table4Row{
	{Cohort: "CPTAC-PDA", HistoImages: 553, RadImages: 232, HistoPatients: 76, RadPatients: 34},
	{Cohort: "CPTAC-UCEC", HistoImages: 883, RadImages: 192, HistoPatients: 34, RadPatients: 33},
	{Cohort: "MMIST-ccRCC", HistoImages: 438, RadImages: 379, HistoPatients: 601, RadPatients: 118},
}

// Table4 returns the counts of the synthetic presets (seed) in Table 4's
// layout, in the order of PaperTable4.
func Table4(seed uint64) ([]Table4Row, error) {
	var rows []Table4Row
	for i, p := range data.Presets {
		c, err := data.Synthesize(data.SynthOptions{Preset: p.Name, Seed: seed})
		if err != nil {
			return nil, err
		}
		n := c.Counts()
		rows = append(rows, Table4Row{Cohort: PaperTable4[i].Cohort + " (synthetic)", HistoImages: n.HistoImages,
			RadImages: n.RadImages, HistoPatients: n.HistoPatients, RadPatients: n.RadPatients,
			Patients: n.Patients, Events: n.Events, Folds: n.Folds})
	}
	return rows, nil
}
