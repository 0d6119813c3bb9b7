// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"fmt"
	"math"
)

// CellClasses are CellViT's five nucleus classes, in the order of the
// counts.
var CellClasses = [5]string{"neoplastic", "inflammatory", "epithelial", "dead", "connective"}

// SlideCells is CellViT's summary of one slide: nuclei per class and the
// area of tissue they were counted over, in mm² (the tissue mask's area at
// the slide's resolution: CellViT's tissue detection, or any segmentation
// the user ran before it; the summary file carries it per slide).
type SlideCells struct {
	Counts        [5]int
	TissueAreaMM2 float64
}

// Densities returns a patient's nuclei per mm² of tissue for each class,
// pooling its slides: Σ counts / Σ tissue areas, so that each slide weighs
// by its tissue area (a small biopsy does not count as much as a resection).
// A patient without slides, or with an area that is not positive and
// finite, is an error.
func Densities(slides []SlideCells) ([5]float64, error) {
	var out [5]float64
	if len(slides) == 0 {
		return out, fmt.Errorf("interpret: no CellViT slide")
	}
	area := 0.0
	var counts [5]int
	for i, s := range slides {
		if !(s.TissueAreaMM2 > 0) || math.IsInf(s.TissueAreaMM2, 0) {
			return out, fmt.Errorf("interpret: slide %d has a tissue area of %v mm²", i, s.TissueAreaMM2)
		}
		area += s.TissueAreaMM2
		for k, c := range s.Counts {
			if c < 0 {
				return out, fmt.Errorf("interpret: slide %d has %d %s nuclei", i, c, CellClasses[k])
			}
			counts[k] += c
		}
	}
	for k := range out {
		out[k] = float64(counts[k]) / area
	}
	return out, nil
}
