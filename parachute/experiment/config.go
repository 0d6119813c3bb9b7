// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/baselines/deep"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// RunConfig is everything that determines one run: a model trained on one
// fold and scored under the evaluation scenarios. Its hash names the result
// file, so a finished run is reused and a changed setting never is.
type RunConfig struct {
	Cohort data.CohortSpec   `json:"cohort"`
	Method string            `json:"method"`
	Fold   int               `json:"fold"`
	Train  train.TrainConfig `json:"train"`
	Eval   train.EvalConfig  `json:"eval"`
}

// ResultFormat versions what a result file holds for a given configuration.
// It is part of [RunConfig.Hash], so bumping it when the content of a result
// changes for the same configuration (scoring rules, file layout) keeps every
// cache from serving results of the old kind. Version 2: one scoring path
// (package scoring: horizons from the training fold), the Breslow baseline
// stored in its overflow-safe form, the training predictions kept.
const ResultFormat = 2

// Hash is the SHA-256 of the configuration's canonical JSON followed by
// the line "result format N" ([ResultFormat]), hex, first 16 characters.
func (c RunConfig) Hash() string {
	raw, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("experiment: run config does not marshal: %v", err))
	}
	raw = fmt.Appendf(raw, "\nresult format %d", ResultFormat)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:16]
}

// Validate checks the configuration.
func (c RunConfig) Validate() error {
	if !slices.Contains(train.Methods, c.Method) {
		return fmt.Errorf("experiment: method %q (want one of %v)", c.Method, train.Methods)
	}
	if c.Fold < 0 {
		return fmt.Errorf("experiment: fold %d", c.Fold)
	}
	if train.IsLinear(c.Method) != (c.Train.Linear != nil) {
		return fmt.Errorf("experiment: method %s with linear settings %v (use WithMethodDefaults)", c.Method, c.Train.Linear)
	}
	if deepMethod := slices.Contains(deep.Names, c.Method); deepMethod != (c.Train.Network == c.Method) || !deepMethod && c.Train.Network != "" {
		return fmt.Errorf("experiment: method %s trains network %q (use WithMethodDefaults)", c.Method, c.Train.Network)
	}
	if want, _ := train.WithMethodDefaults(c.Method, train.TrainConfig{}); c.Train.Modality != want.Modality {
		return fmt.Errorf("experiment: method %s with modality %q (use WithMethodDefaults)", c.Method, c.Train.Modality)
	}
	if c.Eval.Repeats < 1 || c.Eval.CalibrationBins < 1 {
		return fmt.Errorf("experiment: evaluation repeats %d and calibration bins %d must be ≥ 1", c.Eval.Repeats, c.Eval.CalibrationBins)
	}
	return c.Train.Validate()
}
