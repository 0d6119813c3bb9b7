// SPDX-License-Identifier: Apache-2.0

// Package traintest holds the small training set-ups that tests of the
// packages above train (experiment, hvp, bench) share. Package train's own
// tests keep copies: they cannot import a package that imports train.
package traintest

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// TinyConfig is the quick profile cut to an 8-wide network, 4 slices, 4
// slides and 1 series, 4 epochs of batch 8, seed 1: it trains in about a
// second on the synthetic ucec cohort.
func TinyConfig(t testing.TB) train.TrainConfig {
	t.Helper()
	cfg, err := train.Profile(train.ProfileQuick)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Model.Dim, cfg.Model.Inter, cfg.Model.FFN, cfg.Model.Hazard, cfg.Model.TopK = 8, 8, 8, 8, 2
	cfg.Model.Slices, cfg.Model.MaxSlides, cfg.Model.MaxSeries = 4, 4, 1
	cfg.Epochs, cfg.BatchSize, cfg.Seed = 4, 8, 1
	cfg.Schedule.TMax = 4
	return cfg
}

// UCEC is the synthetic ucec cohort (seed 1) with 4 to 6 slices per
// series.
func UCEC(t testing.TB) *data.Cohort {
	t.Helper()
	c, err := data.Synthesize(data.SynthOptions{Preset: "ucec", Seed: 1, MinSlices: 4, MaxSlices: 6})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// StackConfigs are three smoke runs of a stack that differ in
// fold-independent settings only: missing ratio (0, 0.15, 0.3) and seed
// (7, 8, 9), with dropout 0.2 and batch 12; compat switches on every
// compat setting of the authors' code.
func StackConfigs(t testing.TB, optimizer, network string, compat bool) []train.TrainConfig {
	t.Helper()
	var cfgs []train.TrainConfig
	for k, p := range []float64{0, 0.15, 0.3} {
		cfg, err := train.Profile(train.ProfileSmoke)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Optimizer, cfg.PMiss, cfg.Seed, cfg.Model.Dropout, cfg.Network = optimizer, p, uint64(7+k), 0.2, network
		cfg.BatchSize = 12
		if compat { // every switch of the authors' code (batch attention and BatchNorm across the batch)
			cfg.StepParams.GCS.Compat, cfg.StepParams.GCS.CompatSeed = true, 7
			cfg.CompatInvertedEvents, cfg.CompatDecayAll = true, true
			cfg.Model.CompatBatchAttention, cfg.Model.CompatPlainFusion, cfg.Model.CompatBatchNorm = true, true, true
		}
		cfgs = append(cfgs, cfg)
	}
	return cfgs
}

// StackCohort is the cohort (synthetic ucec, seed 3) and backend of the
// stack tests.
func StackCohort(t testing.TB) (*data.Cohort, backends.Backend) {
	t.Helper()
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return c, b
}
