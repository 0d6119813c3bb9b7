// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// RunAll runs (or loads) every run with `workers` jobs at a time, reporting
// progress, and returns the results in the order of runs. A job is one run,
// or several unfinished runs trained in one graph (a stack, see
// planStacks and RunStackOrLoad: the same results as one at a time). A
// killed sweep started again skips finished runs and resumes the
// interrupted ones from their checkpoints.
func RunAll(root string, runs []RunConfig, workers int, progress io.Writer, opts RunOptions) ([]*RunResult, error) {
	if workers < 1 {
		workers = 1
	}
	if opts.Cohorts == nil {
		opts.Cohorts = &CohortCache{}
	}
	results := make([]*RunResult, len(runs))
	p := newSweepProgress(progress, len(runs))
	jobs := make(chan []int)
	errs := make(chan error, len(runs))
	runErr := func(k int, err error) error {
		return fmt.Errorf("run %s (fold %d, p_miss %v): %w", runs[k].Hash(), runs[k].Fold, runs[k].Train.PMiss, err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				o := opts
				o.Progress = nil
				if progress != nil {
					o.Notes = p
				}
				if len(job) == 1 {
					k := job[0]
					o.OnEpoch = func(e train.Epoch) { p.epoch(w, runs[k], e) }
					r, cached, err := RunOrLoad(root, runs[k], o)
					if err != nil {
						errs <- runErr(k, err)
						continue
					}
					results[k] = r
					p.done(w, runs[k], r, cached)
					continue
				}
				cfgs := make([]RunConfig, len(job))
				for i, k := range job {
					cfgs[i] = runs[k]
				}
				onEpoch := func(i int, e train.Epoch) { p.epoch(w, runs[job[i]], e) }
				for i, res := range RunStackOrLoad(root, cfgs, o, onEpoch) {
					k := job[i]
					if res.Err != nil {
						errs <- runErr(k, res.Err)
						continue
					}
					results[k] = res.Result
					p.done(w, runs[k], res.Result, res.Cached)
				}
			}
		}()
	}
	plan, err := planStacks(root, runs, workers, opts)
	if err != nil {
		close(jobs)
		wg.Wait()
		return nil, err
	}
	for _, job := range plan {
		jobs <- job
	}
	close(jobs)
	wg.Wait()
	close(errs)
	p.finish()
	for err := range errs {
		return nil, err
	}
	return results, nil
}

// AutoStack is the most runs RunAll stacks in one graph when not told
// (RunOptions.Stack 0): one, on every backend, because stacking measured
// no faster on any. On the pure-Go backend a step is bound by its
// arithmetic (BLAS and element-wise kernels take over 90 % of it): the quick
// protocol of synth:pda took 47.1 s stacked as replicas and 43.1 s one run
// at a time on 2 cores (bench/results/stack-cpu-20261202), and 33.9 s on the
// run axis against 35.5 s (1.05×; 0.93× with two workers,
// bench/results/stack-cpu-axis-20261202), while a stack of 20 held 4–7× the
// memory of one run. On XLA, on an H200 (2026-12-04,
// bench/results/gpu-stack-20261204), a paper-profile epoch of synth:pda
// fold 0 took 0.127 s alone and 0.132 s per run in a stack of 5 on the run
// axis (0.97×: the step's time grows with K, so it is not bound by launch
// latency), and compiling took 96 s against 32 s; stacks of 20 and 60 did
// not compile and train 3 epochs within 100 s. --stack K stacks on any
// backend.
func AutoStack() int {
	return 1
}

// DefaultWorkers is how many jobs RunAll's callers train at a time when not
// told: one per CPU this process may use on the pure-Go backend, where the
// cores are the parallelism (runtime.NumCPU honours the CPU affinity a batch
// scheduler sets), and one on XLA backends, where one device trains (with
// --stack K, more workers would cut each group of runs into as many smaller
// stacks; whether several runs share a GPU well is not measured).
func DefaultWorkers() int {
	if backend.PureGo() {
		return runtime.NumCPU()
	}
	return 1
}

// planStacks cuts runs into jobs (indices into runs, in order): finished
// runs, linear baselines and, with opts.Stack 1, every run are jobs of their
// own; the other runs are grouped by cohort, method, stackKey and steps per
// epoch (what one graph needs them to share), and each group is cut into
// stacks of at most opts.Stack runs (AutoStack when 0) that fit in memory
// (stackSize), and into at least as many stacks as there are workers, so
// that every worker has one.
func planStacks(root string, runs []RunConfig, workers int, opts RunOptions) ([][]int, error) {
	limit := opts.Stack
	if limit <= 0 {
		limit = AutoStack()
	}
	budget := opts.StackMemory
	if budget == 0 {
		budget = train.StackMemoryBudget(backend.PureGo())
	}
	var jobs [][]int
	groups := map[string][]int{}
	var order []string
	for k, r := range runs {
		if limit == 1 || train.IsLinear(r.Method) {
			jobs = append(jobs, []int{k})
			continue
		}
		if _, err := os.Stat(ResultPath(root, r)); err == nil {
			// Finished (or damaged): RunOrLoad reads (or retrains) it; the
			// file is read once, there.
			jobs = append(jobs, []int{k})
			continue
		}
		c, err := opts.Cohorts.Open(r.Cohort)
		if err != nil {
			return nil, err
		}
		if r.Fold < 0 || r.Fold >= len(c.Folds) {
			jobs = append(jobs, []int{k}) // RunOrLoad reports it
			continue
		}
		spec, _ := json.Marshal(r.Cohort)
		key := fmt.Sprintf("%s|%s|%s|%d", spec, r.Method, train.StackKey(r.Train), train.StepsPerEpoch(len(c.Folds[r.Fold].Train), r.Train.BatchSize))
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], k)
	}
	for _, key := range order {
		g := groups[key]
		size, err := stackSize(runs[g[0]], len(g), limit, budget/int64(max(workers, 1)), opts)
		if err != nil {
			return nil, err
		}
		n := max((len(g)+size-1)/size, min(workers, len(g)))
		for i := range n {
			// Stack i takes runs [i·len/n, (i+1)·len/n): sizes differ by at most one.
			jobs = append(jobs, g[i*len(g)/n:(i+1)*len(g)/n])
		}
	}
	return jobs, nil
}

// stackSize is the most runs like run that one stack of a group of n takes:
// limit, or fewer when their RunMemoryBytes exceed budget (bytes for one
// worker's stack; ≤ 0: none). The estimate builds one run's graph, so it is
// made only when a stack of more than one could form.
func stackSize(run RunConfig, n, limit int, budget int64, opts RunOptions) (int, error) {
	if limit <= 1 || n <= 1 || budget <= 0 {
		return limit, nil
	}
	c, err := opts.Cohorts.Open(run.Cohort)
	if err != nil {
		return 0, err
	}
	b, err := backend.New()
	if err != nil {
		return 0, err
	}
	perRun, err := train.RunMemoryBytes(b, c, run.Train)
	if err != nil {
		return 0, err
	}
	return train.StackSizeFor(perRun, budget, limit), nil
}
