// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Slide is one histopathology slide: its embedding by the cohort's pathology
// encoder.
type Slide struct {
	ID       string
	Features []float32 // width = the pathology encoder's
	// Coords, when known, are the level-0 top-left (x, y) pixel corners of
	// the patches the embedding was computed from: the "coords" dataset
	// Trident writes beside "features". Nothing in the model reads them.
	Coords [][2]int64
}

// Series is one CT series: one embedding per slice by the cohort's
// radiology encoder, row-major [Slices, Width].
type Series struct {
	ID       string
	Slices   int
	Width    int
	Features []float32
}

// Slice returns the embedding of slice s.
func (s *Series) Slice(i int) []float32 { return s.Features[i*s.Width : (i+1)*s.Width] }

// Patient is one patient of a cohort: survival outcome, zero or more slides
// and series (never neither), and the optional interpretability inputs.
type Patient struct {
	ID string
	// Time is the observed time in days (> 0): death or last follow-up.
	Time float64
	// Event is true when death was observed at Time, false when censored.
	Event  bool
	Slides []Slide
	Series []Series
	// Cells holds CellViT cell counts, one entry per slide that has them.
	Cells []CellCounts
	// Mask is the radiology tumour segmentation, when available.
	Mask *formats.Mask
}

// HasPathology reports whether the patient has at least one slide.
func (p *Patient) HasPathology() bool { return len(p.Slides) > 0 }

// HasRadiology reports whether the patient has at least one CT series.
func (p *Patient) HasRadiology() bool { return len(p.Series) > 0 }

// Fold is one cross-validation fold: indices into Cohort.Patients.
type Fold struct {
	Name  string
	Train []int
	Test  []int
}

// Cohort is a list of patients with its split plan and encoders.
type Cohort struct {
	// Name is the cohort's folder name, e.g. "CPTACPDA".
	Name      string
	Pathology Encoder
	Radiology Encoder
	Patients  []Patient
	Folds     []Fold
	// TestSet lists patients of an independent test set, scored by every
	// fold's model; empty when the cohort has none.
	TestSet []int
	// Synthetic describes the generator's ground truth; nil for real data.
	Synthetic *SyntheticTruth
	// Report says how a loaded cohort was assembled; nil when generated.
	Report *LoadReport
}

// Outcomes returns the survival outcomes of all patients.
func (c *Cohort) Outcomes() survival.Outcomes {
	return c.OutcomesOf(nil)
}

// OutcomesOf returns the outcomes of the patients listed in idx (all
// patients for nil).
func (c *Cohort) OutcomesOf(idx []int) survival.Outcomes {
	if idx == nil {
		idx = make([]int, len(c.Patients))
		for i := range idx {
			idx[i] = i
		}
	}
	o := survival.Outcomes{Time: make([]float64, len(idx)), Event: make([]bool, len(idx))}
	for k, i := range idx {
		o.Time[k], o.Event[k] = c.Patients[i].Time, c.Patients[i].Event
	}
	return o
}

// Events returns the number of observed deaths.
func (c *Cohort) Events() int { return c.Outcomes().Events() }

// Counts are the per-modality counts of the supplement's Table 4.
type Counts struct {
	Patients      int `json:"patients"`
	Events        int `json:"events"`
	Folds         int `json:"folds"`
	HistoImages   int `json:"histo_images"`
	RadImages     int `json:"rad_images"`
	HistoPatients int `json:"histo_patients"`
	RadPatients   int `json:"rad_patients"`
	BothPatients  int `json:"both_patients"`
}

// Counts returns the Table 4 counts of the cohort: images (slides, CT
// series) and patients per modality, plus patients, events and folds.
func (c *Cohort) Counts() Counts {
	n := countPatients(c.Patients)
	n.Folds = len(c.Folds)
	return n
}

// countPatients returns the counts of patients, without folds; events are
// counted among the patients whose outcome is known.
func countPatients(patients []Patient) Counts {
	n := Counts{Patients: len(patients)}
	for i := range patients {
		p := &patients[i]
		if p.Event && p.HasOutcome() {
			n.Events++
		}
		n.HistoImages += len(p.Slides)
		n.RadImages += len(p.Series)
		if p.HasPathology() {
			n.HistoPatients++
		}
		if p.HasRadiology() {
			n.RadPatients++
		}
		if p.HasPathology() && p.HasRadiology() {
			n.BothPatients++
		}
	}
	return n
}

// Validate checks the invariants every consumer relies on and returns the
// first fault as a [*FileError] (Path = the cohort name) naming the patient:
// non-empty unique IDs, times finite and > 0, at least one modality, feature
// widths equal to the encoders', finite features, fold indices in range, and
// folds whose train and test parts are non-empty and contain events.
func (c *Cohort) Validate() error {
	fault := func(patient, where string, err error) error {
		return &FileError{Path: "cohort " + c.Name, Patient: patient, Where: where, Err: err}
	}
	if len(c.Patients) == 0 {
		return fault("", "", formats.Faultf(ErrFormat, "no patients"))
	}
	seen := map[string]bool{}
	for i := range c.Patients {
		p := &c.Patients[i]
		switch {
		case p.ID == "":
			return fault("", fmt.Sprintf("patient %d", i), formats.Faultf(ErrFormat, "empty ID"))
		case seen[p.ID]:
			return fault(p.ID, "", formats.Faultf(ErrDuplicate, "listed twice"))
		case math.IsNaN(p.Time) || math.IsInf(p.Time, 0) || p.Time <= 0:
			return fault(p.ID, "", formats.Faultf(ErrTime, "time = %v", p.Time))
		case !p.HasPathology() && !p.HasRadiology():
			return fault(p.ID, "", ErrNoModality)
		}
		seen[p.ID] = true
		for _, s := range p.Slides {
			if len(s.Features) != c.Pathology.Width {
				return fault(p.ID, "slide "+s.ID, formats.Faultf(ErrWidth, "width %d, %s has %d", len(s.Features), c.Pathology.Name, c.Pathology.Width))
			}
			if k := firstNonFinite(s.Features); k >= 0 {
				return fault(p.ID, "slide "+s.ID, formats.Faultf(ErrNonFinite, "features[%d] = %v", k, s.Features[k]))
			}
		}
		for _, s := range p.Series {
			if s.Width != c.Radiology.Width || len(s.Features) != s.Slices*s.Width || s.Slices < 1 {
				return fault(p.ID, "series "+s.ID, formats.Faultf(ErrWidth, "%d slices × width %d (%d values), %s has width %d",
					s.Slices, s.Width, len(s.Features), c.Radiology.Name, c.Radiology.Width))
			}
			if k := firstNonFinite(s.Features); k >= 0 {
				return fault(p.ID, "series "+s.ID, formats.Faultf(ErrNonFinite, "slice %d, feature %d = %v", k/s.Width, k%s.Width, s.Features[k]))
			}
		}
	}
	return validateFolds(c.Name, c.Folds, c.Outcomes())
}

// validateFolds checks that every fold's train and test parts are
// non-empty, in range, disjoint, and contain at least one event.
func validateFolds(name string, folds []Fold, o survival.Outcomes) error {
	for _, f := range folds {
		part := map[int]string{}
		for _, p := range []struct {
			label string
			idx   []int
		}{{"train", f.Train}, {"test", f.Test}} {
			events := 0
			for _, i := range p.idx {
				if i < 0 || i >= o.Len() {
					return &FileError{Path: "cohort " + name, Where: f.Name, Err: formats.Faultf(ErrFold, "patient index %d out of range", i)}
				}
				if prev, dup := part[i]; dup {
					return &FileError{Path: "cohort " + name, Where: f.Name, Err: formats.Faultf(ErrFold, "patient %d in %s and %s", i, prev, p.label)}
				}
				part[i] = p.label
				if o.Event[i] {
					events++
				}
			}
			if len(p.idx) == 0 {
				return &FileError{Path: "cohort " + name, Where: f.Name, Err: formats.Faultf(ErrFold, "empty %s part", p.label)}
			}
			if events == 0 {
				return &FileError{Path: "cohort " + name, Where: f.Name, Err: formats.Faultf(ErrFold, "no event in the %s part", p.label)}
			}
		}
	}
	return nil
}

func firstNonFinite(x []float32) int {
	for k, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return k
		}
	}
	return -1
}
