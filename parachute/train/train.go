// SPDX-License-Identifier: Apache-2.0

package train

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/scoring"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Epoch is one row of a run's history.
type Epoch struct {
	Epoch        int     `json:"epoch"`
	LearningRate float64 `json:"learning_rate"`
	// Loss is the mean training loss of the epoch's steps.
	Loss float64 `json:"loss"`
	// TrainC is Harrell's C of the training patients' risks as the training
	// steps computed them (dropout and masking active), NaN when undefined.
	TrainC scoring.Number `json:"train_c"`
	// Seconds is the epoch's wall time (a stacked run's: its stack's epoch).
	Seconds float64 `json:"seconds"`
	// GCS diagnostics (null for the other steps): mean curvature and
	// gradient norm of the full-modality and missing-modality samples, and
	// the mean gate, over the epoch's training samples.
	CurvatureFull    scoring.Number `json:"curvature_full"`
	CurvatureMissing scoring.Number `json:"curvature_missing"`
	GradNormFull     scoring.Number `json:"grad_norm_full"`
	GradNormMissing  scoring.Number `json:"grad_norm_missing"`
	Gate             scoring.Number `json:"gate"`
}

// TrainOptions are the run-time settings of [Train] (they do not change the
// result).
type TrainOptions struct {
	// Backend is the GoMLX backend; nil means backend.New().
	Backend backends.Backend
	// Progress receives one line per epoch (a live line on a terminal);
	// nil is silent.
	Progress io.Writer
	// Notes receives the one-off messages about a run (resumed from its
	// checkpoint, a damaged result retrained, waiting for another
	// process's lock); nil sends them to Progress.
	Notes io.Writer
	// Checkpoint, when set, is written every CheckpointEvery epochs (0:
	// only at the end) and read back on start when it exists, so that a
	// killed run resumes where it stopped with the same final result.
	Checkpoint      string
	CheckpointEvery int
	// StopAfter stops after that many epochs in total (0: all), leaving the
	// checkpoint to resume from.
	StopAfter int
	// OnEpoch, when set, is called after every epoch (sweep progress).
	OnEpoch func(Epoch)
	// Observe, when set, receives the IDs of the patients of every training
	// step (tests use it to prove that test patients never train).
	Observe func(ids []string)
	// Clock, when set, times the run's phases (package bench's breakdown).
	Clock *Clock
}

// lastEpoch is the epoch (0-based, exclusive) training of epochs epochs
// stops at: epochs, or StopAfter when that is sooner.
func (o TrainOptions) lastEpoch(epochs int) int {
	if o.StopAfter > 0 && o.StopAfter < epochs {
		return o.StopAfter
	}
	return epochs
}

// checkpointDue reports whether a checkpoint is written after epoch (0-based)
// of training that stops at last: after the last epoch and every
// CheckpointEvery epochs.
func (o TrainOptions) checkpointDue(epoch, last int) bool {
	return epoch+1 == last || (o.CheckpointEvery > 0 && (epoch+1)%o.CheckpointEvery == 0)
}

// TrainResult is a trained model and its history.
type TrainResult struct {
	Trainer *Trainer
	History []Epoch
	// Done is false when StopAfter stopped the run early.
	Done bool
}

// Train trains a model on the training part of fold `fold` of the cohort
// for cfg.Epochs epochs (fixed: model selection never looks at test data).
// Each epoch shuffles the training patients, runs steps of cfg.BatchSize
// (the last batch is padded) with runtime masking at cfg.PMiss, and uses the
// learning rate of cfg.Schedule for the epoch.
func Train(c *data.Cohort, fold int, cfg TrainConfig, opts TrainOptions) (*TrainResult, error) {
	if fold < 0 || fold >= len(c.Folds) {
		return nil, fmt.Errorf("train: fold %d of a cohort with %d folds", fold, len(c.Folds))
	}
	b := opts.Backend
	if b == nil {
		var err error
		if b, err = backend.New(); err != nil {
			return nil, err
		}
	}
	t, start, history, err := Resume(b, c, cfg, opts.Checkpoint, opts.NotesWriter())
	if err != nil {
		return nil, err
	}
	t.SetClock(opts.Clock)
	train := PatientsOf(c, c.Folds[fold].Train)
	progress := newProgress(opts.Progress, cfg.Epochs)
	last := opts.lastEpoch(cfg.Epochs)
	for epoch := start; epoch < last; epoch++ {
		rec, err := t.epoch(train, epoch, opts.Observe)
		if err != nil {
			return nil, fmt.Errorf("epoch %d: %w", epoch, err)
		}
		history = append(history, rec)
		progress.epoch(rec)
		if opts.OnEpoch != nil {
			opts.OnEpoch(rec)
		}
		if opts.Checkpoint != "" && opts.checkpointDue(epoch, last) {
			if err := t.SaveCheckpoint(opts.Checkpoint, epoch+1, history); err != nil {
				return nil, err
			}
		}
	}
	progress.done()
	return &TrainResult{Trainer: t, History: history, Done: last == cfg.Epochs}, nil
}

// NotesWriter is where a run's one-off messages go: Notes, or Progress
// when Notes is nil.
func (o TrainOptions) NotesWriter() io.Writer {
	if o.Notes != nil {
		return o.Notes
	}
	return o.Progress
}

// Resume sets up a trainer for cfg, from the checkpoint when one
// exists ("" for none): it returns the epochs done and the history. A
// damaged checkpoint is never resumed from: the run starts over with a fresh
// trainer (the failed load may have set some variables), said on progress.
func Resume(b backends.Backend, c *data.Cohort, cfg TrainConfig, checkpoint string, progress io.Writer) (*Trainer, int, []Epoch, error) {
	t, err := NewTrainer(b, c, cfg)
	if err != nil || checkpoint == "" {
		return t, 0, nil, err
	}
	start, history, err := t.LoadCheckpoint(checkpoint)
	switch {
	case errors.Is(err, errCorruptCheckpoint):
		if progress != nil {
			fmt.Fprintf(progress, "%v: training from the start\n", err)
		}
		t, err = NewTrainer(b, c, cfg)
		return t, 0, nil, err
	case err != nil && !errors.Is(err, errNoCheckpoint):
		return nil, 0, nil, err
	}
	if start > 0 && progress != nil {
		fmt.Fprintf(progress, "resumed from %s: %d of %d epochs already trained\n", checkpoint, start, cfg.Epochs)
	}
	return t, start, history, nil
}

// epoch runs one epoch of training.
func (t *Trainer) epoch(train []*data.Patient, epoch int, observe func([]string)) (Epoch, error) {
	e := t.beginEpoch(train, epoch, observe)
	for batch := e.next(); batch != nil; batch = e.next() {
		res, err := t.Step(batch, e.rec.LearningRate)
		if err := e.add(batch, res, err); err != nil {
			return e.rec, err
		}
	}
	defer t.clock.Start(PhaseEpochEnd)()
	return e.end(), nil
}

// epochRun is an epoch of a run in progress: its learning rate, the order
// of its training patients and what its steps returned so far. A trainer
// alone (Trainer.epoch) and a stack (TrainerStack) step through it alike.
type epochRun struct {
	t       *Trainer
	train   []*data.Patient
	order   []int
	observe func([]string)
	began   time.Time
	rec     Epoch
	at      int // next position in order
	steps   int
	o       survival.Outcomes
	risks   []float64
	diag    diagnostics
}

// beginEpoch draws the epoch's order of the training patients from the
// host generator.
func (t *Trainer) beginEpoch(train []*data.Patient, epoch int, observe func([]string)) *epochRun {
	e := &epochRun{t: t, train: train, observe: observe, began: time.Now(),
		rec: Epoch{Epoch: epoch, LearningRate: t.Config.Schedule.At(epoch)}}
	e.order = t.rng.Perm(len(train))
	return e
}

// StepsPerEpoch is the number of training steps of an epoch over n patients.
func StepsPerEpoch(n, batchSize int) int { return (n + batchSize - 1) / batchSize }

// next returns the patients of the epoch's next step (nil after the last).
func (e *epochRun) next() []*data.Patient {
	if e.at >= len(e.order) {
		return nil
	}
	idx := e.order[e.at:min(e.at+e.t.Config.BatchSize, len(e.order))]
	e.at += len(idx)
	batch := make([]*data.Patient, len(idx))
	for k, i := range idx {
		batch[k] = e.train[i]
	}
	if e.observe != nil {
		ids := make([]string, len(batch))
		for k, p := range batch {
			ids[k] = p.ID
		}
		e.observe(ids)
	}
	return batch
}

// add records a step's result (err: the step's error, returned with the
// step's position).
func (e *epochRun) add(batch []*data.Patient, res StepResult, err error) error {
	if err != nil {
		return fmt.Errorf("step %d of %d: %w", e.steps+1, StepsPerEpoch(len(e.order), e.t.Config.BatchSize), err)
	}
	e.rec.Loss += res.Loss
	e.steps++
	for k, p := range batch {
		e.o.Time = append(e.o.Time, p.Time)
		e.o.Event = append(e.o.Event, p.Event)
		e.risks = append(e.risks, res.Risk[k])
		e.diag.add(res, k)
	}
	return nil
}

// end returns the epoch's record: mean loss, training C and the GCS
// diagnostics.
func (e *epochRun) end() Epoch {
	rec := e.rec
	rec.Loss /= float64(e.steps)
	rec.TrainC = scoring.Number(math.NaN())
	if c, err := survival.ConcordanceIndex(e.o, e.risks); err == nil {
		rec.TrainC = scoring.Number(c.Index)
	}
	rec.Seconds = time.Since(e.began).Seconds()
	nan := scoring.Number(math.NaN())
	rec.CurvatureFull, rec.CurvatureMissing, rec.GradNormFull, rec.GradNormMissing, rec.Gate = nan, nan, nan, nan, nan
	if e.t.optimizer.Diagnostics {
		d := e.diag
		rec.CurvatureFull, rec.CurvatureMissing = d.curv[0].mean(), d.curv[1].mean()
		rec.GradNormFull, rec.GradNormMissing = d.norm[0].mean(), d.norm[1].mean()
		rec.Gate = d.gate.mean()
	}
	return rec
}

// diagnostics accumulates GCS's per-sample values over an epoch, split by
// full (0) and missing (1) modality.
type diagnostics struct {
	curv, norm [2]meanOf
	gate       meanOf
}

func (d *diagnostics) add(res StepResult, k int) {
	m := 0
	if res.Missing[k] {
		m = 1
	}
	d.curv[m].add(res.Curvature[k])
	d.norm[m].add(res.GradNorm[k])
	d.gate.add(res.Gate[k])
}

type meanOf struct {
	sum float64
	n   int
}

func (m *meanOf) add(x float64) { m.sum += x; m.n++ }

func (m meanOf) mean() scoring.Number {
	if m.n == 0 {
		return scoring.Number(math.NaN())
	}
	return scoring.Number(m.sum / float64(m.n))
}

// progress prints one line per epoch; on a terminal it rewrites one line.
type progress struct {
	w        io.Writer
	terminal bool
	total    int
	began    time.Time
	done_    int
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, began: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) epoch(e Epoch) {
	if p.w == nil {
		return
	}
	p.done_++
	elapsed := time.Since(p.began)
	left := time.Duration(float64(elapsed) / float64(p.done_) * float64(p.total-e.Epoch-1))
	line := fmt.Sprintf("epoch %d/%d  lr %.2e  loss %.4f  train C %.3f  elapsed %s  left ~%s",
		e.Epoch+1, p.total, e.LearningRate, e.Loss, e.TrainC, elapsed.Round(time.Second), left.Round(time.Second))
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p.w != nil && p.terminal && p.done_ > 0 {
		fmt.Fprintln(p.w)
	}
}
