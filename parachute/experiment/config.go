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
)

// MethodParachute names the PARACHUTE network, the protocol's method;
// MethodParachutePathology and MethodParachuteRadiology are unimodal
// PARACHUTE, trained and evaluated on one modality (TrainConfig.Modality).
const (
	MethodParachute          = "parachute"
	MethodParachutePathology = "parachute-path"
	MethodParachuteRadiology = "parachute-rad"
)

// Methods lists every method the protocol can run, the order in which
// tables list them: PARACHUTE, the linear baselines, the deep baselines.
// The figures that compare methods (Table 5, the methods table) pick them
// up from here.
var Methods = slices.Concat([]string{MethodParachute, MethodParachutePathology, MethodParachuteRadiology}, LinearMethods, deep.Names)

// EvalConfig fixes how a trained model is scored.
type EvalConfig struct {
	// Repeats is the number of fresh random masks per masked scenario
	// (30 in the paper profile).
	Repeats int `json:"repeats"`
	// Seed seeds the evaluation masks (with the fold, scenario and repeat).
	Seed uint64 `json:"seed"`
	// CalibrationBins is the number of quantile bins of the calibration
	// diagrams.
	CalibrationBins int `json:"calibration_bins"`
}

// RunConfig is everything that determines one run: a model trained on one
// fold and scored under the evaluation scenarios. Its hash names the result
// file, so a finished run is reused and a changed setting never is.
type RunConfig struct {
	Cohort data.CohortSpec `json:"cohort"`
	Method string          `json:"method"`
	Fold   int             `json:"fold"`
	Train  TrainConfig     `json:"train"`
	Eval   EvalConfig      `json:"eval"`
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
	if !slices.Contains(Methods, c.Method) {
		return fmt.Errorf("experiment: method %q (want one of %v)", c.Method, Methods)
	}
	if c.Fold < 0 {
		return fmt.Errorf("experiment: fold %d", c.Fold)
	}
	if IsLinear(c.Method) != (c.Train.Linear != nil) {
		return fmt.Errorf("experiment: method %s with linear settings %v (use WithMethodDefaults)", c.Method, c.Train.Linear)
	}
	if deepMethod := slices.Contains(deep.Names, c.Method); deepMethod != (c.Train.Network == c.Method) || !deepMethod && c.Train.Network != "" {
		return fmt.Errorf("experiment: method %s trains network %q (use WithMethodDefaults)", c.Method, c.Train.Network)
	}
	if want, _ := WithMethodDefaults(c.Method, TrainConfig{}); c.Train.Modality != want.Modality {
		return fmt.Errorf("experiment: method %s with modality %q (use WithMethodDefaults)", c.Method, c.Train.Modality)
	}
	if c.Eval.Repeats < 1 || c.Eval.CalibrationBins < 1 {
		return fmt.Errorf("experiment: evaluation repeats %d and calibration bins %d must be ≥ 1", c.Eval.Repeats, c.Eval.CalibrationBins)
	}
	return c.Train.Validate()
}

// EvalProfile returns the evaluation settings of a profile: 30 repeats in
// paper and authors (the supplement), 5 in quick, 2 in smoke.
func EvalProfile(profile string) EvalConfig {
	switch profile {
	case ProfileQuick:
		return EvalConfig{Repeats: 5, CalibrationBins: 4}
	case ProfileSmoke:
		return EvalConfig{Repeats: 2, CalibrationBins: 4}
	}
	return EvalConfig{Repeats: 30, CalibrationBins: 4}
}
