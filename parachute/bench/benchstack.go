// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// BenchStackOptions configures [BenchStack].
type BenchStackOptions struct {
	// Cohort is the cohort the runs train on (default synth:pda, seed 1).
	Cohort data.CohortSpec
	// Profile and Optimizer set the runs' training (default paper, adamw).
	Profile, Optimizer string
	// Sizes are the stack sizes K timed (default 1, 5, 20, 60).
	Sizes []int
	// Epochs are the epochs trained per size (default 3: the first,
	// which compiles, is reported apart).
	Epochs int
	// Layout is the stacks' layout (default LayoutAuto).
	Layout train.StackLayout
}

// BenchStackSize is the timing of one stack size.
type BenchStackSize struct {
	K int `json:"k"`
	// FirstEpochSeconds includes building and compiling the graph;
	// EpochSeconds is the median of the later epochs of the whole stack, and
	// PerRunEpochSeconds that over K.
	FirstEpochSeconds  float64   `json:"first_epoch_seconds"`
	EpochSeconds       float64   `json:"epoch_seconds_median"`
	PerRunEpochSeconds float64   `json:"per_run_epoch_seconds"`
	Epochs             []float64 `json:"epochs_seconds"`
	// SpeedupOverOneAtATime is K × the K = 1 epoch time over this stack's.
	SpeedupOverOneAtATime float64 `json:"speedup_over_one_at_a_time,omitempty"`
	PeakRSSMB             float64 `json:"peak_rss_mb"`
}

// BenchStackResult is the JSON of `parachute bench --stack`.
type BenchStackResult struct {
	Backend   string `json:"backend"`
	Cohort    string `json:"cohort"`
	Profile   string `json:"profile"`
	Optimizer string `json:"optimizer"`
	Workload  string `json:"workload"`
	// Layout is the layout of the stacks of more than one run.
	Layout train.StackLayout `json:"layout"`
	// EstimatedRunMB is RunMemoryBytes of one run (what a stack budgets
	// per run), beside each size's measured peak host memory.
	EstimatedRunMB float64          `json:"estimated_run_mb"`
	Sizes          []BenchStackSize `json:"sizes"`
}

// BenchStack times training epochs of K runs stacked in one graph for each
// size K: the runs train fold 0 of the cohort at p_miss 0.15 with seeds 1…K
// (independent runs of one stack, as RunAll stacks them).
func BenchStack(b backends.Backend, o BenchStackOptions) (*BenchStackResult, error) {
	if o.Cohort.Source == "" {
		o.Cohort = data.CohortSpec{Source: "synth:pda", Seed: 1}
	}
	if o.Profile == "" {
		o.Profile = train.ProfilePaper
	}
	if o.Optimizer == "" {
		o.Optimizer = "adamw"
	}
	if len(o.Sizes) == 0 {
		o.Sizes = []int{1, 5, 20, 60}
	}
	if o.Epochs < 2 {
		o.Epochs = 3
	}
	c, err := data.Open(o.Cohort)
	if err != nil {
		return nil, err
	}
	cfg, err := train.Profile(o.Profile)
	if err != nil {
		return nil, err
	}
	cfg.Optimizer, cfg.PMiss = o.Optimizer, 0.15
	patients := train.PatientsOf(c, c.Folds[0].Train)
	perRun, err := train.RunMemoryBytes(b, c, cfg)
	if err != nil {
		return nil, err
	}
	res := &BenchStackResult{EstimatedRunMB: float64(perRun) / (1 << 20), Backend: b.Description(), Cohort: o.Cohort.Source, Profile: o.Profile, Optimizer: o.Optimizer,
		Workload: fmt.Sprintf("fold 0 (%d training patients, %d steps of %d per epoch), p_miss 0.15, seeds 1…K",
			len(patients), train.StepsPerEpoch(len(patients), cfg.BatchSize), cfg.BatchSize)}
	for _, k := range o.Sizes {
		runs := make([]*train.StackRun, k)
		trainers := make([]*train.Trainer, k)
		for i := range k {
			rc := cfg
			rc.Seed = uint64(i + 1)
			if trainers[i], err = train.NewTrainer(b, c, rc); err != nil {
				return nil, err
			}
			runs[i] = &train.StackRun{Trainer: trainers[i], Train: patients}
		}
		s, err := train.StackOf(b, trainers, o.Layout)
		if err != nil {
			return nil, err
		}
		if k > 1 {
			res.Layout = s.Layout()
		}
		size := BenchStackSize{K: k}
		errs := make([]error, k)
		for epoch := range o.Epochs {
			began := time.Now()
			if err := s.Epoch(runs, epoch, nil, errs); err != nil {
				return nil, err
			}
			for _, err := range errs {
				if err != nil {
					return nil, err
				}
			}
			size.Epochs = append(size.Epochs, time.Since(began).Seconds())
		}
		size.FirstEpochSeconds = size.Epochs[0]
		size.EpochSeconds = survival.Quantile(size.Epochs[1:], 0.5)
		size.PerRunEpochSeconds = size.EpochSeconds / float64(k)
		if len(res.Sizes) > 0 && res.Sizes[0].K == 1 {
			size.SpeedupOverOneAtATime = float64(k) * res.Sizes[0].EpochSeconds / size.EpochSeconds
		}
		size.PeakRSSMB = train.PeakRSSMB()
		res.Sizes = append(res.Sizes, size)
	}
	return res, nil
}
