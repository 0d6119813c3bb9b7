// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/data"
)

// TestMaskingIsAbsenceAndAttentionMapsAreDistributions: hiding a modality
// at evaluation gives the same prediction, bit for bit, as a patient who
// never had it (both take the learned missing-modality tokens), and the
// attention maps cover the real tokens with rows that sum to one.
func TestMaskingIsAbsenceAndAttentionMapsAreDistributions(t *testing.T) {
	c := ucec(t)
	cfg := tinyConfig(t)
	cfg.Model.MaxSeries = 2
	res, err := Train(c, 0, cfg, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Trainer
	i := slices.IndexFunc(c.Patients, func(p data.Patient) bool { return len(p.Slides) >= 2 && len(p.Series) >= 1 })
	if i < 0 {
		t.Fatal("no patient with two slides and a series")
	}
	p := c.Patients[i]
	noRad, noPath := p, p
	noRad.Series, noPath.Slides = nil, nil
	masked, err := tr.Predict([]*data.Patient{&p, &p}, []Masking{{DropRadiology: true}, {DropPathology: true}})
	if err != nil {
		t.Fatal(err)
	}
	absent, err := tr.Predict([]*data.Patient{&noRad, &noPath}, nil)
	if err != nil {
		t.Fatal(err)
	}
	full, err := tr.Predict([]*data.Patient{&p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(masked, absent) || masked[0] == full[0] || masked[1] == full[0] {
		t.Errorf("masked %v, absent %v, full %v: masking must equal absence and differ from the full prediction", masked, absent, full)
	}
	for _, tc := range []struct {
		mask          Masking
		slides, queue int
	}{{Masking{}, min(len(p.Slides), 4), min(len(p.Series), 2)}, {Masking{DropRadiology: true}, min(len(p.Slides), 4), 1}} {
		maps, err := tr.Attention(&p, tc.mask)
		if err != nil {
			t.Fatal(err)
		}
		if len(maps) != 4 || maps[0].QueryMissing != tc.mask.DropRadiology || maps[2].KeyMissing != tc.mask.DropRadiology {
			t.Fatalf("%+v: %d maps, missing flags %v %v", tc.mask, len(maps), maps[0].QueryMissing, maps[2].KeyMissing)
		}
		for _, m := range maps {
			nq, nk := tc.queue, tc.slides
			if m.Queries != "radiology" {
				nq, nk = tc.slides, tc.queue
			}
			if len(m.Weights) != cfg.Model.Heads || len(m.Weights[0]) != nq || len(m.Weights[0][0]) != nk {
				t.Fatalf("%s: weights %d×%d×%d, want %d×%d×%d", m.Block, len(m.Weights), len(m.Weights[0]), len(m.Weights[0][0]),
					cfg.Model.Heads, nq, nk)
			}
			for _, head := range m.Weights {
				for _, row := range head {
					sum := 0.0
					for _, w := range row {
						sum += w
					}
					if math.Abs(sum-1) > 1e-5 {
						t.Errorf("%s: a row sums to %v", m.Block, sum)
					}
				}
			}
		}
	}
}
