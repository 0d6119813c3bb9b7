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
	"github.com/parachute-surv/goparachute/parachute/train"
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
func RunStackOrLoad(root string, cfgs []RunConfig, opts RunOptions, onEpoch func(k int, e train.Epoch)) []StackResult {
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
			if notes := opts.NotesWriter(); notes != nil {
				fmt.Fprintf(notes, "%v: retraining\n", err)
			}
		case err != nil:
			out[k].Err = err
			continue
		case ok:
			clearStaleLock(root, cfg.Hash())
			out[k] = StackResult{Result: r, Cached: true}
			continue
		}
		if train.IsLinear(cfg.Method) {
			out[k].Err = fmt.Errorf("experiment: %s is a linear baseline, not stacked", cfg.Method)
			continue
		}
		lock, r, err := lockRun(root, cfg, opts.NotesWriter())
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
		runs[r.run.Start] = append(runs[r.run.Start], r)
	}
	for _, start := range slices.Sorted(maps.Keys(runs)) {
		trainStacked(b, c, root, runs[start], opts, onEpoch, out)
	}
	return out
}

// stackedRun is one run of a stack: its index in RunStackOrLoad's cfgs, its
// configuration, what training needs, and when it began.
type stackedRun struct {
	k     int
	cfg   RunConfig
	run   *train.StackRun
	began time.Time
}

// resumeRun sets up run k alone, from its checkpoint when one exists (a
// damaged one is ignored: the run starts over, as in train.Train).
func resumeRun(b backends.Backend, c *data.Cohort, root string, k int, cfg RunConfig, opts RunOptions) (*stackedRun, error) {
	r := &stackedRun{k: k, cfg: cfg, began: time.Now(), run: &train.StackRun{Checkpoint: checkpointPath(root, cfg),
		Train: train.PatientsOf(c, c.Folds[cfg.Fold].Train)}}
	var err error
	r.run.Trainer, r.run.Start, r.run.History, err = train.Resume(b, c, cfg.Train, r.run.Checkpoint, opts.NotesWriter())
	return r, err
}

// trainStacked trains runs (all at the same epoch) as one stack, then
// evaluates and writes each; results and errors go to out.
func trainStacked(b backends.Backend, c *data.Cohort, root string, runs []*stackedRun, opts RunOptions, onEpoch func(k int, e train.Epoch), out []StackResult) {
	stackRuns := make([]*train.StackRun, len(runs))
	for i, r := range runs {
		stackRuns[i] = r.run
	}
	var each func(i int, e train.Epoch)
	if onEpoch != nil {
		each = func(i int, e train.Epoch) { onEpoch(runs[i].k, e) }
	}
	s, errs, done := train.TrainStack(b, stackRuns, opts.StackLayout, opts.cachedRunTraining(), each)
	// Evaluate the runs that finished, their predictions batched.
	var live []int
	for i, r := range runs {
		switch {
		case errs[i] != nil:
			out[r.k].Err = errs[i]
		case !done:
			out[r.k].Err = fmt.Errorf("experiment: run %s stopped early", r.cfg.Hash())
		default:
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return
	}
	predictors, release := s.Predictors()
	for i := range runs {
		if !slices.Contains(live, i) {
			release(i)
		}
	}
	var wg sync.WaitGroup
	for _, i := range live {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := runs[i]
			res, err := evaluateAndWrite(root, r, predictors[i], c, func() { release(i) })
			out[r.k] = StackResult{Result: res, Err: err}
		}()
	}
	wg.Wait()
}

// evaluateAndWrite evaluates a trained run through predictor (done is
// called when its predictions end) and writes its result as RunOrLoad does.
func evaluateAndWrite(root string, r *stackedRun, predictor train.Predictor, c *data.Cohort, done func()) (*RunResult, error) {
	ev, err := train.Evaluate(predictor, r.cfg.Train.PMiss, c, r.cfg.Fold, r.cfg.Eval)
	done()
	if err != nil {
		return nil, err
	}
	res := &RunResult{Config: r.cfg, Hash: r.cfg.Hash(), Params: r.run.Trainer.ParameterCount(), History: r.run.History}
	if err := finishResult(root, c, res, ev, r.began, r.run.Checkpoint); err != nil {
		return nil, err
	}
	return res, nil
}
