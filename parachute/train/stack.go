// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/fastgrad"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// TrainerStack trains several independent runs in one graph: each step executes
// one graph holding every run's forward pass, loss and gradients, so that
// the cost of launching a step is paid once for all of them.
//
// Each run keeps everything of its own, as if it trained alone: its
// parameters, optimizer state (AdamW's moments and step, GradVac's target)
// and graph random state (dropout, GCS's probes) live under its root scope
// ("/run0", "/run1", … see package runscope) of the stack's context, at the
// paths a context of its own would hold them; its host generator (batch
// order, runtime masks, slide sampling), learning rate and checkpoint are
// its Trainer's. Each run's part of the graph is the graph it would have
// alone, so on the pure-Go backend a stacked run computes bitwise what it
// computes alone (tested for AdamW, GCS and SAM).
//
// The runs of a stack share the graph's shapes: the cohort's widths and the
// configuration that shapes the network and its step (profile, model,
// batch size, optimizer and its settings; see stackKey). They may differ
// in fold, missing ratio and seed. Each step takes one batch from every run,
// so every run must take the same number of steps per epoch (training sets
// of different sizes stack as long as their last batches are padded to the
// same count; see RunAll's grouping).
//
// A stack holds its runs in one of two layouts (StackLayout). On a run axis
// (stackaxis.go, the default where the runs allow it) the graph is one
// network whose parameters carry a leading run axis, so each operation acts
// on every run at once and the graph is a run's size. As replicas the graph
// holds K copies of a run's operations, each of one run's size: what is
// paid per execution (launching, transfers) is saved, but not what is paid
// per operation, and the graph XLA compiles is K times larger. Either way a
// run computes what it computes alone.
type TrainerStack struct {
	// Runs are the stacked runs' trainers. Their own contexts hold their
	// variables only after Export (and on import, before the first step).
	Runs    []*Trainer
	ctx     *context.Context
	roots   []string
	train   *context.Exec
	eval    *context.Exec
	offsets []int // where each run's outputs start in the training graph's
	// axis is the run axis the runs train on (stackaxis.go); nil: replicas.
	axis *model.RunAxis
}

// StackLayout is how a stack holds its runs in one graph.
type StackLayout string

const (
	// LayoutAuto is a run axis where the runs allow it (runAxisOf), replicas
	// elsewhere.
	LayoutAuto StackLayout = ""
	// LayoutRunAxis is one network with a leading run axis (model.RunAxis);
	// an error for runs that do not allow it.
	LayoutRunAxis StackLayout = "axis"
	// LayoutReplicas is K copies of a run's graph in one graph.
	LayoutReplicas StackLayout = "replicas"
)

// ParseStackLayout reads a layout's name ("auto", "axis", "replicas").
func ParseStackLayout(name string) (StackLayout, error) {
	switch l := StackLayout(name); l {
	case "auto":
		return LayoutAuto, nil
	case LayoutAuto, LayoutRunAxis, LayoutReplicas:
		return l, nil
	}
	return "", fmt.Errorf("train: unknown stack layout %q (want auto, axis or replicas)", name)
}

// NewStack sets up one run per configuration on the cohort, each initialised
// as NewTrainer initialises it alone, in the given layout. The
// configurations must share stackKey.
func NewStack(b backends.Backend, c *data.Cohort, cfgs []TrainConfig, layout StackLayout) (*TrainerStack, error) {
	if len(cfgs) == 0 {
		return nil, fmt.Errorf("train: a stack of no runs")
	}
	trainers := make([]*Trainer, len(cfgs))
	for k, cfg := range cfgs {
		var err error
		if trainers[k], err = NewTrainer(b, c, cfg); err != nil {
			return nil, err
		}
	}
	return StackOf(b, trainers, layout)
}

// StackOf stacks trainers that have not stepped yet (fresh, or loaded from
// a checkpoint) in the given layout: their state is imported into the stack.
func StackOf(b backends.Backend, trainers []*Trainer, layout StackLayout) (*TrainerStack, error) {
	s := &TrainerStack{ctx: context.New().Checked(false), Runs: trainers}
	first := StackKey(trainers[0].Config)
	for k, t := range trainers {
		if key := StackKey(t.Config); key != first {
			return nil, fmt.Errorf("train: run %d of a stack differs from run 0 in more than fold, missing ratio and seed:\n%s\nvs\n%s",
				k, key, first)
		}
		s.roots = append(s.roots, fmt.Sprintf("/run%d", k))
	}
	for k := range s.Runs {
		if err := s.Import(k); err != nil {
			return nil, err
		}
	}
	trainGraph, evalGraph := s.trainGraph, s.evalGraph
	if layout != LayoutReplicas {
		s.axis = runAxisOf(trainers, s.roots)
	}
	if s.axis != nil {
		trainGraph, evalGraph = s.axisTrainGraph, s.axisEvalGraph
	} else if layout == LayoutRunAxis && len(trainers) > 1 {
		return nil, fmt.Errorf("train: these runs cannot share a run axis (%s, optimizer %q; gradients %s): use replicas",
			trainers[0].Config.Profile, trainers[0].Config.Optimizer, fastgrad.Install())
	}
	var err error
	if s.train, err = context.NewExec(b, s.ctx, trainGraph); err != nil {
		return nil, err
	}
	if s.eval, err = context.NewExec(b, s.ctx, evalGraph); err != nil {
		return nil, err
	}
	return s, nil
}

// StackKey is what the runs of a stack share: the training configuration
// without the settings they may differ in (missing ratio and seed cleared;
// the fold is not part of it).
func StackKey(cfg TrainConfig) string {
	cfg.PMiss, cfg.Seed = 0, 0
	key, _ := json.Marshal(cfg) // plain data: never fails
	return string(key)
}

// Layout is the layout the stack holds its runs in.
func (s *TrainerStack) Layout() StackLayout {
	if s.axis != nil {
		return LayoutRunAxis
	}
	return LayoutReplicas
}

// runContext is the stack's context at run k's root.
func (s *TrainerStack) runContext(k int) *context.Context { return runscope.In(s.ctx, s.roots[k]) }

// trainGraph builds every run's training graph (Trainer.trainGraph) on its
// own trainInputs inputs and returns their outputs one after another.
func (s *TrainerStack) trainGraph(ctx *context.Context, inputs []*Node) []*Node {
	var out []*Node
	s.offsets = s.offsets[:0]
	for k, t := range s.Runs {
		s.offsets = append(s.offsets, len(out))
		out = append(out, t.trainGraph(runscope.In(ctx, s.roots[k]), inputs[k*trainInputs:(k+1)*trainInputs])...)
	}
	return out
}

// evalGraph builds every run's evaluation graph on its own inputs and
// returns one log-risk vector per run.
func (s *TrainerStack) evalGraph(ctx *context.Context, inputs []*Node) []*Node {
	n := len(inputs) / len(s.Runs)
	out := make([]*Node, len(s.Runs))
	for k, t := range s.Runs {
		out[k] = t.evalGraph(runscope.In(ctx, s.roots[k]), inputs[k*n:(k+1)*n])
	}
	return out
}

// Step runs one training step of every run: run k trains on batches[k] at
// learning rate lrs[k], drawing its masks from its own host generator. A
// run's numerical fault is its own error (errs[k]); the others' steps stand.
func (s *TrainerStack) Step(batches [][]*data.Patient, lrs []float64) ([]StepResult, []error, error) {
	var args []any
	masks := make([][]Masking, len(s.Runs))
	for k, t := range s.Runs {
		a, m, err := t.stepArgs(batches[k], lrs[k])
		if err != nil {
			return nil, nil, fmt.Errorf("run %d of the stack: %w", k, err)
		}
		args, masks[k] = append(args, a...), m
	}
	out, err := s.train.Exec(args...)
	if err != nil {
		return nil, nil, err
	}
	results, errs := make([]StepResult, len(s.Runs)), make([]error, len(s.Runs))
	for k, t := range s.Runs {
		end := len(out)
		if k+1 < len(s.Runs) {
			end = s.offsets[k+1]
		}
		results[k], errs[k] = t.finishStep(s.runContext(k), out[s.offsets[k]:end], batches[k], masks[k], lrs[k])
	}
	return results, errs, nil
}

// Import copies every variable of run k's own context (as NewTrainer or
// LoadCheckpoint left it) into the stack's context under the run's root,
// replacing what the stack held: how a stack starts and resumes.
func (s *TrainerStack) Import(k int) error {
	for v := range s.Runs[k].ctx.IterVariables() {
		value, err := v.Value()
		if err != nil {
			return err
		}
		if err := setVariable(s.ctx, strings.TrimSuffix(s.roots[k]+v.Scope(), "/"), v.Name(), copyTensor(value), v.Trainable); err != nil {
			return err
		}
	}
	return nil
}

// Export copies run k's variables from the stack's context into its own
// trainer's context, at the paths a run alone has them: the trainer then
// predicts, checkpoints and counts its parameters as if it had trained
// alone.
func (s *TrainerStack) Export(k int) error {
	root := s.roots[k]
	for v := range s.ctx.IterVariables() {
		if !runscope.InRun(v.Scope(), root) {
			continue
		}
		value, err := v.Value()
		if err != nil {
			return err
		}
		if err := setVariable(s.Runs[k].ctx, runscope.Relative(v.Scope(), root), v.Name(), copyTensor(value), v.Trainable); err != nil {
			return err
		}
	}
	return nil
}

// setVariable sets (creating it if needed) the variable scope/name of ctx.
func setVariable(ctx *context.Context, scope, name string, value *tensors.Tensor, trainable bool) error {
	v := ctx.GetVariableByScopeAndName(scope, name)
	if v == nil {
		v = ctx.InAbsPath(scope).VariableWithValue(name, value)
	} else if err := v.SetValue(value); err != nil {
		return err
	}
	v.Trainable = trainable
	return nil
}

// copyTensor returns a copy of t on the host (the two contexts never share
// a buffer).
func copyTensor(t *tensors.Tensor) *tensors.Tensor {
	c := tensors.FromShape(shapes.Make(t.DType(), t.Shape().Dimensions...))
	t.ConstBytes(func(src []byte) {
		c.MutableBytes(func(dst []byte) { copy(dst, src) })
	})
	return c
}

// Predictors returns one Predictor per run whose predictions are batched
// across the runs: while every run's predictor is in use (each in its own
// goroutine; call done when a run's evaluation ends), each evaluation graph
// execution scores one batch of every run that is waiting. A run's
// predictions are those of its trainer alone.
func (s *TrainerStack) Predictors() (predictors []Predictor, done func(k int)) {
	e := &stackedEval{s: s, live: len(s.Runs), pending: map[int][]any{}, results: map[int]*evalResult{}, idle: map[int][]any{}}
	e.cond = sync.NewCond(&e.mu)
	for k := range s.Runs {
		predictors = append(predictors, stackedPredictor{e, k})
	}
	return predictors, e.finish
}

// stackedEval gathers the runs' prediction batches into stacked
// executions of the evaluation graph.
type stackedEval struct {
	s       *TrainerStack
	mu      sync.Mutex
	cond    *sync.Cond
	live    int           // runs still evaluating
	pending map[int][]any // run → its waiting batch's inputs
	results map[int]*evalResult
	idle    map[int][]any // run → an empty batch's inputs (for runs not waiting)
}

type evalResult struct {
	risk []float64
	err  error
}

type stackedPredictor struct {
	e *stackedEval
	k int
}

// Predict implements Predictor.
func (p stackedPredictor) Predict(patients []*data.Patient, masks []Masking) ([]float64, error) {
	return p.e.s.Runs[p.k].predictThrough(patients, masks, func(args []any) ([]float64, error) { return p.e.submit(p.k, args) })
}

// submit hands run k's batch over and waits for its risks.
func (e *stackedEval) submit(k int, args []any) ([]float64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pending[k] = args
	e.run()
	for e.results[k] == nil {
		e.cond.Wait()
	}
	r := e.results[k]
	delete(e.results, k)
	return r.risk, r.err
}

// finish marks run k's evaluation as ended.
func (e *stackedEval) finish(k int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.live--
	e.run()
}

// run executes the evaluation graph once every live run is waiting; runs
// not waiting get an empty batch (their outputs are dropped).
func (e *stackedEval) run() {
	if len(e.pending) == 0 || len(e.pending) < e.live {
		return
	}
	var args []any
	for k, t := range e.s.Runs {
		a, ok := e.pending[k]
		if !ok {
			if e.idle[k] == nil {
				var err error
				if e.idle[k], err = t.predictArgs(nil, nil); err != nil {
					panic(err) // an empty batch always fills
				}
			}
			a = e.idle[k]
		}
		args = append(args, a...)
	}
	out, err := e.s.eval.Exec(args...)
	for k := range e.pending {
		r := &evalResult{err: err}
		if err == nil {
			r.risk = floatsOf(out[k])
		}
		e.results[k] = r
	}
	clear(e.pending)
	e.cond.Broadcast()
}
