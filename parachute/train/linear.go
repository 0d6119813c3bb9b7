// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/baselines/deep"
	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

// The linear baselines of the protocol (package baselines/linear).
const (
	// MethodCoxPH is a Cox model on the first principal components of each
	// modality's pooled embedding, with missing indicators.
	MethodCoxPH = "coxph"
	// MethodCoxNet is the supplement's Section 4 "naive concatenation": an
	// elastic-net Cox model on both modalities' pooled embeddings.
	MethodCoxNet = "coxnet"
	// MethodCoxNetPathology and MethodCoxNetRadiology are the unimodal
	// CoxNets (Section 4's unimodal baselines).
	MethodCoxNetPathology = "coxnet-path"
	MethodCoxNetRadiology = "coxnet-rad"
)

// LinearParams are the settings of a linear baseline (TrainConfig.Linear).
type LinearParams struct {
	// Modalities are the blocks of covariates, in order: "pathology"
	// (mean of the slide embeddings), "radiology" (mean over series of the
	// mean over slices).
	Modalities []string `json:"modalities"`
	// Components is the number of principal components kept per modality,
	// fitted on the training fold (0: the pooled embedding as it is).
	Components int `json:"components"`
	// CoxNet: Alpha, the elastic-net mixing; NLambda, the length of the λ
	// path from λ_max; CVFolds, the folds of the cross-validation inside the
	// training fold that chooses λ. Zero for CoxPH.
	Alpha   float64 `json:"alpha,omitempty"`
	NLambda int     `json:"nlambda,omitempty"`
	CVFolds int     `json:"cv_folds,omitempty"`
	// CoxPH: Ridge is θ of a ridge penalty (θ/2)‖β‖² (0: none); Breslow ties.
	Ridge float64 `json:"ridge,omitempty"`
}

// MethodLabels names each method as tables and figures show it.
var MethodLabels = map[string]string{
	MethodParachute:          "PARACHUTE",
	MethodParachutePathology: "PARACHUTE (pathology only)",
	MethodParachuteRadiology: "PARACHUTE (radiology only)",
	MethodCoxPH:              "CoxPH",
	MethodCoxNet:             "CoxNet (concatenation)",
	MethodCoxNetPathology:    "CoxNet (pathology only)",
	MethodCoxNetRadiology:    "CoxNet (radiology only)",
	deep.DRIM:                "DRIM",
	deep.AttentionMOI:        "AttentionMOI",
	deep.MMD:                 "MMD",
	deep.ShaSpec:             "ShaSpec",
}

// LinearMethods lists the linear baselines.
var LinearMethods = []string{MethodCoxPH, MethodCoxNet, MethodCoxNetPathology, MethodCoxNetRadiology}

// IsLinear reports whether a method is a linear baseline.
func IsLinear(method string) bool { return slices.Contains(LinearMethods, method) }

// DefaultLinear returns a linear baseline's settings: CoxPH on 4 principal
// components per modality (10 covariates with the indicators: few enough for
// the smallest cohort's training folds, about 21 events); the CoxNets on 16
// components per modality with α = 0.5 (Patho-Bench's l1_ratio), glmnet's
// path of 20 values and λ chosen by 5-fold cross-validation inside the
// training fold. Components 0 fits the pooled embeddings as they are (768 +
// 1024 columns for about 80 training patients): the same model, about 30
// times slower on a CPU.
func DefaultLinear(method string) (LinearParams, error) {
	both := []string{"pathology", "radiology"}
	net := func(mods ...string) LinearParams {
		return LinearParams{Modalities: mods, Components: 16, Alpha: 0.5, NLambda: 20, CVFolds: 5}
	}
	switch method {
	case MethodCoxPH:
		return LinearParams{Modalities: both, Components: 4}, nil
	case MethodCoxNet:
		return net(both...), nil
	case MethodCoxNetPathology:
		return net("pathology"), nil
	case MethodCoxNetRadiology:
		return net("radiology"), nil
	}
	return LinearParams{}, fmt.Errorf("train: %q is not a linear baseline (want one of %v)", method, LinearMethods)
}

// WithMethodDefaults returns the training configuration of a method: a
// linear baseline gets its default LinearParams unless set, a deep baseline
// its network name, unimodal PARACHUTE its modality; PARACHUTE has none of
// these.
func WithMethodDefaults(method string, cfg TrainConfig) (TrainConfig, error) {
	cfg.Network, cfg.Modality = "", ""
	switch method {
	case MethodParachutePathology:
		cfg.Linear, cfg.Modality = nil, "pathology"
		return cfg, nil
	case MethodParachuteRadiology:
		cfg.Linear, cfg.Modality = nil, "radiology"
		return cfg, nil
	}
	if slices.Contains(deep.Names, method) {
		cfg.Linear, cfg.Network = nil, method
		return cfg, nil
	}
	if !IsLinear(method) {
		cfg.Linear = nil
		return cfg, nil
	}
	if cfg.Linear == nil {
		p, err := DefaultLinear(method)
		if err != nil {
			return cfg, err
		}
		cfg.Linear = &p
	}
	return cfg, nil
}

// LinearModel is a fitted linear baseline: the feature map and the
// coefficients, both from the training fold.
type LinearModel struct {
	Method   string
	Params   LinearParams
	Features *linear.FeatureMap
	Names    []string
	Coef     []float64
	// Lambda is CoxNet's penalty chosen by cross-validation (0 for CoxPH).
	Lambda float64
	// Warnings are the fit's warnings (R's, for CoxPH: collinear columns, a
	// coefficient that may be infinite, no convergence).
	Warnings []string
}

// FitLinear fits a linear baseline on fold `fold`'s training patients. With
// p_miss > 0 each training patient with both modalities has them masked as
// one epoch of PARACHUTE's training masks them (drawn once from the seed), so
// the missing indicators see missing rows.
func FitLinear(c *data.Cohort, fold int, method string, cfg TrainConfig) (*LinearModel, error) {
	if cfg.Linear == nil {
		return nil, fmt.Errorf("train: method %s without linear settings (use WithMethodDefaults)", method)
	}
	p := *cfg.Linear
	train := PatientsOf(c, c.Folds[fold].Train)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x11ea2))
	masks := make([]Masking, len(train))
	for i, pt := range train {
		masks[i] = trainingMask(pt, cfg.PMiss, rng)
	}
	blocks, err := pooledBlocks(train, masks, p.Modalities)
	if err != nil {
		return nil, err
	}
	fm, err := linear.FitFeatures(blocks, p.Components)
	if err != nil {
		return nil, err
	}
	x, err := fm.Transform(blocks)
	if err != nil {
		return nil, err
	}
	o := c.OutcomesOf(c.Folds[fold].Train)
	m := &LinearModel{Method: method, Params: p, Features: fm, Names: fm.Names(p.Modalities)}
	if method == MethodCoxPH {
		fit, err := linear.FitCoxPH(x, o.Time, o.Event, &linear.CoxPHOptions{Ridge: p.Ridge})
		if err != nil {
			return nil, err
		}
		m.Coef, m.Warnings = fit.Coef, fit.Warnings
		return m, nil
	}
	folds, err := data.StratifiedFolds(o, p.CVFolds, cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("train: %s cross-validation inside fold %d: %w", method, fold, err)
	}
	foldOf := make([]int, len(x))
	for f, part := range folds {
		for _, i := range part.Test {
			foldOf[i] = f
		}
	}
	cv, err := linear.CrossValidateCoxNet(x, o.Time, o.Event, &linear.CoxNetOptions{Alpha: p.Alpha, NLambda: p.NLambda}, foldOf)
	if err != nil {
		return nil, err
	}
	m.Coef, m.Lambda = cv.Coef(), cv.Lambda()
	return m, nil
}

// Predict implements [Predictor]: the linear predictor xᵀβ of each patient's
// covariates under its masking.
func (m *LinearModel) Predict(patients []*data.Patient, masks []Masking) ([]float64, error) {
	if masks == nil {
		masks = make([]Masking, len(patients))
	}
	blocks, err := pooledBlocks(patients, masks, m.Params.Modalities)
	if err != nil {
		return nil, err
	}
	x, err := m.Features.Transform(blocks)
	if err != nil {
		return nil, err
	}
	return linear.LinearPredictor(m.Coef, x), nil
}

// NonZero counts the coefficients that are not 0 (nor NaN).
func (m *LinearModel) NonZero() int {
	n := 0
	for _, b := range m.Coef {
		if b != 0 && !math.IsNaN(b) {
			n++
		}
	}
	return n
}

// pooledBlocks returns, per modality, each patient's pooled embedding (nil
// when the patient lacks the modality or it is masked): the mean of the
// slide embeddings, and the mean over series of the mean over slices.
func pooledBlocks(patients []*data.Patient, masks []Masking, modalities []string) ([][][]float64, error) {
	blocks := make([][][]float64, len(modalities))
	for b, mod := range modalities {
		blocks[b] = make([][]float64, len(patients))
		for i, p := range patients {
			switch mod {
			case "pathology":
				if p.HasPathology() && !masks[i].DropPathology {
					blocks[b][i] = meanSlides(p.Slides)
				}
			case "radiology":
				if p.HasRadiology() && !masks[i].DropRadiology {
					blocks[b][i] = meanSeries(p.Series)
				}
			default:
				return nil, fmt.Errorf("train: modality %q (want pathology or radiology)", mod)
			}
		}
	}
	return blocks, nil
}

func meanSlides(slides []data.Slide) []float64 {
	out := make([]float64, len(slides[0].Features))
	for _, s := range slides {
		for j, v := range s.Features {
			out[j] += float64(v)
		}
	}
	for j := range out {
		out[j] /= float64(len(slides))
	}
	return out
}

func meanSeries(series []data.Series) []float64 {
	out := make([]float64, series[0].Width)
	for _, s := range series {
		for k := range s.Slices {
			for j, v := range s.Features[k*s.Width : (k+1)*s.Width] {
				out[j] += float64(v) / float64(s.Slices)
			}
		}
	}
	for j := range out {
		out[j] /= float64(len(series))
	}
	return out
}
