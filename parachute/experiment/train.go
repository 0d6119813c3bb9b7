// SPDX-License-Identifier: Apache-2.0

package experiment

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
	TrainC  scoring.Number `json:"train_c"`
	Seconds float64        `json:"seconds"`
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
		return nil, fmt.Errorf("experiment: fold %d of a cohort with %d folds", fold, len(c.Folds))
	}
	b := opts.Backend
	if b == nil {
		var err error
		if b, err = backend.New(); err != nil {
			return nil, err
		}
	}
	t, err := NewTrainer(b, c, cfg)
	if err != nil {
		return nil, err
	}
	start, history := 0, []Epoch(nil)
	if opts.Checkpoint != "" {
		start, history, err = t.LoadCheckpoint(opts.Checkpoint)
		switch {
		case errors.Is(err, errCorruptCheckpoint):
			// Never resume from a damaged file: start over with a fresh
			// trainer (the failed load may have set some variables).
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "%v: training from the start\n", err)
			}
			if t, err = NewTrainer(b, c, cfg); err != nil {
				return nil, err
			}
			start, history = 0, nil
		case err != nil && !errors.Is(err, errNoCheckpoint):
			return nil, err
		}
	}
	train := make([]*data.Patient, len(c.Folds[fold].Train))
	for k, i := range c.Folds[fold].Train {
		train[k] = &c.Patients[i]
	}
	progress := newProgress(opts.Progress, cfg.Epochs)
	last := cfg.Epochs
	if opts.StopAfter > 0 && opts.StopAfter < last {
		last = opts.StopAfter
	}
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
		if opts.Checkpoint != "" && (epoch+1 == last || (opts.CheckpointEvery > 0 && (epoch+1)%opts.CheckpointEvery == 0)) {
			if err := t.SaveCheckpoint(opts.Checkpoint, epoch+1, history); err != nil {
				return nil, err
			}
		}
	}
	progress.done()
	return &TrainResult{Trainer: t, History: history, Done: last == cfg.Epochs}, nil
}

// epoch runs one epoch of training.
func (t *Trainer) epoch(train []*data.Patient, epoch int, observe func([]string)) (Epoch, error) {
	began := time.Now()
	lr := t.Config.Schedule.At(epoch)
	order := t.rng.Perm(len(train))
	rec := Epoch{Epoch: epoch, LearningRate: lr}
	o := survival.Outcomes{}
	var risks []float64
	var diag diagnostics
	steps := 0
	for s := 0; s < len(order); s += t.Config.BatchSize {
		idx := order[s:min(s+t.Config.BatchSize, len(order))]
		batch := make([]*data.Patient, len(idx))
		for k, i := range idx {
			batch[k] = train[i]
		}
		if observe != nil {
			ids := make([]string, len(batch))
			for k, p := range batch {
				ids[k] = p.ID
			}
			observe(ids)
		}
		res, err := t.Step(batch, lr)
		if err != nil {
			return rec, fmt.Errorf("step %d of %d: %w", steps+1, (len(order)+t.Config.BatchSize-1)/t.Config.BatchSize, err)
		}
		rec.Loss += res.Loss
		steps++
		for k, p := range batch {
			o.Time = append(o.Time, p.Time)
			o.Event = append(o.Event, p.Event)
			risks = append(risks, res.Risk[k])
			diag.add(res, k)
		}
	}
	rec.Loss /= float64(steps)
	rec.TrainC = scoring.Number(math.NaN())
	if c, err := survival.ConcordanceIndex(o, risks); err == nil {
		rec.TrainC = scoring.Number(c.Index)
	}
	rec.Seconds = time.Since(began).Seconds()
	nan := scoring.Number(math.NaN())
	rec.CurvatureFull, rec.CurvatureMissing, rec.GradNormFull, rec.GradNormMissing, rec.Gate = nan, nan, nan, nan, nan
	if t.Config.Optimizer == "gcs" {
		rec.CurvatureFull, rec.CurvatureMissing = diag.curv[0].mean(), diag.curv[1].mean()
		rec.GradNormFull, rec.GradNormMissing = diag.norm[0].mean(), diag.norm[1].mean()
		rec.Gate = diag.gate.mean()
	}
	return rec, nil
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
