// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"fmt"
	"slices"
)

// StepParams are the hyperparameters of every registered training step,
// with their published defaults from [DefaultStepParams]. A configuration
// carries all of them, so that its hash (and a cache key) says what each
// step would use.
type StepParams struct {
	GCS     GCS     `json:"gcs"`
	SAM     SAM     `json:"sam"`
	CRSAM   CRSAM   `json:"crsam"`
	GradVac GradVac `json:"gradvac"`
}

// DefaultStepParams returns every step's defaults: GCS as [NewGCS], SAM
// ρ = 0.05, CR-SAM ρ = 0.1, γ = 0.1, β = 0.01, GradVac β = 0.01.
func DefaultStepParams() StepParams {
	return StepParams{GCS: NewGCS(), SAM: SAM{Rho: 0.05},
		CRSAM: CRSAM{Rho: 0.1, Gamma: 0.1, Beta: 0.01}, GradVac: GradVac{Beta: 0.01}}
}

// Optimizer is one entry of the registry: a named training step (each
// followed by AdamW) and what the trainer needs to know of it.
type Optimizer struct {
	// Name is the step's name in configurations and on the command line.
	Name string
	// New returns the step with its hyperparameters from p.
	New func(p StepParams) Step
	// RunAxis reports whether runs of this step with hyperparameters p can
	// share one network with a leading run axis (model.RunAxis): the step
	// treats each run's parameters apart. False asks for replicas (GradVac's
	// surgery is over all parameters at once; GCS's compat gate draws its
	// random weights per configuration).
	RunAxis func(p StepParams) bool
	// Diagnostics is true for a step that reports per-sample curvature,
	// gradient norm and gate in its [Result] (GCS).
	Diagnostics bool
}

// DefaultOptimizer is the step of a configuration that names none.
const DefaultOptimizer = "adamw"

var registry = []Optimizer{
	{Name: "adamw", New: func(StepParams) Step { return AdamWOnly{} }, RunAxis: always},
	{Name: "gcs", New: func(p StepParams) Step { return p.GCS }, RunAxis: func(p StepParams) bool { return !p.GCS.Compat }, Diagnostics: true},
	{Name: "sam", New: func(p StepParams) Step { return p.SAM }, RunAxis: always},
	{Name: "crsam", New: func(p StepParams) Step { return p.CRSAM }, RunAxis: always},
	{Name: "gradvac", New: func(p StepParams) Step { return p.GradVac }, RunAxis: func(StepParams) bool { return false }},
}

func always(StepParams) bool { return true }

// Optimizers lists the registered steps' names, AdamW first.
func Optimizers() []string {
	names := make([]string, len(registry))
	for i, o := range registry {
		names[i] = o.Name
	}
	return names
}

// Lookup returns the registered step of that name ("" is
// [DefaultOptimizer]).
func Lookup(name string) (Optimizer, error) {
	if name == "" {
		name = DefaultOptimizer
	}
	i := slices.IndexFunc(registry, func(o Optimizer) bool { return o.Name == name })
	if i < 0 {
		return Optimizer{}, fmt.Errorf("optim: unknown optimizer %q (want one of %v)", name, Optimizers())
	}
	return registry[i], nil
}
