// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Options are the settings shared by the figure pipelines: which
// cohorts, the profile, seeds, where finished runs are cached, and progress.
type Options struct {
	// Cohorts defaults to the three synthetic presets (seed 1).
	Cohorts []data.CohortSpec
	// Profile is quick (default), paper, authors or smoke.
	Profile string
	// Seed is the training and evaluation seed (default 1).
	Seed uint64
	// Root caches run results; "" means [experiment.DefaultCacheRoot].
	Root string
	// Workers trains that many jobs (runs or stacks) at a time (default
	// experiment.DefaultWorkers: one per CPU on the pure-Go backend, each
	// then running OpenBLAS on one thread; one on XLA).
	Workers int
	// Stack is the most runs trained in one graph and StackMemory the bytes
	// their stacks may hold (experiment.RunOptions; 0: automatic).
	Stack       int
	StackMemory int64
	Progress    io.Writer
	// Optimizer is the training step of the single-model figures (8, 9, 10
	// and the explorer; default gcs: PARACHUTE as the supplement trains
	// it).
	Optimizer string
	// PMiss is the training missing ratio of the models whose out-of-fold
	// predictions Figures 8 and 9 pool (default 0: trained with all
	// modalities; the supplement says "the best performing missing-modality
	// scenario" without naming it). Test patients keep all their modalities.
	PMiss float64
}

// SupplementOptimizer is the training step of the supplement's model,
// PARACHUTE with Gradient Curvature Steering.
const SupplementOptimizer = "gcs"

// WithDefaults returns the options with every unset field at its default:
// the three synthetic presets (seed 1), the quick profile, seed 1, the
// supplement's optimizer, [experiment.DefaultWorkers] and
// [experiment.DefaultCacheRoot]. Every builder calls it first.
func (o Options) WithDefaults() (Options, error) {
	if len(o.Cohorts) == 0 {
		for _, p := range data.Presets {
			o.Cohorts = append(o.Cohorts, data.CohortSpec{Source: "synth:" + p.Name, Seed: 1})
		}
	}
	if o.Profile == "" {
		o.Profile = train.ProfileQuick
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Optimizer == "" {
		o.Optimizer = SupplementOptimizer
	}
	if o.Workers == 0 {
		o.Workers = experiment.DefaultWorkers()
	}
	if o.Root == "" {
		root, err := experiment.DefaultCacheRoot()
		if err != nil {
			return o, err
		}
		o.Root = root
	}
	return o, nil
}

// ProfileOrEnv returns $PARACHUTE_PROFILE when it is set and def otherwise:
// the notebooks' profile switch, which CI sets to smoke.
func ProfileOrEnv(def string) string {
	if p := os.Getenv("PARACHUTE_PROFILE"); p != "" {
		return p
	}
	return def
}

// Describe says which data and profile the figures use, for the first lines
// of a notebook or a command's output.
func (o Options) Describe() (string, error) {
	o, err := o.WithDefaults()
	if err != nil {
		return "", err
	}
	return o.describe(o.Optimizer, fmt.Sprint(o.Seed))
}

// describe is Describe with the optimizers and seeds given as text.
func (o Options) describe(optimizers, seeds string) (string, error) {
	var sources []string
	synthetic := true
	for _, c := range o.Cohorts {
		sources = append(sources, c.Source)
		synthetic = synthetic && strings.HasPrefix(c.Source, "synth:")
	}
	kind := "real feature files"
	if synthetic {
		kind = "synthetic cohorts (not patient data)"
	}
	train, err := train.Profile(o.Profile)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("data: %s, %s; profile: %s (d = %d, %d epochs, batch %d, %s); seed %s; runs cached in %s",
		kind, strings.Join(sources, ", "), o.Profile, train.Model.Dim, train.Epochs, train.BatchSize, optimizers, seeds,
		experiment.ShortPath(o.Root)), nil
}

// seedList prints seeds as "1, 2, 3".
func seedList(seeds []uint64) string {
	var s []string
	for _, v := range seeds {
		s = append(s, fmt.Sprint(v))
	}
	return strings.Join(s, ", ")
}
