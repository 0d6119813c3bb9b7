// SPDX-License-Identifier: Apache-2.0

package train

import (
	"hash/fnv"
	"math/rand/v2"

	"github.com/parachute-surv/goparachute/data"
)

// Scenario names, as in the supplement.
const (
	ScenarioFull         = "full"          // every available modality
	ScenarioRadMissing   = "rad_missing"   // radiology dropped at the ratio: pathology retained
	ScenarioWSIMissing   = "wsi_missing"   // pathology (WSI) dropped at the ratio
	ScenarioMixedMissing = "mixed_missing" // each modality dropped at the ratio, never both
)

// Scenarios lists the evaluation scenarios of a configuration trained at
// p_miss: full only at 0, else full and the three masking types at that ratio.
func Scenarios(pMiss float64) []string {
	if pMiss == 0 {
		return []string{ScenarioFull}
	}
	return []string{ScenarioFull, ScenarioRadMissing, ScenarioWSIMissing, ScenarioMixedMissing}
}

// scenarioMasks draws the evaluation masks of one repeat: for a patient
// with both modalities, rad_missing drops radiology with probability ratio,
// wsi_missing drops pathology, and mixed_missing drops each independently
// and, if both were drawn, keeps one chosen uniformly (the training rule). A
// patient's only modality is never dropped. The masks depend only on the seed,
// fold, scenario and repeat, so repeats are reproducible.
func scenarioMasks(patients []*data.Patient, scenario string, ratio float64, seed uint64, fold, repeat int) []Masking {
	h := fnv.New64a()
	h.Write([]byte(scenario))
	rng := rand.New(rand.NewPCG(seed^h.Sum64(), uint64(fold)<<32|uint64(repeat)))
	masks := make([]Masking, len(patients))
	for i, p := range patients {
		if !p.HasPathology() || !p.HasRadiology() {
			continue
		}
		switch scenario {
		case ScenarioRadMissing:
			masks[i].DropRadiology = rng.Float64() < ratio
		case ScenarioWSIMissing:
			masks[i].DropPathology = rng.Float64() < ratio
		case ScenarioMixedMissing:
			masks[i] = trainingMask(p, ratio, rng)
		}
	}
	return masks
}
