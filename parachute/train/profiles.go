// SPDX-License-Identifier: Apache-2.0

package train

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
	// ProfileSmoke is the quick profile cut to 2 epochs of an 8-wide network:
	// for tests that execute the notebooks, not for results.
	ProfileSmoke = "smoke"
	// ProfileQuick is a small network (d = 32), batch 32 and 20 epochs for
	// CPUs, tests and tutorials: one fold of the synthetic pda cohort trains
	// in about 4 seconds on 2 cores with package blasdot, 15 without.
	ProfileQuick = "quick"
)

// Profiles lists the profiles, the everyday one first.
var Profiles = []string{ProfileQuick, ProfilePaper, ProfileAuthors, ProfileSmoke}

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
	// Optimizer names the training step, a name of package optim's registry
	// (adamw, gcs, sam, crsam or gradvac; each followed by AdamW);
	// StepParams holds every step's hyperparameters (under the JSON name
	// "methods", which configuration hashes keep).
	Optimizer  string           `json:"optimizer"`
	StepParams optim.StepParams `json:"methods"`
	// Linear holds a linear baseline's settings (nil for PARACHUTE); see
	// [WithMethodDefaults].
	Linear *LinearParams `json:"linear,omitempty"`
	// Network names a deep baseline (package baselines/deep) trained in
	// place of the PARACHUTE network ("" for PARACHUTE).
	Network string `json:"network,omitempty"`
	// Modality, "pathology" or "radiology", trains and evaluates the
	// network on that modality alone (the other is always hidden, and the
	// runtime masking is off): unimodal PARACHUTE. "" for both.
	Modality string `json:"modality,omitempty"`
}

// Step returns the configured training step, from package optim's
// registry ([optim.Lookup]) with the configuration's hyperparameters.
func (c TrainConfig) Step() (optim.Step, error) {
	o, err := optim.Lookup(c.Optimizer)
	if err != nil {
		return nil, err
	}
	return o.New(c.StepParams), nil
}

// Profile returns the training configuration of a profile.
func Profile(name string) (TrainConfig, error) {
	cfg, err := profile(name)
	cfg.Optimizer, cfg.StepParams = optim.DefaultOptimizer, optim.DefaultStepParams()
	return cfg, err
}

func profile(name string) (TrainConfig, error) {
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
	case ProfileSmoke:
		c, _ := profile(ProfileQuick)
		c.Profile, c.Epochs = name, 2
		c.Model.Dim, c.Model.Inter, c.Model.FFN, c.Model.Hazard, c.Model.TopK = 8, 8, 8, 8, 2
		c.Schedule.TMax = 2
		return c, nil
	}
	return TrainConfig{}, fmt.Errorf("train: unknown profile %q (want quick, paper, authors or smoke)", name)
}

// Validate checks the configuration.
func (c TrainConfig) Validate() error {
	if err := c.Model.Validate(); err != nil {
		return err
	}
	if err := c.Schedule.Validate(); err != nil {
		return err
	}
	if _, err := c.Step(); err != nil {
		return err
	}
	if c.Modality != "" && c.Modality != "pathology" && c.Modality != "radiology" {
		return fmt.Errorf("train: modality %q (want pathology, radiology or empty)", c.Modality)
	}
	if c.Epochs < 1 || c.BatchSize < 2 || c.WeightDecay < 0 || c.PMiss < 0 || c.PMiss >= 1 {
		return fmt.Errorf("train: epochs %d, batch %d, weight decay %v, p_miss %v: need epochs ≥ 1, batch ≥ 2, decay ≥ 0, 0 ≤ p_miss < 1",
			c.Epochs, c.BatchSize, c.WeightDecay, c.PMiss)
	}
	return nil
}
