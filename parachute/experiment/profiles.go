// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"fmt"

	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/optim"
)

// Profile names.
const (
	// ProfilePaper is the supplement's setting: d = 256, AdamW 5e-3 with
	// weight decay 0.01, cosine annealing to 9e-5 with T_max = 15 epochs,
	// 800 epochs, batch 16. Meant for a GPU.
	ProfilePaper = "paper"
	// ProfileAuthors is the authors' released presets: as paper but
	// T_max = 80, η_min = 9e-4 and 400 epochs (their "trainfull" runs).
	ProfileAuthors = "authors"
	// ProfileQuick is a small network (d = 32), batch 32 and 20 epochs for
	// CPUs, tests and tutorials: one fold of the synthetic pda cohort trains
	// in about 15 seconds on 2 cores.
	ProfileQuick = "quick"
)

// TrainConfig is everything that determines a training run.
type TrainConfig struct {
	Profile   string       `json:"profile"`
	Model     model.Config `json:"model"`
	Epochs    int          `json:"epochs"`
	BatchSize int          `json:"batch_size"`
	// Schedule is the learning rate of the supplement's Eq. 11.
	Schedule    optim.Cosine `json:"schedule"`
	WeightDecay float64      `json:"weight_decay"`
	// PMiss is the probability with which each present modality of a
	// training patient with both modalities is masked at each step (never
	// both; real missingness is kept as is).
	PMiss float64 `json:"p_miss"`
	Seed  uint64  `json:"seed"`
	// CompatInvertedEvents and CompatDecayAll reproduce the authors' code
	// (censored patients as events in the loss; weight decay on every
	// parameter). Off by default.
	CompatInvertedEvents bool `json:"compat_inverted_events"`
	CompatDecayAll       bool `json:"compat_decay_all"`
}

// Profile returns the training configuration of a profile.
func Profile(name string) (TrainConfig, error) {
	switch name {
	case ProfilePaper:
		return TrainConfig{Profile: name, Model: model.PaperConfig(), Epochs: 800, BatchSize: 16,
			Schedule: optim.Cosine{Max: 5e-3, Min: 9e-5, TMax: 15}, WeightDecay: 0.01}, nil
	case ProfileAuthors:
		return TrainConfig{Profile: name, Model: model.PaperConfig(), Epochs: 400, BatchSize: 16,
			Schedule: optim.Cosine{Max: 5e-3, Min: 9e-4, TMax: 80}, WeightDecay: 0.01}, nil
	case ProfileQuick:
		// Batch 32 gives the Cox loss larger risk sets; among the settings
		// tried on the synthetic pda cohort (epochs 10–40, d 16–64, batch
		// 16–64, dropout 0–0.3, weight decay 0.01–1), 20 epochs of a 32-wide
		// model generalised best.
		return TrainConfig{Profile: name, Model: model.QuickConfig(), Epochs: 20, BatchSize: 32,
			Schedule: optim.Cosine{Max: 2e-3, Min: 1e-4, TMax: 20}, WeightDecay: 0.01}, nil
	}
	return TrainConfig{}, fmt.Errorf("experiment: unknown profile %q (want quick, paper or authors)", name)
}

// Validate checks the configuration.
func (c TrainConfig) Validate() error {
	if err := c.Model.Validate(); err != nil {
		return err
	}
	if err := c.Schedule.Validate(); err != nil {
		return err
	}
	if c.Epochs < 1 || c.BatchSize < 2 || c.WeightDecay < 0 || c.PMiss < 0 || c.PMiss >= 1 {
		return fmt.Errorf("experiment: epochs %d, batch %d, weight decay %v, p_miss %v: need epochs ≥ 1, batch ≥ 2, decay ≥ 0, 0 ≤ p_miss < 1",
			c.Epochs, c.BatchSize, c.WeightDecay, c.PMiss)
	}
	return nil
}
