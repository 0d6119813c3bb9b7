// SPDX-License-Identifier: Apache-2.0

package train

import "time"

// Phase names a part of a run's time that a [Clock] accumulates.
type Phase string

// The phases of a trainer's steps and predictions, then of a run (the
// latter filled by package experiment).
const (
	// PhaseBatch is a training step's host work before its graph: the
	// runtime masks, the slide and series sampling and the batch's tensors.
	PhaseBatch Phase = "batch assembly"
	// PhaseTrainGraph is a training step's graph execution after the
	// trainer's first; PhaseFirstTrainGraph the first, which also builds
	// and compiles the graph.
	PhaseTrainGraph      Phase = "training graph"
	PhaseFirstTrainGraph Phase = "first training graph (build, compile, run)"
	// PhaseHostUpdate is the step's host work after its graph: the checks
	// of the loss and gradients, and AdamW when it runs on the host.
	PhaseHostUpdate Phase = "host update"
	// PhaseStepResults is reading a step's risks and diagnostics.
	PhaseStepResults Phase = "step results"
	// PhaseEpochEnd is an epoch's bookkeeping: training C, diagnostics.
	PhaseEpochEnd Phase = "epoch end"
	// PhasePredictBatch, PhasePredictGraph and PhaseFirstPredictGraph are
	// the same for a prediction (evaluation mode) batch.
	PhasePredictBatch      Phase = "prediction batch assembly"
	PhasePredictGraph      Phase = "prediction graph"
	PhaseFirstPredictGraph Phase = "first prediction graph (build, compile, run)"

	// A run (package experiment): opening its cohort (a cache hit after
	// the first), setting up the trainer, training, evaluation and
	// writing its result.
	PhaseCohort   Phase = "cohort"
	PhaseTraining Phase = "training"
	PhaseEvaluate Phase = "evaluation"
	PhaseWrite    Phase = "writing the result"
)

// Clock accumulates the wall time and the number of entries of each
// [Phase] (package bench's breakdown). Reading the clock costs two
// time.Now calls per phase entry; a nil *Clock records nothing. It is not
// safe for concurrent use: give each worker its own.
type Clock struct {
	Spent map[Phase]time.Duration
	Count map[Phase]int
	// OnPhase, when set, is called as a phase starts and, with "", as it
	// ends (package bench attributes the graph operations it times to the
	// phase they run in).
	OnPhase func(Phase)
}

// NewClock returns an empty clock.
func NewClock() *Clock {
	return &Clock{Spent: map[Phase]time.Duration{}, Count: map[Phase]int{}}
}

// Start starts phase p and returns the function that ends it.
func (c *Clock) Start(p Phase) (end func()) {
	if c == nil {
		return func() {}
	}
	if c.OnPhase != nil {
		c.OnPhase(p)
	}
	began := time.Now()
	return func() {
		c.Spent[p] += time.Since(began)
		c.Count[p]++
		if c.OnPhase != nil {
			c.OnPhase("")
		}
	}
}

// Mean is the mean duration of an entry of phase p (0 when none).
func (c *Clock) Mean(p Phase) time.Duration {
	if c == nil || c.Count[p] == 0 {
		return 0
	}
	return c.Spent[p] / time.Duration(c.Count[p])
}
