// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math/rand/v2"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// Masking says which modalities of a patient enter a batch.
type Masking struct {
	DropPathology, DropRadiology bool
}

// onlyModality adds to m the masking of every modality but the one named
// ("pathology" or "radiology"): a unimodal network never sees the other.
func onlyModality(m Masking, modality string) Masking {
	switch modality {
	case "pathology":
		m.DropRadiology = true
	case "radiology":
		m.DropPathology = true
	}
	return m
}

// trainingMask draws the runtime masking of the supplement: for a patient
// with both modalities each is dropped with probability p, independently;
// if both draws drop, one modality, chosen uniformly, is kept. Patients with
// one modality keep it (real missingness is kept as is).
func trainingMask(p *data.Patient, pMiss float64, rng *rand.Rand) Masking {
	if pMiss == 0 || !p.HasPathology() || !p.HasRadiology() {
		return Masking{}
	}
	m := Masking{DropPathology: rng.Float64() < pMiss, DropRadiology: rng.Float64() < pMiss}
	if m.DropPathology && m.DropRadiology {
		if rng.IntN(2) == 0 {
			m.DropPathology = false
		} else {
			m.DropRadiology = false
		}
	}
	return m
}

// choose returns the indices of the items entering a batch: all of them up
// to the cap; beyond it, a fresh random subset in training and the first cap
// items in evaluation.
func choose(n, limit int, rng *rand.Rand) []int {
	if n <= limit || rng == nil {
		idx := make([]int, min(n, limit))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	perm := rng.Perm(n)[:limit]
	return perm
}

// fillBatch puts patients into a batch (slot i = patients[i]; the rest stays
// padding). rng is nil in evaluation (no sampling); masks may be nil.
func fillBatch(b *model.Batch, patients []*data.Patient, masks []Masking, rng *rand.Rand) error {
	for i, p := range patients {
		b.SetPatient(i, p.Time, p.Event)
		var m Masking
		if masks != nil {
			m = masks[i]
		}
		if !m.DropPathology {
			for k, j := range choose(len(p.Slides), b.Config.MaxSlides, rng) {
				if err := b.SetSlide(i, k, p.Slides[j].Features); err != nil {
					return err
				}
			}
		}
		if !m.DropRadiology {
			for k, j := range choose(len(p.Series), b.Config.MaxSeries, rng) {
				s := &p.Series[j]
				if err := b.SetSeries(i, k, s.Slices, s.Width, s.Features); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// MaskingRates draws the runtime masking of a patient with both modalities
// draws times (seeded) and returns how often pathology alone, radiology alone
// and both were dropped. Each should be near p − p²/2 (dropped with
// probability p, kept when both draws drop and the coin keeps it) and both
// exactly 0.
func MaskingRates(pMiss float64, draws int, seed uint64) (pathology, radiology, both float64) {
	p := &data.Patient{Slides: []data.Slide{{}}, Series: []data.Series{{}}}
	rng := rand.New(rand.NewPCG(seed, 0x3a5c))
	for range draws {
		m := trainingMask(p, pMiss, rng)
		switch {
		case m.DropPathology && m.DropRadiology:
			both++
		case m.DropPathology:
			pathology++
		case m.DropRadiology:
			radiology++
		}
	}
	n := float64(draws)
	return pathology / n, radiology / n, both / n
}
