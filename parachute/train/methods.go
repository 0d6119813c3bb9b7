// SPDX-License-Identifier: Apache-2.0

package train

import (
	"slices"

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
