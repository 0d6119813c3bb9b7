// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
)

// StackRun is one run of a stack: its trainer (new, or resumed by
// [Resume]), its training patients, its checkpoint ("" for none), the epoch
// it starts at and its history so far, to which [TrainStack] appends.
type StackRun struct {
	Trainer    *Trainer
	Train      []*data.Patient
	Checkpoint string
	Start      int
	History    []Epoch
}

// TrainStack trains runs — all at the same start epoch, of one [StackKey]
// and taking the same number of steps per epoch — as one [TrainerStack] in
// the given layout, from runs[0].Start to opts' last epoch, each epoch as
// [Train] runs it, writing each run's checkpoint when [Train] would.
// onEpoch, when set, receives each run's epochs (i indexes runs).
//
// It returns the stack, each run's error (a run's fault, a non-finite loss,
// is its own and the others go on; a fault of the stack is every run's) and
// done, false when opts.StopAfter stopped training before the configured
// epochs. When done, every run without error has been exported from the
// stack to its trainer, and the stack's [TrainerStack.Predictors] score them.
func TrainStack(b backends.Backend, runs []*StackRun, layout StackLayout, opts TrainOptions, onEpoch func(i int, e Epoch)) (s *TrainerStack, errs []error, done bool) {
	errs = make([]error, len(runs))
	trainers := make([]*Trainer, len(runs))
	for i, r := range runs {
		trainers[i] = r.Trainer
	}
	s, err := StackOf(b, trainers, layout)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return nil, errs, false
	}
	epochs := runs[0].Trainer.Config.Epochs
	last := opts.lastEpoch(epochs)
	for epoch := runs[0].Start; epoch < last; epoch++ {
		if err := s.Epoch(runs, epoch, opts.Observe, errs); err != nil {
			for i := range errs {
				if errs[i] == nil {
					errs[i] = err
				}
			}
			break
		}
		for i, r := range runs {
			if errs[i] != nil {
				continue
			}
			if onEpoch != nil {
				onEpoch(i, r.History[len(r.History)-1])
			}
			if r.Checkpoint != "" && opts.checkpointDue(epoch, last) {
				if err := s.Export(i); err != nil {
					errs[i] = err
				} else if err := r.Trainer.SaveCheckpoint(r.Checkpoint, epoch+1, r.History); err != nil {
					errs[i] = err
				}
			}
		}
	}
	if last < epochs {
		return s, errs, false
	}
	for i := range runs {
		if errs[i] == nil {
			errs[i] = s.Export(i)
		}
	}
	return s, errs, true
}

// Epoch runs epoch (0-based) of every run of the stack — runs[i] is the
// stack's run i — with observe (nil: none) receiving each step's patients,
// and appends each live run's record to its History; a run's fault goes to
// errs[i] (runs with an error there are skipped), a fault of the stack is
// returned.
func (s *TrainerStack) Epoch(runs []*StackRun, epoch int, observe func([]string), errs []error) error {
	epochs := make([]*epochRun, len(runs))
	for i, r := range runs {
		epochs[i] = r.Trainer.beginEpoch(r.Train, epoch, observe)
	}
	batches, lrs := make([][]*data.Patient, len(runs)), make([]float64, len(runs))
	for {
		ended := 0
		for i, e := range epochs {
			batches[i], lrs[i] = e.next(), e.rec.LearningRate
			if batches[i] == nil {
				ended++
			}
		}
		if ended == len(runs) {
			break
		}
		if ended > 0 {
			return fmt.Errorf("train: the runs of a stack take different numbers of steps per epoch")
		}
		res, stepErrs, err := s.Step(batches, lrs)
		if err != nil {
			return fmt.Errorf("epoch %d: %w", epoch, err)
		}
		for i, e := range epochs {
			if errs[i] == nil {
				if err := e.add(batches[i], res[i], stepErrs[i]); err != nil {
					errs[i] = fmt.Errorf("epoch %d: %w", epoch, err)
				}
			}
		}
	}
	for i, r := range runs {
		if errs[i] == nil {
			r.History = append(r.History, epochs[i].end())
		}
	}
	return nil
}
