// SPDX-License-Identifier: Apache-2.0

package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// MaskingRate is how often runtime masking dropped each modality of a
// patient with both, measured over many draws, beside the expected rate.
type MaskingRate struct {
	PMiss     float64 `json:"pmiss"`
	Pathology float64 `json:"pathology"`
	Radiology float64 `json:"radiology"`
	Both      float64 `json:"both"`
	// Expected is p − p²/2, the rate of each single drop.
	Expected float64 `json:"expected"`
}

// MissingTokenDemo is one patient's risk with every modality, with one
// hidden at evaluation (runtime masking) and with the same modality removed
// from the patient: the last two are equal, because both go through the
// learned missing-modality tokens.
type MissingTokenDemo struct {
	Patient string `json:"patient"`
	Slides  int    `json:"slides"`
	Series  int    `json:"series"`
	// SeenSlides and SeenSeries are the tokens the model sees in
	// evaluation: the first MaxSlides slides and MaxSeries series of the
	// profile (the attention maps have as many rows and columns).
	SeenSlides int     `json:"seen_slides"`
	SeenSeries int     `json:"seen_series"`
	Full       float64 `json:"full"`
	RadMasked  float64 `json:"rad_masked"`
	RadAbsent  float64 `json:"rad_absent"`
	PathMasked float64 `json:"path_masked"`
	PathAbsent float64 `json:"path_absent"`
}

// DCEExample is the Dynamic Contextual Embedding's similarity step on two
// random vectors: the d×d similarity of their normalised coordinates, each
// row's top-k mean found by sorting the row (the definition), and the same
// computed by the model's graph code (the exact rank-one form).
type DCEExample struct {
	K          int         `json:"k"`
	A          []float64   `json:"a"`
	B          []float64   `json:"b"`
	Similarity [][]float64 `json:"similarity"`
	// TopK[i] are the column indices of row i's k largest similarities.
	TopK          [][]int   `json:"top_k"`
	PosSorted     []float64 `json:"pos_sorted"`
	NegSorted     []float64 `json:"neg_sorted"`
	PosModel      []float64 `json:"pos_model"`
	NegModel      []float64 `json:"neg_model"`
	MaxDifference float64   `json:"max_difference"`
	NormalisedA   []float64 `json:"normalised_a"`
	NormalisedB   []float64 `json:"normalised_b"`
}

// FusionResult is the data of tutorial 2 (missing modalities and
// cross-modal fusion).
type FusionResult struct {
	Describe string             `json:"describe"`
	Rates    []MaskingRate      `json:"rates"`
	Tokens   []MissingTokenDemo `json:"tokens"`
	DCE      DCEExample         `json:"dce"`
	// Attention holds the four blocks' maps for the first demo patient with
	// every modality, and AttentionRadMissing with its radiology hidden.
	Attention, AttentionRadMissing []train.AttentionMap
}

// Fusion trains one fold of the first cohort (default synthetic PDA,
// fold 0) at p_miss 0.15 in the options' profile and returns what tutorial
// 2 shows: measured masking rates, the missing-token demonstration on three
// patients with both modalities (the fold's test patients first), a DCE
// example, and attention maps.
func Fusion(opts figures.Options) (*FusionResult, error) {
	o, err := opts.WithDefaults()
	if err != nil {
		return nil, err
	}
	res := &FusionResult{}
	for _, p := range experiment.MissingRatios[1:] {
		path, rad, both := train.MaskingRates(p, 100000, o.Seed)
		res.Rates = append(res.Rates, MaskingRate{PMiss: p, Pathology: path, Radiology: rad, Both: both, Expected: p - p*p/2})
	}
	c, err := data.Open(o.Cohorts[0])
	if err != nil {
		return nil, err
	}
	cfg, err := train.Profile(o.Profile)
	if err != nil {
		return nil, err
	}
	cfg.Seed, cfg.PMiss = o.Seed, 0.15
	b, err := backend.New()
	if err != nil {
		return nil, err
	}
	trained, err := train.Train(c, 0, cfg, train.TrainOptions{Backend: b})
	if err != nil {
		return nil, err
	}
	res.Describe = fmt.Sprintf("%s, fold 0, profile %s, p_miss 0.15, seed %d", o.Cohorts[0].Source, o.Profile, o.Seed)
	t := trained.Trainer
	// Patients with both modalities, the fold's test patients first.
	for _, i := range append(slices.Clone(c.Folds[0].Test), c.Folds[0].Train...) {
		p := c.Patients[i]
		if !p.HasPathology() || !p.HasRadiology() || len(res.Tokens) == 3 {
			continue
		}
		noRad, noPath := p, p
		noRad.Series, noPath.Slides = nil, nil
		// Masked and removed in the same batch slots: a matrix product may
		// round a row differently in another slot.
		masked, err := t.Predict([]*data.Patient{&p, &p, &p}, []train.Masking{{}, {DropRadiology: true}, {DropPathology: true}})
		if err != nil {
			return nil, err
		}
		absent, err := t.Predict([]*data.Patient{&p, &noRad, &noPath}, nil)
		if err != nil {
			return nil, err
		}
		res.Tokens = append(res.Tokens, MissingTokenDemo{Patient: p.ID, Slides: len(p.Slides), Series: len(p.Series),
			SeenSlides: min(len(p.Slides), cfg.Model.MaxSlides), SeenSeries: min(len(p.Series), cfg.Model.MaxSeries),
			Full: masked[0], RadMasked: masked[1], RadAbsent: absent[1], PathMasked: masked[2], PathAbsent: absent[2]})
		if res.Attention == nil {
			if res.Attention, err = t.Attention(&p, train.Masking{}); err != nil {
				return nil, err
			}
			if res.AttentionRadMissing, err = t.Attention(&p, train.Masking{DropRadiology: true}); err != nil {
				return nil, err
			}
		}
	}
	if len(res.Tokens) == 0 {
		return nil, fmt.Errorf("tutorial: no test patient of fold 0 has both modalities")
	}
	if res.DCE, err = dceExample(16, 3, o.Seed); err != nil {
		return nil, err
	}
	return res, nil
}

// dceExample builds a DCEExample of dimension d and top-k.
func dceExample(d, k int, seed uint64) (DCEExample, error) {
	rng := rand.New(rand.NewPCG(seed, 0xdce))
	ex := DCEExample{K: k, A: make([]float64, d), B: make([]float64, d)}
	for i := range d {
		ex.A[i], ex.B[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	ex.NormalisedA, ex.NormalisedB = unit(ex.A), unit(ex.B)
	for i := range d {
		row := make([]float64, d)
		for j := range d {
			row[j] = ex.NormalisedA[i] * ex.NormalisedB[j]
		}
		ex.Similarity = append(ex.Similarity, row)
		order := make([]int, d)
		for j := range order {
			order[j] = j
		}
		slices.SortStableFunc(order, func(x, y int) int {
			switch {
			case row[x] > row[y]:
				return -1
			case row[x] < row[y]:
				return 1
			}
			return 0
		})
		ex.TopK = append(ex.TopK, order[:k])
		pos, neg := 0.0, 0.0
		for r := range k {
			pos += row[order[r]] / float64(k)
			neg += -row[order[d-1-r]] / float64(k)
		}
		ex.PosSorted, ex.NegSorted = append(ex.PosSorted, pos), append(ex.NegSorted, neg)
	}
	b, err := backend.New()
	if err != nil {
		return ex, err
	}
	pos, neg, err := model.ContextFeatures(b, [][]float64{ex.A}, [][]float64{ex.B}, k)
	if err != nil {
		return ex, err
	}
	ex.PosModel, ex.NegModel = pos[0], neg[0]
	for i := range d {
		ex.MaxDifference = math.Max(ex.MaxDifference, math.Max(math.Abs(ex.PosModel[i]-ex.PosSorted[i]), math.Abs(ex.NegModel[i]-ex.NegSorted[i])))
	}
	return ex, nil
}

// unit returns x / ‖x‖.
func unit(x []float64) []float64 {
	n := 0.0
	for _, v := range x {
		n += v * v
	}
	n = math.Sqrt(n)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v / n
	}
	return out
}
