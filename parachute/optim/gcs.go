// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// CurvatureEstimator selects how GCS estimates the curvature along a probe.
type CurvatureEstimator int

const (
	// DoubleBackprop computes r_bᵀ H_bb r_b exactly by a second backward
	// pass through the head (the default).
	DoubleBackprop CurvatureEstimator = iota
	// CentralDifference replaces the head's Hessian-vector product by a
	// central difference of its gradients at f ± ε r.
	CentralDifference
)

// GCS is Gradient Curvature Steering (PARACHUTE supplement, Algorithm 2),
// acting on the gradient with respect to the fused features f_b (the hazard
// net's input) of each sample b.
//
// # Step
//
//  1. Forward: f = Encoder, η = Head(f), L = Loss(η). Write ℓ = B·L for the
//     summed loss, so that per-sample quantities do not scale with the batch.
//  2. g_b = ∇_{f_b} ℓ.
//  3. Curvature along a Rademacher probe r_b (±1 per coordinate, fresh each
//     step): c_b = r_bᵀ H_bb r_b, with H_bb the block of ∇²_f ℓ for sample b.
//     Since η_b depends only on f_b, H_bb = ℓ”_b ∇η_b ∇η_bᵀ + ℓ'_b ∇²η_b and
//     c_b = ℓ”_b (∇η_b·r_b)² + ℓ'_b r_bᵀ∇²η_b r_b: one extra backward pass
//     through the head gives r_bᵀ∇²η_b r_b for all samples at once (no
//     cross-sample terms), and ℓ”_b is the Cox Hessian diagonal. E[c_b] =
//     tr(H_bb): Hutchinson's estimator of the per-sample curvature.
//  4. Gate ω_b = σ(a·ĉ_b + b·ĝ_b + e·m_b + k), m_b = 1 for a sample with a
//     missing modality, where ĉ_b = c_b / mean_j |c_j| and ĝ_b = ‖g_b‖ /
//     mean_j ‖g_j‖ over the batch's valid samples: curvature and gradient
//     norm relative to the batch, so that the gate's weights mean the same
//     whatever the loss scale, the model width or the stage of training.
//  5. Steered gradient g̃_b = (1 − ω_b) g_b + ω_b g_b / (1 + γ·max(ĉ_b, 0)):
//     the gradient of a sample in a sharply curved direction is damped.
//  6. The encoder's parameters receive Jᵀ g̃ (backpropagating g̃/B, the
//     batch-mean scale, through f), the head's the plain gradient of L; one
//     AdamW step follows. Both come from one graph: the gradient of
//     Σ_b f_b·stop(g̃_b)/B with respect to the encoder and of L with respect to
//     the head, which equals differentiating Σ f ⊙ stop(g̃)/B +
//     L(Head(stop(f))) (tested against a two-pass computation).
//
// # Why not the supplement's line 11
//
// Algorithm 2 writes c_b ← (g_bᵀ r_b − g_bᵀ(−r_b))/(2ε) = g_bᵀ r_b/ε: a
// directional derivative of the loss divided by a step that was never
// taken, not a curvature (it is linear in g and changes sign with r). The
// text names Hutchinson's estimator, so that is what is implemented: the
// difference of *gradients* at f ± εr gives H r, and rᵀH r is the curvature.
// The CentralDifference estimator computes exactly that finite difference.
//
// # Defaults
//
// The authors' code leaves the gate's weights and γ at their random initial
// values (they receive no gradient). Here they are fixed hyperparameters:
// γ = 1 halves the steered part of a sample at the batch's mean curvature;
// a = 1 raises the gate with relative curvature, b = 0.5 with relative
// gradient norm, e = 1 for missing-modality samples (their gradients come
// through learned tokens and are noisier, the paper's motivation), and
// k = −2 sets the gate of an average full-modality sample to σ(−0.5) ≈ 0.38
// and of an average missing-modality sample to σ(0.5) ≈ 0.62, so that such
// samples keep 81 % and 69 % of their gradient. The raw c_b and ‖g_b‖
// (summed-loss scale) are reported as diagnostics. None of the values was
// tuned on test data.
//
// Compat reproduces the authors' code instead: the probe is sign(g) (not
// random), the curvature is rᵀ(H r)_b of the full Hessian of the batch-mean
// loss (with its cross-sample terms), the gate is a Linear(3→1) on [c, ‖g‖, m]
// at a fixed random initialisation (PyTorch's U(±1/√3)), γ is a fixed draw of
// N(0, 1), and there is no max(c, 0).
type GCS struct {
	CurvatureWeight float64 // a
	GradNormWeight  float64 // b
	MissingWeight   float64 // e
	Bias            float64 // k
	Gamma           float64 // γ
	Estimator       CurvatureEstimator
	// Epsilon is the step of the CentralDifference estimator (default 1e-3).
	Epsilon float64
	// SAMRho, when > 0, first moves the parameters by SAM's ascent step
	// ρ g/‖g‖ and computes the steered gradient there ("GCS builds upon SAM").
	SAMRho float64
	// Compat reproduces the authors' code (see above); CompatSeed draws its
	// random gate weights and γ.
	Compat     bool
	CompatSeed uint64
}

// NewGCS returns GCS with the documented defaults.
func NewGCS() GCS {
	return GCS{CurvatureWeight: 1, GradNormWeight: 0.5, MissingWeight: 1, Bias: -2, Gamma: 1, Epsilon: 1e-3}
}

// Name implements Step.
func (GCS) Name() string { return "gcs" }

// Build implements Step.
func (s GCS) Build(ctx *context.Context, p *Problem) Result {
	var vars []*context.Variable
	var theta, at []*Node
	var loss0, risk0 *Node
	if s.SAMRho > 0 {
		_, risk0, loss0 = p.forward(ctx)
		g := loss0.Graph()
		vars = p.params(ctx, g)
		theta = values(vars, g)
		grad := Gradient(p.total(loss0), theta...)
		at = perturb(vars, theta, grad, p.ascentScales(s.SAMRho, vars, grad))
	}
	fused := p.Encoder(ctx)
	risk := p.Head(ctx, fused)
	loss := p.Loss(risk, nil)
	g := loss.Graph()
	if vars == nil {
		vars = p.params(ctx, g)
		theta = values(vars, g)
		at = theta
		loss0, risk0 = loss, risk
	}
	dtype := loss.DType()
	b := float64(fused.Shape().Dimensions[0] / p.runs()) // a run's batch
	grad := Gradient(p.total(loss), fused)[0]            // ∇_f L [B, d]
	var c, gnorm, omega, steered *Node
	if s.Compat {
		p.refuseRunAxis("GCS's compat steering")
		c, gnorm, omega, steered = s.compatSteer(ctx, p, fused, grad, dtype)
	} else {
		c = MulScalar(s.curvature(ctx, p, fused, risk, loss), b) // summed-loss scale
		gnorm = MulScalar(Sqrt(ReduceSum(Square(grad), -1)), b)
		relative := func(x *Node) *Node { // x / (mean over the run's valid samples of |x|)
			return p.perRun(func(xs ...*Node) *Node {
				x, valid := xs[0], ConvertDType(xs[1], dtype)
				count := Max(ReduceSum(valid), ScalarOne(g, dtype))
				mean := Div(ReduceSum(Mul(Abs(x), valid)), count)
				return Div(x, AddScalar(mean, 1e-12))
			}, x, p.Valid)
		}
		cRel, gRel := relative(c), relative(gnorm)
		missing := ConvertDType(p.Missing, dtype)
		logit := AddScalar(Add(Add(MulScalar(cRel, s.CurvatureWeight), MulScalar(gRel, s.GradNormWeight)),
			MulScalar(missing, s.MissingWeight)), s.Bias)
		omega = Sigmoid(logit)
		damp := Inverse(AddScalar(MulScalar(Max(cRel, ZerosLike(cRel)), s.Gamma), 1))
		factor := Add(OneMinus(omega), Mul(omega, damp))
		steered = Mul(grad, InsertAxes(factor, -1))
	}
	steered = StopGradient(steered)
	// Encoder: Jᵀ g̃; head: ∇ L.
	var encIdx, headIdx []int
	for i, v := range vars {
		if p.inHead(v) {
			headIdx = append(headIdx, i)
		} else {
			encIdx = append(encIdx, i)
		}
	}
	grads := make([]*Node, len(vars))
	pick := func(idx []int) []*Node {
		out := make([]*Node, len(idx))
		for k, i := range idx {
			out[k] = at[i]
		}
		return out
	}
	if len(encIdx) > 0 {
		encGrads := Gradient(ReduceAllSum(Mul(fused, steered)), pick(encIdx)...)
		for k, i := range encIdx {
			grads[i] = encGrads[k]
		}
	}
	if len(headIdx) > 0 {
		headGrads := Gradient(p.total(loss), pick(headIdx)...)
		for k, i := range headIdx {
			grads[i] = headGrads[k]
		}
	}
	if s.SAMRho > 0 {
		restore(vars, theta)
	}
	return Result{Loss: loss0, Risk: risk0, Params: vars, Grads: grads,
		Curvature: StopGradient(c), GradNorm: StopGradient(gnorm), Gate: StopGradient(omega)}
}

// curvature returns c_b = r_bᵀ H_bb r_b of the batch-mean loss along a fresh
// Rademacher probe (see the type's documentation).
func (s GCS) curvature(ctx *context.Context, p *Problem, fused, risk, loss *Node) *Node {
	g := fused.Graph()
	dtype := fused.DType()
	u := runscope.RandomUniformRuns(ctx, g, p.Runs, shapes.Make(dtype, fused.Shape().Dimensions...))
	probe := StopGradient(Where(LessThan(u, Scalar(g, dtype, 0.5)), OnesLike(u), Neg(OnesLike(u))))
	dRisk := Gradient(ReduceAllSum(risk), fused)[0] // row b = ∇η_b
	lossGrad := Gradient(p.total(loss), risk)[0]
	lossCurv := p.CurvatureOfLoss(risk)
	along := ReduceSum(Mul(dRisk, probe), -1) // ∇η_b·r_b
	var headCurv *Node                        // r_bᵀ ∇²η_b r_b
	switch s.Estimator {
	case CentralDifference:
		eps := s.Epsilon
		if eps == 0 {
			eps = 1e-3
		}
		fp := Add(StopGradient(fused), MulScalar(probe, eps))
		fm := Sub(StopGradient(fused), MulScalar(probe, eps))
		gp := Gradient(ReduceAllSum(p.Head(ctx, fp)), fp)[0]
		gm := Gradient(ReduceAllSum(p.Head(ctx, fm)), fm)[0]
		headCurv = DivScalar(ReduceSum(Mul(Sub(gp, gm), probe), -1), 2*eps)
	default:
		hv := Gradient(ReduceAllSum(Mul(dRisk, probe)), fused)[0]
		headCurv = ReduceSum(Mul(hv, probe), -1)
	}
	return Add(Mul(lossCurv, Square(along)), Mul(lossGrad, headCurv))
}

// compatSteer is the authors' steering (see the type's documentation).
func (s GCS) compatSteer(ctx *context.Context, p *Problem, fused, grad *Node, dtype dtypes.DType) (c, gnorm, omega, steered *Node) {
	probe := StopGradient(Sign(grad))
	hv := Gradient(ReduceAllSum(Mul(grad, probe)), fused)[0]
	c = ReduceSum(Mul(hv, probe), -1)
	gnorm = Sqrt(ReduceSum(Square(grad), -1))
	h := fnv.New64a()
	h.Write([]byte("gcs-compat"))
	rng := rand.New(rand.NewPCG(s.CompatSeed, h.Sum64()))
	bound := 1 / math.Sqrt(3)
	w := [3]float64{}
	for i := range w {
		w[i] = (2*rng.Float64() - 1) * bound
	}
	bias := (2*rng.Float64() - 1) * bound
	gamma := rng.NormFloat64()
	missing := ConvertDType(p.Missing, dtype)
	logit := AddScalar(Add(Add(MulScalar(c, w[0]), MulScalar(gnorm, w[1])), MulScalar(missing, w[2])), bias)
	omega = Sigmoid(logit)
	factor := Add(OneMinus(omega), Div(omega, AddScalar(MulScalar(c, gamma), 1)))
	steered = Mul(grad, InsertAxes(factor, -1))
	return c, gnorm, omega, steered
}
