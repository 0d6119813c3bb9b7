// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/losses"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// Trainer holds a model, its parameters and optimizer state in a GoMLX
// context, and the compiled training and prediction steps.
type Trainer struct {
	Config TrainConfig
	// Model is the PARACHUTE network (nil when a deep baseline trains);
	// net is what trains.
	Model *model.Model
	net   Network
	ctx   *context.Context
	pcg   *rand.PCG
	rng   *rand.Rand
	train *context.Exec
	eval  *context.Exec
	opt   *optim.AdamW
	// optimizer is the step's registry entry, step the step itself.
	optimizer optim.Optimizer
	step      optim.Step
	// adamwOnHost applies AdamW on the host after the graph computed the
	// gradients (set for the pure-Go backend, where the graph form's
	// element-wise passes cost about a third of a step; bitwise the same
	// result); params are the variables the graph's gradients belong to,
	// and the gradients are the train graph's outputs from gradsAt on.
	adamwOnHost bool
	params      []*context.Variable
	gradsAt     int
	// backend and attention are the backend and, once asked for, the step
	// that returns the attention weights (Attention).
	backend   backends.Backend
	attention *context.Exec
	// clock, when set, times the steps' and predictions' phases;
	// trainExecs and predictExecs count the graphs' executions (the first
	// builds and compiles).
	clock                    *Clock
	trainExecs, predictExecs int
}

// SetClock makes the trainer time its phases on c (nil: off).
func (t *Trainer) SetClock(c *Clock) { t.clock = c }

// NewTrainer sets up a trainer for a cohort's encoders: the model's input
// widths are taken from the cohort. Parameters are created on the first step
// (initial values depend only on cfg.Seed). The random generators (host: batch
// order, slide sampling, masking; graph: dropout) are seeded from cfg.Seed.
func NewTrainer(b backends.Backend, c *data.Cohort, cfg TrainConfig) (*Trainer, error) {
	cfg.Model.PathologyWidth = c.Pathology.Width
	cfg.Model.RadiologyWidth = c.Radiology.Width
	return NewTrainerFromConfig(b, cfg)
}

// AdamWOnHost reports whether the trainer applies AdamW on the host, after
// each step's graph (the pure-Go backend's default), rather than in the
// graph; SetAdamWOnHost chooses. Both give bitwise equal results
// (package bench's TestAdamWOnHostMatchesTheGraph).
func (t *Trainer) AdamWOnHost() bool { return t.adamwOnHost }

// SetAdamWOnHost sets where AdamW runs (see [Trainer.AdamWOnHost]); call it
// before the first step.
func (t *Trainer) SetAdamWOnHost(on bool) { t.adamwOnHost = on }

// Context returns the trainer's GoMLX context: its variables (weights and
// optimizer state) under the trainer's scope.
func (t *Trainer) Context() *context.Context { return t.ctx }

// NewTrainerFromConfig is NewTrainer with the input widths already in cfg.Model.
func NewTrainerFromConfig(b backends.Backend, cfg TrainConfig) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	net, m, err := networkOf(cfg)
	if err != nil {
		return nil, err
	}
	t := &Trainer{Config: cfg, Model: m, net: net,
		ctx: context.New().Checked(false), pcg: rand.NewPCG(cfg.Seed, 0x7a1), opt: optim.NewAdamW(), backend: b}
	t.rng = rand.New(t.pcg)
	t.opt.WeightDecay, t.opt.DecayAll = cfg.WeightDecay, cfg.CompatDecayAll
	_, t.adamwOnHost = b.(*simplego.Backend)
	if t.optimizer, err = optim.Lookup(cfg.Optimizer); err != nil {
		return nil, err
	}
	t.step = t.optimizer.New(cfg.StepParams)
	if err := t.ctx.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, err
	}
	t.train, err = context.NewExec(b, t.ctx, t.trainGraph)
	if err != nil {
		return nil, err
	}
	t.eval, err = context.NewExec(b, t.ctx, t.evalGraph)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// The positions of a run's training graph inputs: the batch's input
// tensors (model.Batch.InputTensors order, positions 0 to
// model.InputTensorCount−1), then its outcomes (model.Batch.OutcomeTensors:
// time, event) and the learning rate; trainInputs is their number. An
// evaluation graph takes the batch's input tensors alone; the loss of
// [Objective] takes the batch and its outcomes.
const (
	inputTime   = model.InputTensorCount
	inputEvent  = model.InputTensorCount + 1
	inputLR     = model.InputTensorCount + 2
	trainInputs = model.InputTensorCount + 3
)

// trainGraph: inputs are the batch (model.Batch.InputTensors order), time,
// event and the learning rate; outputs the loss, the risks and the GCS
// diagnostics (curvature, gradient norm, gate; zeros for other steps), then,
// when AdamW runs on the host, the gradients of t.params (from output
// t.gradsAt on). ctx is at the run's root: the context's root for a run
// alone, runscope.In(ctx, root) for a run of a stack.
func (t *Trainer) trainGraph(ctx *context.Context, inputs []*Node) []*Node {
	g := inputs[0].Graph()
	ctx.SetTraining(g, true)
	in := model.InputsFromNodes(inputs)
	time, event, lr := inputs[inputTime], inputs[inputEvent], inputs[inputLR]
	p := t.problem(t.net, in, time, event, runscope.Root(ctx), nil)
	res := t.step.Build(ctx, p)
	out := []*Node{res.Loss, res.Risk}
	for _, d := range []*Node{res.Curvature, res.GradNorm, res.Gate} {
		if d == nil {
			d = ZerosLike(res.Risk)
		}
		out = append(out, d)
	}
	if t.adamwOnHost {
		t.params, t.gradsAt = res.Params, len(out)
		return append(out, res.Grads...)
	}
	t.opt.Apply(ctx, res.Params, res.Grads, lr)
	return out
}

// problem wraps the network and the Cox loss for the training steps. A
// network's auxiliary loss (the deep baselines') joins the loss over the
// whole batch, the one every step differentiates (not GradVac's per-modality
// subsets); it is the one built by the latest encoder pass (SAM's second).
// root is the run's root scope (runscope). On a run axis (runs: the runs'
// roots, root ""), net is the axis network, the Cox loss is each run's on
// its own rows (the loss a vector [K]) and so is its Hessian diagonal.
func (t *Trainer) problem(net Network, in model.Inputs, time, event *Node, root string, runs []string) *optim.Problem {
	coxOpts := &losses.CoxOptions{CompatInvertedEvents: t.Config.CompatInvertedEvents}
	var aux *Node
	return &optim.Problem{
		Encoder: func(ctx *context.Context) *Node {
			fused, a := net.Encode(ctx.In(model.Scope), in)
			aux = a
			return fused
		},
		Head: func(ctx *context.Context, fused *Node) *Node {
			return net.Head(ctx.In(model.Scope).In(model.HeadScope), fused)
		},
		Loss: func(risk, subset *Node) *Node {
			valid := in.Valid
			if subset != nil {
				valid = LogicalAnd(valid, subset)
			}
			perRun := runscope.EachRun(len(runs), func(xs ...*Node) *Node {
				return losses.CoxNLL(xs[0], xs[1], xs[2], xs[3], coxOpts)
			}, risk, time, event, valid)
			loss := perRun[0]
			if runs != nil {
				loss = Stack(perRun, 0)
			}
			if aux != nil && subset == nil {
				loss = Add(loss, ConvertDType(aux, loss.DType()))
			}
			return loss
		},
		CurvatureOfLoss: func(risk *Node) *Node {
			return Concatenate(runscope.EachRun(len(runs), func(xs ...*Node) *Node {
				return losses.CoxHessianDiagonal(xs[0], xs[1], xs[2], xs[3], coxOpts)
			}, risk, time, event, in.Valid), 0)
		},
		Missing:    LogicalNot(LogicalAnd(ReduceLogicalOr(in.SlideMask, 1), ReduceLogicalOr(in.SeriesMask, 1))),
		Valid:      in.Valid,
		HeadScope:  root + "/" + model.Scope + "/" + model.HeadScope,
		ParamScope: root + "/" + model.Scope,
		Runs:       runs,
	}
}

// evalGraph maps a batch (model.Batch.InputTensors order) to the log-risks;
// ctx is at the run's root (see trainGraph).
func (t *Trainer) evalGraph(ctx *context.Context, inputs []*Node) *Node {
	ctx.SetTraining(inputs[0].Graph(), false)
	fused, _ := t.net.Encode(ctx.In(model.Scope), model.InputsFromNodes(inputs))
	return t.net.Head(ctx.In(model.Scope).In(model.HeadScope), fused)
}

// StepResult is what one training step returns.
type StepResult struct {
	Loss float64
	// Risk, Curvature, GradNorm and Gate are per slot; padding slots are
	// meaningless, and the last three are zero except for GCS.
	Risk, Curvature, GradNorm, Gate []float64
	// Missing says which slots had a modality absent or masked.
	Missing []bool
}

// Step runs one training step on the patients (at most BatchSize) with
// runtime masking and learning rate lr.
func (t *Trainer) Step(patients []*data.Patient, lr float64) (StepResult, error) {
	end := t.clock.Start(PhaseBatch)
	args, masks, err := t.stepArgs(patients, lr)
	end()
	if err != nil {
		return StepResult{}, err
	}
	end = t.clock.Start(firstOr(t.trainExecs, PhaseFirstTrainGraph, PhaseTrainGraph))
	out, err := t.train.Exec(args...)
	end()
	t.trainExecs++
	if err != nil {
		return StepResult{}, err
	}
	return t.finishStep(t.ctx, out, patients, masks, lr)
}

// stepArgs draws the step's runtime masks and slide samples from the host
// generator and returns the training graph's inputs.
func (t *Trainer) stepArgs(patients []*data.Patient, lr float64) ([]any, []Masking, error) {
	b := model.NewBatch(t.Config.Model, t.Config.BatchSize)
	masks := make([]Masking, len(patients))
	for i, p := range patients {
		if t.Config.Modality != "" {
			masks[i] = onlyModality(Masking{}, t.Config.Modality)
			continue
		}
		masks[i] = trainingMask(p, t.Config.PMiss, t.rng)
	}
	if err := fillBatch(b, patients, masks, t.rng); err != nil {
		return nil, nil, err
	}
	return append(t.args(b), tensors.FromScalar(lr)), masks, nil
}

// finishStep checks the outputs of a training step (out: the run's outputs
// of the training graph), applies AdamW on the host when it runs there (ctx at
// the run's root) and returns the step's result.
func (t *Trainer) finishStep(ctx *context.Context, out []*tensors.Tensor, patients []*data.Patient, masks []Masking, lr float64) (StepResult, error) {
	// Numerical faults stop the step before any update reaches the
	// parameters on the host path (the graph path has updated them already,
	// and the run stops all the same).
	loss := scalarOf(out[0])
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return StepResult{}, fmt.Errorf("train: non-finite loss %v at learning rate %v", loss, lr)
	}
	if t.adamwOnHost {
		end := t.clock.Start(PhaseHostUpdate)
		err := t.updateOnHost(ctx, out[t.gradsAt:], lr)
		end()
		if err != nil {
			return StepResult{}, err
		}
	}
	defer t.clock.Start(PhaseStepResults)()
	missing := make([]bool, len(patients))
	for i, p := range patients {
		missing[i] = !p.HasPathology() || !p.HasRadiology() || masks[i].DropPathology || masks[i].DropRadiology
	}
	return StepResult{Loss: loss, Risk: floatsOf(out[1]), Curvature: floatsOf(out[2]), GradNorm: floatsOf(out[3]),
		Gate: floatsOf(out[4]), Missing: missing}, nil
}

// updateOnHost checks the step's gradients (the train graph's outputs
// from gradsAt on) and applies AdamW to t.params on the host; it releases
// the gradients.
func (t *Trainer) updateOnHost(ctx *context.Context, grads []*tensors.Tensor, lr float64) error {
	defer func() {
		for _, g := range grads {
			g.FinalizeAll()
		}
	}()
	for i, g := range grads {
		if !finiteTensor(g) {
			return fmt.Errorf("train: non-finite gradient of %s at learning rate %v", t.params[i].ScopeAndName(), lr)
		}
	}
	return t.opt.ApplyOnHost(ctx, t.params, grads, lr)
}

// Predict returns the model's log-risk of each patient in evaluation mode
// (no dropout, no sampling: the first MaxSlides slides and MaxSeries series),
// with the modalities masks says to hide (nil: none); a unimodal
// configuration (TrainConfig.Modality) also hides the other modality.
func (t *Trainer) Predict(patients []*data.Patient, masks []Masking) ([]float64, error) {
	return t.predictThrough(patients, masks, func(args []any) ([]float64, error) {
		end := t.clock.Start(firstOr(t.predictExecs, PhaseFirstPredictGraph, PhasePredictGraph))
		res, err := t.eval.Exec(args...)
		end()
		t.predictExecs++
		if err != nil {
			return nil, err
		}
		return floatsOf(res[0]), nil
	})
}

// predictThrough is Predict with the evaluation graph executed by score,
// which maps one batch's inputs (predictArgs) to the log-risks of its
// BatchSize slots: the patients are cut into batches of BatchSize and each
// batch's padding slots dropped.
func (t *Trainer) predictThrough(patients []*data.Patient, masks []Masking, score func(args []any) ([]float64, error)) ([]float64, error) {
	bs := t.Config.BatchSize
	out := make([]float64, 0, len(patients))
	for start := 0; start < len(patients); start += bs {
		end := min(start+bs, len(patients))
		var m []Masking
		if masks != nil {
			m = masks[start:end]
		}
		if t.Config.Modality != "" {
			m = make([]Masking, end-start)
			for i := range m {
				if masks != nil {
					m[i] = masks[start+i]
				}
				m[i] = onlyModality(m[i], t.Config.Modality)
			}
		}
		done := t.clock.Start(PhasePredictBatch)
		args, err := t.predictArgs(patients[start:end], m)
		done()
		if err != nil {
			return nil, err
		}
		risk, err := score(args)
		if err != nil {
			return nil, err
		}
		out = append(out, risk[:end-start]...)
	}
	return out, nil
}

// predictArgs returns the evaluation graph's inputs for at most BatchSize
// patients with the given masks (nil: none).
func (t *Trainer) predictArgs(patients []*data.Patient, masks []Masking) ([]any, error) {
	b := model.NewBatch(t.Config.Model, t.Config.BatchSize)
	if err := fillBatch(b, patients, masks, nil); err != nil {
		return nil, err
	}
	return t.inputArgs(b), nil
}

func (t *Trainer) inputArgs(b *model.Batch) []any {
	var args []any
	for _, x := range b.InputTensors(t.Config.Model.DType) {
		args = append(args, x)
	}
	return args
}

func (t *Trainer) args(b *model.Batch) []any {
	args := t.inputArgs(b)
	for _, x := range b.OutcomeTensors() {
		args = append(args, x)
	}
	return args
}

// ParameterCount returns the model's trainable parameters (0 before the
// first step builds the graph).
func (t *Trainer) ParameterCount() int {
	n, _ := model.ParameterCount(t.ctx)
	return n
}

// firstOr is first when n (executions so far) is 0, else later.
func firstOr(n int, first, later Phase) Phase {
	if n == 0 {
		return first
	}
	return later
}

func scalarOf(t *tensors.Tensor) float64 {
	return floatsOf(t)[0]
}

func floatsOf(t *tensors.Tensor) []float64 {
	switch v := t.Value().(type) {
	case float32:
		return []float64{float64(v)}
	case float64:
		return []float64{v}
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case []float64:
		return v
	}
	panic(fmt.Sprintf("train: unexpected tensor %s", t.Shape()))
}

// finiteTensor reports whether every value of a float tensor is finite.
func finiteTensor(t *tensors.Tensor) bool {
	ok := true
	t.MustConstFlatData(func(flat any) {
		switch v := flat.(type) {
		case []float32:
			for _, x := range v {
				if x != x || x > math.MaxFloat32 || x < -math.MaxFloat32 {
					ok = false
					return
				}
			}
		case []float64:
			for _, x := range v {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					ok = false
					return
				}
			}
		}
	})
	return ok
}
