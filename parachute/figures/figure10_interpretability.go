// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/interpret"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Figure10Options configures [Figure10]. Its Optimizer defaults to gcs
// (PARACHUTE as the supplement trains it) and PMiss to 0.
type Figure10Options struct {
	Options
}

// Figure10Features are the features compared between the risk groups, in
// the order of PatientFeatures.Values: the five cell densities (nuclei per
// mm² of tissue), the tumour's mesh volume (mm³), surface area (mm²) and
// sphericity.
var Figure10Features = []string{
	"neoplastic density (/mm²)", "inflammatory density (/mm²)", "epithelial density (/mm²)", "dead density (/mm²)",
	"connective density (/mm²)", "tumour volume (mm³)", "tumour surface (mm²)", "sphericity",
}

// PatientFeatures is one test patient of Figure 10: its out-of-fold risk,
// its group, its outcome, and its features (NaN where the input is
// missing).
type PatientFeatures struct {
	Cohort  string  `json:"cohort"`
	Patient string  `json:"patient"`
	Fold    int     `json:"fold"`
	Risk    float64 `json:"risk"`
	// Threshold is the median risk of the fold model's training patients;
	// High says the patient's risk is above it.
	Threshold float64 `json:"threshold"`
	High      bool    `json:"high"`
	Time      float64 `json:"time"`
	Event     bool    `json:"event"`
	// Values are the features of Figure10Features; Voxels and
	// VoxelVolumeMM3 the mask's voxel count and volume.
	Values         []float64 `json:"values"`
	Voxels         int       `json:"voxels"`
	VoxelVolumeMM3 float64   `json:"voxel_volume_mm3"`
}

// Figure10Panel is one cohort of Figure 10.
type Figure10Panel struct {
	Cohort string `json:"cohort"`
	// Patients are the test patients (written as CSV by WritePatientsCSV).
	Patients []PatientFeatures `json:"-"`
	// Tests compare each feature between the groups (Mann–Whitney U,
	// Benjamini–Hochberg over the features).
	Tests []interpret.GroupTest `json:"tests"`
	// Low and High are the groups' Kaplan–Meier curves, LogRankP the
	// log-rank test between them.
	Low, High *survival.Curve `json:"-"`
	LogRankP  scoring.Number  `json:"logrank_p"`
}

// Figure10Result is supplement Figure 10 measured on our cohorts.
type Figure10Result struct {
	Optimizer string          `json:"optimizer"`
	PMiss     float64         `json:"p_miss"`
	Panels    []Figure10Panel `json:"panels"`
}

// Figure10 trains (or loads) PARACHUTE on every fold of every cohort,
// splits each fold's test patients into high and low risk at the median
// risk of that fold model's training patients (so the threshold never sees
// a test patient), and compares the groups' survival (Kaplan–Meier,
// log-rank), cell densities and tumour morphology.
func Figure10(opts Figure10Options) (*Figure10Result, error) {
	o, err := opts.Options.WithDefaults()
	if err != nil {
		return nil, err
	}
	res := &Figure10Result{Optimizer: o.Optimizer, PMiss: o.PMiss}
	cohorts := &experiment.CohortCache{}
	for _, spec := range o.Cohorts {
		c, err := cohorts.Open(spec)
		if err != nil {
			return nil, err
		}
		runs, err := foldRuns(spec, o, cohorts)
		if err != nil {
			return nil, err
		}
		panel, err := figure10Panel(c, spec.Source, runs)
		if err != nil {
			return nil, fmt.Errorf("figures: %s: %w", spec.Source, err)
		}
		res.Panels = append(res.Panels, *panel)
	}
	return res, nil
}

// figure10Panel groups one cohort's out-of-fold patients and compares them.
func figure10Panel(c *data.Cohort, cohort string, runs []*experiment.RunResult) (*Figure10Panel, error) {
	byID := map[string]*data.Patient{}
	for i := range c.Patients {
		byID[c.Patients[i].ID] = &c.Patients[i]
	}
	p := &Figure10Panel{Cohort: cohort}
	for _, r := range runs {
		var train []float64
		for _, q := range r.Training {
			train = append(train, q.Risk)
		}
		if len(train) == 0 {
			return nil, fmt.Errorf("run %s has no training predictions", r.Hash)
		}
		threshold := survival.Quantile(train, 0.5)
		for _, q := range r.OutOfFold {
			pat, ok := byID[q.Patient]
			if !ok {
				return nil, fmt.Errorf("run %s predicts patient %s, who is not in the cohort", r.Hash, q.Patient)
			}
			f, err := patientFeatures(pat)
			if err != nil {
				return nil, err
			}
			f.Cohort, f.Fold, f.Risk, f.Threshold, f.High = cohort, r.Config.Fold, q.Risk, threshold, q.Risk > threshold
			f.Time, f.Event = q.Time, q.Event
			p.Patients = append(p.Patients, *f)
		}
	}
	values := make([][]float64, len(Figure10Features))
	high := make([]bool, len(p.Patients))
	var o survival.Outcomes
	groups := make([]int, len(p.Patients))
	var lo, hi []int
	for i, q := range p.Patients {
		for k := range values {
			values[k] = append(values[k], q.Values[k])
		}
		high[i] = q.High
		o.Time, o.Event = append(o.Time, q.Time), append(o.Event, q.Event)
		if q.High {
			groups[i] = 1
			hi = append(hi, i)
		} else {
			lo = append(lo, i)
		}
	}
	var err error
	if p.Tests, err = interpret.CompareGroups(Figure10Features, values, high); err != nil {
		return nil, err
	}
	p.LogRankP = scoring.Number(math.NaN())
	if len(lo) > 0 && len(hi) > 0 {
		if lr, err := survival.LogRankTest(o, groups); err == nil {
			p.LogRankP = scoring.Number(lr.P)
		}
		if p.Low, err = survival.KaplanMeier(o.Subset(lo), nil); err != nil {
			return nil, err
		}
		if p.High, err = survival.KaplanMeier(o.Subset(hi), nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// patientFeatures computes a patient's densities and morphology (NaN where
// the patient has no CellViT summary or no mask).
func patientFeatures(p *data.Patient) (*PatientFeatures, error) {
	f := &PatientFeatures{Patient: p.ID, Values: make([]float64, len(Figure10Features))}
	for k := range f.Values {
		f.Values[k] = math.NaN()
	}
	f.VoxelVolumeMM3 = math.NaN()
	if len(p.Cells) > 0 {
		slides := make([]interpret.SlideCells, len(p.Cells))
		for i, s := range p.Cells {
			slides[i] = interpret.SlideCells{Counts: s.Counts, TissueAreaMM2: s.TissueAreaMM2}
		}
		d, err := interpret.Densities(slides)
		if err != nil {
			return nil, fmt.Errorf("patient %s: %w", p.ID, err)
		}
		copy(f.Values, d[:])
	}
	if p.Mask != nil {
		m, err := interpret.Measure(&interpret.Volume{Dims: p.Mask.Dims, Spacing: p.Mask.Spacing, Voxels: p.Mask.Voxels})
		if err != nil {
			return nil, fmt.Errorf("patient %s: tumour mask: %w", p.ID, err)
		}
		f.Values[5], f.Values[6], f.Values[7] = m.MeshVolumeMM3, m.SurfaceMM2, m.Sphericity
		f.Voxels, f.VoxelVolumeMM3 = m.Voxels, m.VolumeMM3
	}
	return f, nil
}

// WritePatientsCSV writes every panel's patients as CSV: cohort, patient,
// fold, risk, threshold, group, time, event, voxels, voxel volume, then
// the features of Figure10Features (empty where missing).
func (r *Figure10Result) WritePatientsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{"cohort", "patient", "fold", "risk", "threshold", "group", "time", "event", "voxels", "voxel_volume_mm3",
		"neoplastic_per_mm2", "inflammatory_per_mm2", "epithelial_per_mm2", "dead_per_mm2", "connective_per_mm2",
		"mesh_volume_mm3", "surface_mm2", "sphericity"}
	if err := cw.Write(header); err != nil {
		return err
	}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for _, p := range r.Panels {
		for _, q := range p.Patients {
			group := "low"
			if q.High {
				group = "high"
			}
			row := []string{q.Cohort, q.Patient, strconv.Itoa(q.Fold), num(q.Risk), num(q.Threshold), group, num(q.Time),
				strconv.FormatBool(q.Event), strconv.Itoa(q.Voxels), num(q.VoxelVolumeMM3)}
			for _, v := range q.Values {
				row = append(row, num(v))
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// GroupValues returns a feature's values in each group of a panel (NaN
// left out), for box plots.
func (p *Figure10Panel) GroupValues(feature int) (low, high []float64) {
	for _, q := range p.Patients {
		v := q.Values[feature]
		if math.IsNaN(v) {
			continue
		}
		if q.High {
			high = append(high, v)
		} else {
			low = append(low, v)
		}
	}
	return slices.Clip(low), slices.Clip(high)
}

// HeterogeneityVerdict tests the supplement's "increased heterogeneity" of
// high-risk tumours on the panel: per feature the interquartile ranges of
// the two groups and the Fligner–Killeen test of equal dispersion
// (Benjamini–Hochberg over the features; stats.Alpha), on the raw values
// and on their logs. A feature is "more dispersed in the high-risk group"
// when the adjusted test rejects and the high-risk IQR is the larger.
func (p *Figure10Panel) HeterogeneityVerdict() string {
	var more, less, none []string
	var b strings.Builder
	for _, g := range p.Tests {
		fmt.Fprintf(&b, "%s: IQR low %.4g, high %.4g, Fligner–Killeen q = %.3g (log scale p = %.3g). ", g.Feature, g.IQRLow, g.IQRHigh,
			g.DispersionQ, g.LogDispersionP)
		switch {
		case !(g.DispersionQ < stats.Alpha):
			none = append(none, g.Feature)
		case g.IQRHigh > g.IQRLow:
			more = append(more, g.Feature)
		default:
			less = append(less, g.Feature)
		}
	}
	list := func(x []string) string {
		if len(x) == 0 {
			return "none"
		}
		return strings.Join(x, ", ")
	}
	return fmt.Sprintf("%s\n%s: more dispersed in the high-risk group: %s; less dispersed: %s; no difference in dispersion shown: %s.",
		strings.TrimSpace(b.String()), p.Cohort, list(more), list(less), list(none))
}

// Effects lists what the synthetic generator plants
// ([data.SyntheticEffects]) when a panel's cohort is synthetic, so that
// each difference found can be read against it; nil for real cohorts.
func (r *Figure10Result) Effects() []string {
	for _, p := range r.Panels {
		if strings.HasPrefix(p.Cohort, "synth:") {
			return data.SyntheticEffects()
		}
	}
	return nil
}
