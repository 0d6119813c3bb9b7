// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"math"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

func synth(t testing.TB, preset string, seed uint64) *data.Cohort {
	t.Helper()
	c, err := data.Synthesize(data.SynthOptions{Preset: preset, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSynthesizeMatchesThePresets(t *testing.T) {
	for _, p := range data.Presets {
		t.Run(p.Name, func(t *testing.T) {
			c := synth(t, p.Name, 1)
			n := c.Counts()
			want := data.Counts{Patients: p.Patients, Events: p.Events, Folds: len(p.FoldTestSizes),
				HistoImages: p.HistoImages, RadImages: p.RadImages, HistoPatients: p.HistoPatients,
				RadPatients: p.RadPatients, BothPatients: p.HistoPatients + p.RadPatients - p.Patients}
			if n != want {
				t.Fatalf("counts %+v, want %+v", n, want)
			}
			var sizes []int
			for _, f := range c.Folds {
				sizes = append(sizes, len(f.Test))
			}
			if !slices.Equal(sizes, p.FoldTestSizes) {
				t.Errorf("fold test sizes %v, want %v", sizes, p.FoldTestSizes)
			}
			o := c.Outcomes()
			if lo, hi := slices.Min(o.Time), slices.Max(o.Time); lo != p.MinDays || hi != p.MaxDays {
				t.Errorf("follow-up [%v, %v], want [%v, %v]", lo, hi, p.MinDays, p.MaxDays)
			}
			if c.Synthetic == nil || c.Synthetic.OracleC < 0.65 || c.Synthetic.OracleC > 0.95 {
				t.Errorf("oracle C %v outside the plausible 0.65–0.95", c.Synthetic.OracleC)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPresetsMatchTheAuthorsSplitFiles compares the presets with the real
// split files: patients, folds and test sizes exactly, event rate within
// ±3 points, and the follow-up range (the MMIST file's day-0 case aside).
func TestPresetsMatchTheAuthorsSplitFiles(t *testing.T) {
	dir := sharedCohorts(t)
	for _, p := range data.Presets {
		t.Run(p.Name, func(t *testing.T) {
			table, err := data.ReadSplits(filepath.Join(dir, p.Cohort, "k=all.tsv"))
			if err != nil {
				t.Fatal(err)
			}
			c := synth(t, p.Name, 7)
			events := 0
			var positive []float64
			tests := make([]int, len(table.FoldNames))
			for _, sc := range table.Cases {
				if sc.Event {
					events++
				}
				if sc.Time > 0 {
					positive = append(positive, sc.Time)
				}
				for k, v := range sc.Folds {
					if v == "test" {
						tests[k]++
					}
				}
			}
			n := c.Counts()
			if n.Patients != len(table.Cases) || n.Folds != len(table.FoldNames) {
				t.Errorf("%d patients and %d folds, the file has %d and %d", n.Patients, n.Folds, len(table.Cases), len(table.FoldNames))
			}
			var sizes []int
			for _, f := range c.Folds {
				sizes = append(sizes, len(f.Test))
			}
			if !slices.Equal(sizes, tests) {
				t.Errorf("test sizes %v, file %v", sizes, tests)
			}
			rateSynth := float64(n.Events) / float64(n.Patients)
			rateReal := float64(events) / float64(len(table.Cases))
			if math.Abs(rateSynth-rateReal) > 0.03 {
				t.Errorf("event rate %.3f, file %.3f", rateSynth, rateReal)
			}
			o := c.Outcomes()
			if slices.Min(o.Time) != slices.Min(positive) || slices.Max(o.Time) != slices.Max(positive) {
				t.Errorf("follow-up [%v, %v], file (positive times) [%v, %v]",
					slices.Min(o.Time), slices.Max(o.Time), slices.Min(positive), slices.Max(positive))
			}
		})
	}
}

func TestSynthesizeIsDeterministic(t *testing.T) {
	a, b, c := synth(t, "ucec", 3), synth(t, "ucec", 3), synth(t, "ucec", 4)
	assertSameCohort(t, a, b)
	if slices.Equal(a.Patients[0].Slides[0].Features, c.Patients[0].Slides[0].Features) {
		t.Fatal("different seeds gave the same features")
	}
	// Changing the radiology encoder leaves outcomes and pathology unchanged.
	d, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 3, Radiology: "MedSAM2"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Patients[5].Time != a.Patients[5].Time || !slices.Equal(d.Patients[5].Slides[0].Features, a.Patients[5].Slides[0].Features) ||
		d.Patients[1].Series[0].Width != 256 {
		t.Fatal("the radiology encoder changed more than the radiology features")
	}
}

// TestEncodersDifferInQuality checks that encoder choice matters: the share
// of a slide's variance shared with the other slides of its patient (the
// latent signal) is larger for TITAN than for UNI.
func TestEncodersDifferInQuality(t *testing.T) {
	share := func(enc string) float64 {
		c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 2, Pathology: enc})
		if err != nil {
			t.Fatal(err)
		}
		var within, total float64
		for _, p := range c.Patients {
			if len(p.Slides) < 2 {
				continue
			}
			a, b := p.Slides[0].Features, p.Slides[1].Features
			for j := range a {
				within += float64(a[j]) * float64(b[j])
				total += (float64(a[j])*float64(a[j]) + float64(b[j])*float64(b[j])) / 2
			}
		}
		return within / total
	}
	titan, uni := share("TITAN"), share("UNI")
	if !(titan > uni+0.1) {
		t.Fatalf("patient-shared variance: TITAN %.3f, UNI %.3f", titan, uni)
	}
}

// TestInterpretabilityGroundTruthFollowsRisk checks the ground truth of
// supplement Figure 10 on a synthetic cohort: above-median-risk patients have
// higher neoplastic and inflammatory densities, lower epithelial density and
// larger tumours.
func TestInterpretabilityGroundTruthFollowsRisk(t *testing.T) {
	c := synth(t, "pda", 5)
	eta := c.Synthetic.LogHazard
	med := median(eta)
	var hi, lo [5][]float64
	var volHi, volLo []float64
	for i, p := range c.Patients {
		for _, cc := range p.Cells {
			for k := range 5 {
				if eta[i] > med {
					hi[k] = append(hi[k], cc.Density(k))
				} else {
					lo[k] = append(lo[k], cc.Density(k))
				}
			}
		}
		if p.Mask != nil {
			v := 0.0
			for _, x := range p.Mask.Voxels {
				v += float64(x)
			}
			v *= p.Mask.Spacing[0] * p.Mask.Spacing[1] * p.Mask.Spacing[2]
			if eta[i] > med {
				volHi = append(volHi, v)
			} else {
				volLo = append(volLo, v)
			}
		}
	}
	for k, dir := range []float64{1, 1, -1} { // neoplastic, inflammatory, epithelial
		if d := median(hi[k]) - median(lo[k]); d*dir <= 0 {
			t.Errorf("%s density: high-risk median − low-risk median = %v", data.CellClasses[k], d)
		}
	}
	if median(volHi) <= median(volLo) {
		t.Errorf("tumour volume: high-risk median %v ≤ low-risk median %v", median(volHi), median(volLo))
	}
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// TestSyntheticRoundTrip writes every preset in the authors' layout and reads
// it back: the cohort, its folds, interpretability inputs and ground truth
// are identical.
func TestSyntheticRoundTrip(t *testing.T) {
	if !data.HDF5Available {
		t.Skip("built with nohdf5")
	}
	for _, p := range data.Presets {
		t.Run(p.Name, func(t *testing.T) {
			c := synth(t, p.Name, 11)
			dir := t.TempDir()
			if err := data.Write(c, dir, p.Style); err != nil {
				t.Fatal(err)
			}
			back, err := data.Load(dir, p.Name, nil)
			if err != nil {
				t.Fatal(err)
			}
			assertSameCohort(t, back, c)
			if back.Synthetic == nil || !slices.Equal(back.Synthetic.LogHazard, c.Synthetic.LogHazard) ||
				back.Synthetic.OracleC != c.Synthetic.OracleC {
				t.Fatal("ground truth changed")
			}
			if back.Counts() != c.Counts() {
				t.Fatalf("counts %+v, want %+v", back.Counts(), c.Counts())
			}
		})
	}
}

func TestStratifiedFolds(t *testing.T) {
	c := synth(t, "pda", 1)
	o := c.Outcomes()
	folds, err := data.StratifiedFolds(o, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for _, f := range folds {
		ev := 0
		for _, i := range f.Test {
			seen[i]++
			if o.Event[i] {
				ev++
			}
		}
		if len(f.Test) < 19 || len(f.Test) > 20 || ev < 13 || ev > 15 {
			t.Errorf("%s: %d test patients, %d events", f.Name, len(f.Test), ev)
		}
	}
	if len(seen) != o.Len() {
		t.Errorf("%d patients tested, want %d", len(seen), o.Len())
	}
	if _, err := data.StratifiedFolds(survival.Outcomes{Time: []float64{1, 2}, Event: []bool{true, false}}, 3, 1); err == nil {
		t.Error("3 folds of 2 patients: no error")
	}
}

// BenchmarkLoadPDA measures loading a synthetic pda cohort from disk (553
// slide files, 232 CT series); the target is under 2 seconds.
func BenchmarkLoadPDA(b *testing.B) {
	if !data.HDF5Available {
		b.Skip("built with nohdf5")
	}
	c := synth(b, "pda", 1)
	dir := b.TempDir()
	p, _ := data.PresetByName("pda")
	if err := data.Write(c, dir, p.Style); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := data.Load(dir, "pda", nil); err != nil {
			b.Fatal(err)
		}
	}
}
