// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
)

// StackResult is what RunStackOrLoad returns for one run of a stack.
type StackResult struct {
	Result *RunResult
	// Cached says the result was read from the cache, not trained.
	Cached bool
	Err    error
}

// RunStackOrLoad is RunOrLoad for runs that train together in one graph
// (TrainerStack): each run's result is read from root when it finished
// before, and the others train as one stack (runs resumed from checkpoints
// of different epochs as one stack per epoch), are evaluated with their
// predictions batched across the stack, and are written, each to the file
// and under the cache key it has when trained alone, with the same
// numbers. The runs must share the cohort and stackKey, and take the same
// number of steps per epoch (RunAll groups them so). onEpoch, when set,
// receives each run's epochs. A run's fault (a non-finite loss) is its own
// error; the others finish.
func RunStackOrLoad(root string, cfgs []RunConfig, opts RunOptions, onEpoch func(k int, e Epoch)) []StackResult {
	out := make([]StackResult, len(cfgs))
	var todo []int
	for k, cfg := range cfgs {
		if err := cfg.Validate(); err != nil {
			out[k].Err = err
			continue
		}
		r, ok, err := LoadResult(root, cfg)
		switch {
		case errors.Is(err, ErrCorruptResult):
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "%v: retraining\n", err)
			}
		case err != nil:
			out[k].Err = err
			continue
		case ok:
			out[k] = StackResult{Result: r, Cached: true}
			continue
		}
		if IsLinear(cfg.Method) {
			out[k].Err = fmt.Errorf("experiment: %s is a linear baseline, not stacked", cfg.Method)
			continue
		}
		lock, r, err := lockRun(root, cfg, opts.Progress)
		switch {
		case err != nil:
			out[k].Err = err
		case r != nil:
			out[k] = StackResult{Result: r, Cached: true}
		default:
			defer lock.release()
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return out
	}
	fail := func(err error, ks []int) {
		for _, k := range ks {
			out[k].Err = err
		}
	}
	if opts.Cohorts == nil {
		opts.Cohorts = &CohortCache{}
	}
	c, err := opts.Cohorts.Open(cfgs[todo[0]].Cohort)
	if err != nil {
		fail(err, todo)
		return out
	}
	b := opts.Backend
	if b == nil {
		if b, err = backend.New(); err != nil {
			fail(err, todo)
			return out
		}
	}
	// Each run resumes from its own checkpoint; runs at the same epoch
	// stack together.
	runs := map[int][]*stackedRun{}
	for _, k := range todo {
		cfg := cfgs[k]
		if cfg.Cohort != cfgs[todo[0]].Cohort || cfg.Fold >= len(c.Folds) {
			out[k].Err = fmt.Errorf("experiment: run %s (fold %d of %s) does not belong to a stack on %s with %d folds",
				cfg.Hash(), cfg.Fold, cfg.Cohort.Source, cfgs[todo[0]].Cohort.Source, len(c.Folds))
			continue
		}
		r, err := resumeRun(b, c, root, k, cfg, opts)
		if err != nil {
			out[k].Err = err
			continue
		}
		runs[r.start] = append(runs[r.start], r)
	}
	for _, start := range slices.Sorted(maps.Keys(runs)) {
		trainStacked(b, c, root, runs[start], opts, onEpoch, out)
	}
	return out
}

// stackedRun is one run of a stack: its configuration, trainer, training
// patients, checkpoint and history.
type stackedRun struct {
	k          int // index in RunStackOrLoad's cfgs
	cfg        RunConfig
	trainer    *Trainer
	train      []*data.Patient
	checkpoint string
	start      int
	history    []Epoch
	began      time.Time
}

// resumeRun sets up run k alone, from its checkpoint when one exists (a
// damaged one is ignored: the run starts over, as in Train).
func resumeRun(b backends.Backend, c *data.Cohort, root string, k int, cfg RunConfig, opts RunOptions) (*stackedRun, error) {
	r := &stackedRun{k: k, cfg: cfg, checkpoint: checkpointPath(root, cfg), began: time.Now(),
		train: patientsOf(c, c.Folds[cfg.Fold].Train)}
	var err error
	r.trainer, r.start, r.history, err = resumeTrainer(b, c, cfg.Train, r.checkpoint, opts.Progress)
	return r, err
}

// trainStacked trains runs (all at the same epoch) as one stack, then
// evaluates and writes each; results and errors go to out.
func trainStacked(b backends.Backend, c *data.Cohort, root string, runs []*stackedRun, opts RunOptions, onEpoch func(k int, e Epoch), out []StackResult) {
	trainers := make([]*Trainer, len(runs))
	for i, r := range runs {
		trainers[i] = r.trainer
	}
	s, err := stackOf(b, trainers, opts.StackLayout)
	if err != nil {
		for _, r := range runs {
			out[r.k].Err = err
		}
		return
	}
	errs := make([]error, len(runs))
	cfg := runs[0].cfg.Train
	to := opts.cachedRunTraining()
	last := to.lastEpoch(cfg.Epochs)
	for epoch := runs[0].start; epoch < last; epoch++ {
		if err := stackEpoch(s, runs, epoch, opts, errs); err != nil {
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
			rec := r.history[len(r.history)-1]
			if onEpoch != nil {
				onEpoch(r.k, rec)
			}
			if to.checkpointDue(epoch, last) {
				if err := s.Export(i); err != nil {
					errs[i] = err
				} else if err := r.trainer.SaveCheckpoint(r.checkpoint, epoch+1, r.history); err != nil {
					errs[i] = err
				}
			}
		}
	}
	// Evaluate the runs that finished, their predictions batched.
	var live []int
	for i, r := range runs {
		switch {
		case errs[i] != nil:
			out[r.k].Err = errs[i]
		case last < cfg.Epochs:
			out[r.k].Err = fmt.Errorf("experiment: run %s stopped early", r.cfg.Hash())
		default:
			if err := s.Export(i); err != nil {
				out[r.k].Err = err
				continue
			}
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return
	}
	predictors, done := s.Predictors()
	for i := range runs {
		if !slices.Contains(live, i) {
			done(i)
		}
	}
	var wg sync.WaitGroup
	for _, i := range live {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := runs[i]
			res, err := evaluateAndWrite(root, r, predictors[i], c, func() { done(i) })
			out[r.k] = StackResult{Result: res, Err: err}
		}()
	}
	wg.Wait()
}

// stackEpoch runs one epoch of every run of the stack, appending each live
// run's record to its history; a run's fault goes to errs[i], a fault of the
// stack is returned.
func stackEpoch(s *TrainerStack, runs []*stackedRun, epoch int, opts RunOptions, errs []error) error {
	epochs := make([]*epochRun, len(runs))
	for i, r := range runs {
		epochs[i] = r.trainer.beginEpoch(r.train, epoch, opts.Observe)
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
			return fmt.Errorf("experiment: the runs of a stack take different numbers of steps per epoch")
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
			r.history = append(r.history, epochs[i].end())
		}
	}
	return nil
}

// evaluateAndWrite evaluates a trained run through predictor (done is
// called when its predictions end) and writes its result as RunOrLoad does.
func evaluateAndWrite(root string, r *stackedRun, predictor Predictor, c *data.Cohort, done func()) (*RunResult, error) {
	ev, err := Evaluate(predictor, r.cfg.Train.PMiss, c, r.cfg.Fold, r.cfg.Eval)
	done()
	if err != nil {
		return nil, err
	}
	res := &RunResult{Config: r.cfg, Hash: r.cfg.Hash(), Params: r.trainer.ParameterCount(), History: r.history}
	if err := finishResult(root, c, res, ev, r.began, r.checkpoint); err != nil {
		return nil, err
	}
	return res, nil
}
