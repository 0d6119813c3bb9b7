// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Grid describes a sweep: every combination of its lists, every fold of each
// cohort (or the listed ones). Read from JSON:
//
//	{"cohorts": [{"source": "synth:pda", "seed": 1}], "methods": ["parachute"],
//	 "optimizers": ["adamw", "gcs"], "profiles": ["quick"],
//	 "pmiss": [0, 0.05, 0.15, 0.3], "seeds": [1], "folds": [], "repeats": 0}
//
// Empty lists take the defaults: method parachute, optimizer adamw, profile
// quick, the supplement's four p_miss, seed 1, all folds, the profile's
// repeats.
type Grid struct {
	Cohorts    []data.CohortSpec `json:"cohorts"`
	Methods    []string          `json:"methods"`
	Optimizers []string          `json:"optimizers"`
	Profiles   []string          `json:"profiles"`
	PMiss      []float64         `json:"pmiss"`
	Seeds      []uint64          `json:"seeds"`
	Folds      []int             `json:"folds"`
	Repeats    int               `json:"repeats"`
}

// ReadGrid reads a grid JSON file; unknown fields are errors.
func ReadGrid(path string) (Grid, error) {
	var g Grid
	f, err := os.Open(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("%s: %w", path, err)
	}
	if len(g.Cohorts) == 0 {
		return g, fmt.Errorf("%s: no cohorts", path)
	}
	return g, nil
}

// Runs expands the grid into run configurations, in a fixed order (cohort,
// method, optimizer, profile, seed, p_miss, fold) so that every machine of a
// sharded sweep sees the same list.
func (g Grid) Runs(cohorts *CohortCache) ([]RunConfig, error) {
	or := func(xs []string, def string) []string {
		if len(xs) == 0 {
			return []string{def}
		}
		return xs
	}
	pmiss := g.PMiss
	if len(pmiss) == 0 {
		pmiss = MissingRatios
	}
	seeds := g.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	var runs []RunConfig
	for _, spec := range g.Cohorts {
		c, err := cohorts.Open(spec)
		if err != nil {
			return nil, err
		}
		folds := g.Folds
		if len(folds) == 0 {
			for f := range c.Folds {
				folds = append(folds, f)
			}
		}
		for _, method := range or(g.Methods, train.MethodParachute) {
			for _, opt := range or(g.Optimizers, "adamw") {
				for _, prof := range or(g.Profiles, train.ProfileQuick) {
					for _, seed := range seeds {
						tc, err := train.Profile(prof)
						if err != nil {
							return nil, err
						}
						tc.Optimizer, tc.Seed = opt, seed
						if tc, err = train.WithMethodDefaults(method, tc); err != nil {
							return nil, err
						}
						eval := train.EvalProfile(prof)
						eval.Seed = seed
						if g.Repeats > 0 {
							eval.Repeats = g.Repeats
						}
						for _, p := range pmiss {
							for _, f := range folds {
								t := tc
								t.PMiss = p
								rc := RunConfig{Cohort: spec, Method: method, Fold: f, Train: t, Eval: eval}
								if err := rc.Validate(); err != nil {
									return nil, err
								}
								runs = append(runs, rc)
							}
						}
					}
				}
			}
		}
	}
	return runs, nil
}

// Shard returns the runs of shard i of n: those whose index in the full list
// is i modulo n. The n shards partition the list.
func Shard(runs []RunConfig, i, n int) ([]RunConfig, error) {
	if n < 1 || i < 0 || i >= n {
		return nil, fmt.Errorf("experiment: shard %d/%d (want 0 ≤ i < n)", i, n)
	}
	var out []RunConfig
	for k, r := range runs {
		if k%n == i {
			out = append(out, r)
		}
	}
	return out, nil
}

// ParseShard parses "i/n".
func ParseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 ≤ i < n, e.g. 3/10", s)
	}
	return i, n, nil
}

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

// ProgressEvent is a sweep's state after an epoch of one of its runs, or
// after a run finished (Finished set, Epoch the run's last).
type ProgressEvent struct {
	// RunsDone of RunsTotal have finished (RunsTrained of them trained, the
	// others read from the cache).
	RunsDone, RunsTotal, RunsTrained int
	// Run describes the run the event is about; Epoch (1-based) of Epochs
	// and its mean training loss.
	Run           string
	Epoch, Epochs int
	Loss          float64
	// TestC is a finished run's test Harrell C; Cached says it was read
	// from the cache.
	Finished bool
	TestC    float64
	Cached   bool
	// Elapsed since the sweep began, and Left its estimate (0 when unknown).
	Elapsed, Left time.Duration
}

// ProgressObserver receives a sweep's progress as events: a progress
// writer given to RunAll (and to the figure builders) that implements it
// gets every event instead of the text lines (a notebook's live panel).
type ProgressObserver interface {
	Observe(ProgressEvent)
}

// sweepProgress prints runs done of total, each worker's current run and
// epoch, elapsed and estimated time left: one live line on a terminal, log
// lines otherwise.
type sweepProgress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int
	finished int
	trained  int
	began    time.Time
	status   map[int]string
}

func newSweepProgress(w io.Writer, total int) *sweepProgress {
	p := &sweepProgress{w: w, total: total, began: time.Now(), status: map[int]string{}}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *sweepProgress) eta() string {
	if p.trained == 0 {
		return "?"
	}
	return p.left().Round(time.Second).String()
}

// left extrapolates the time left from the runs trained so far (cached runs
// take no time); 0 before the first.
func (p *sweepProgress) left() time.Duration {
	if p.trained == 0 {
		return 0
	}
	return time.Duration(float64(time.Since(p.began)) / float64(p.trained) * float64(p.total-p.finished))
}

// event sends an event to an observing writer; false when the writer does
// not observe.
func (p *sweepProgress) event(e ProgressEvent) bool {
	o, ok := p.w.(ProgressObserver)
	if !ok {
		return false
	}
	e.RunsDone, e.RunsTotal, e.RunsTrained = p.finished, p.total, p.trained
	e.Elapsed, e.Left = time.Since(p.began), p.left()
	o.Observe(e)
	return true
}

// describe names a run for progress: cohort, method, optimizer, fold, p_miss.
func describe(r RunConfig) string {
	return fmt.Sprintf("%s %s %s fold %d p_miss %.2f seed %d", r.Cohort.Source, r.Method, r.Train.Optimizer, r.Fold, r.Train.PMiss, r.Train.Seed)
}

func (p *sweepProgress) epoch(worker int, r RunConfig, e train.Epoch) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.event(ProgressEvent{Run: describe(r), Epoch: e.Epoch + 1, Epochs: r.Train.Epochs, Loss: e.Loss}) {
		return
	}
	p.status[worker] = fmt.Sprintf("fold %d p_miss %.2f epoch %d/%d", r.Fold, r.Train.PMiss, e.Epoch+1, r.Train.Epochs)
	if p.terminal {
		var parts []string
		for w := range len(p.status) + 1 {
			if s, ok := p.status[w]; ok {
				parts = append(parts, s)
			}
		}
		fmt.Fprintf(p.w, "\r\033[Kruns %d/%d  %s  elapsed %s  left ~%s", p.finished, p.total, strings.Join(parts, " | "),
			time.Since(p.began).Round(time.Second), p.eta())
	} else if (e.Epoch+1)%10 == 0 || e.Epoch+1 == r.Train.Epochs {
		fmt.Fprintf(p.w, "runs %d/%d  %s  loss %.4f  elapsed %s\n", p.finished, p.total, p.status[worker], e.Loss, time.Since(p.began).Round(time.Second))
	}
}

func (p *sweepProgress) done(worker int, r RunConfig, res *RunResult, cached bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished++
	if !cached {
		p.trained++
	}
	delete(p.status, worker)
	if p.w == nil {
		return
	}
	if p.event(ProgressEvent{Run: describe(r), Finished: true, TestC: float64(res.Metrics.HarrellC), Cached: cached, Epochs: r.Train.Epochs}) {
		return
	}
	how := "trained"
	if cached {
		how = "cached"
	}
	line := fmt.Sprintf("runs %d/%d  %s fold %d p_miss %.2f: test C %.3f (%s)  elapsed %s  left ~%s",
		p.finished, p.total, res.Hash, r.Fold, r.Train.PMiss, float64(res.Metrics.HarrellC), how,
		time.Since(p.began).Round(time.Second), p.eta())
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *sweepProgress) finish() {}

// RunProtocol runs (or loads) the whole protocol of one cohort and method and
// summarises it.
func RunProtocol(root string, spec data.CohortSpec, method string, base train.TrainConfig, eval train.EvalConfig, workers int,
	progress io.Writer, opts RunOptions) (*Summary, error) {
	if opts.Cohorts == nil {
		opts.Cohorts = &CohortCache{}
	}
	c, err := opts.Cohorts.Open(spec)
	if err != nil {
		return nil, err
	}
	runs := ProtocolRuns(spec, len(c.Folds), method, base, eval)
	results, err := RunAll(root, runs, workers, progress, opts)
	if err != nil {
		return nil, err
	}
	s := Summarize(results)
	return &s, nil
}
