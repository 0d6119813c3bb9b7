// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/losses"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

func testBackend(t *testing.T) backends.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runStep builds method.Build on problem() in a fresh graph of ctx and
// returns the gradients and diagnostics as float64 slices.
func runStep(t *testing.T, ctx *context.Context, method Step, problem func(g *Graph) *Problem) (grads [][]float64, diag [][]float64) {
	t.Helper()
	exec, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, g *Graph) []*Node {
		res := method.Build(ctx, problem(g))
		out := append([]*Node(nil), res.Grads...)
		for _, d := range []*Node{res.Curvature, res.GradNorm, res.Gate} {
			if d != nil {
				out = append(out, d)
			}
		}
		return out
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	outs, err := exec.Exec()
	if err != nil {
		t.Fatal(err)
	}
	var all [][]float64
	for _, o := range outs {
		all = append(all, tensors.MustCopyFlatData[float64](o))
	}
	n := len(all) - 3
	if method.Name() != "gcs" {
		n = len(all)
	}
	return all[:n], all[n:]
}

// Quadratic objectives for SAM, CR-SAM and GradVac: two samples, each a
// quadratic of θ ∈ R³; sample 1 counts as missing-modality.
var (
	quadA = [2][3][3]float64{{{2, 0.5, 0}, {0.5, 1, 0}, {0, 0, 3}}, {{1, 0, 0.2}, {0, 4, 0}, {0.2, 0, 1}}}
	quadB = [2][3]float64{{1, -2, 0.5}, {-3, 1, -1}}
	theta = []float64{0.7, -0.4, 1.1}
)

func quadraticProblem(ctx *context.Context, g *Graph) *Problem {
	v := ctx.InAbsPath("/model/enc").VariableWithValue("theta", theta)
	return &Problem{
		Encoder: func(ctx *context.Context) *Node {
			return InsertAxes(v.ValueGraph(g), 0)
		},
		Head: func(ctx *context.Context, fused *Node) *Node {
			th := Squeeze(fused, 0)
			var rows []*Node
			for s := range 2 {
				a := Const(g, [][]float64{quadA[s][0][:], quadA[s][1][:], quadA[s][2][:]})
				b := Const(g, quadB[s][:])
				q := Add(MulScalar(ReduceAllSum(Mul(th, Dot(a, th))), 0.5), ReduceAllSum(Mul(b, th)))
				rows = append(rows, Reshape(q, 1))
			}
			return Concatenate(rows, 0)
		},
		Loss: func(risk, subset *Node) *Node {
			if subset == nil {
				return ReduceAllSum(risk)
			}
			return ReduceAllSum(Where(subset, risk, ZerosLike(risk)))
		},
		Missing:    Const(g, []bool{false, true}),
		Valid:      Const(g, []bool{true, true}),
		HeadScope:  "/model/head",
		ParamScope: "/model",
	}
}

// quadGrad returns A_s θ + b_s for s in samples.
func quadGrad(th []float64, samples ...int) []float64 {
	out := make([]float64, 3)
	for _, s := range samples {
		for i := range 3 {
			out[i] += quadB[s][i]
			for j := range 3 {
				out[i] += quadA[s][i][j] * th[j]
			}
		}
	}
	return out
}

func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func axpy(a float64, x, y []float64) []float64 {
	out := make([]float64, len(y))
	for i := range y {
		out[i] = a*x[i] + y[i]
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestSAMMatchesHandComputation(t *testing.T) {
	ctx := context.New().Checked(false)
	grads, _ := runStep(t, ctx, SAM{Rho: 0.05}, func(g *Graph) *Problem { return quadraticProblem(ctx, g) })
	g0 := quadGrad(theta, 0, 1)
	want := quadGrad(axpy(0.05/(norm(g0)+1e-12), g0, theta), 0, 1)
	testutil.CheckAllClose(t, "SAM gradient", grads[0], want, testutil.HandDerived)
}

func TestCRSAMMatchesHandComputation(t *testing.T) {
	ctx := context.New().Checked(false)
	c := CRSAM{Rho: 0.1, Gamma: 0.1, Beta: 0.01}
	grads, _ := runStep(t, ctx, c, func(g *Graph) *Problem { return quadraticProblem(ctx, g) })
	g0 := quadGrad(theta, 0, 1)
	s := c.Rho / (norm(g0) + 1e-12)
	gp := quadGrad(axpy(s, g0, theta), 0, 1)
	gm := quadGrad(axpy(-s, g0, theta), 0, 1)
	want := make([]float64, 3)
	for i := range want {
		want[i] = gp[i] + c.Gamma*(gp[i]+gm[i]-2*g0[i]) + c.Beta*(gp[i]-gm[i])
	}
	testutil.CheckAllClose(t, "CR-SAM gradient", grads[0], want, testutil.HandDerived)
}

// TestGradVacMatchesHandComputation runs two steps at the same θ, so the
// second uses the EMA target left by the first.
func TestGradVacMatchesHandComputation(t *testing.T) {
	ctx := context.New().Checked(false)
	gv := GradVac{Beta: 0.01}
	g1, g2 := quadGrad(theta, 0), quadGrad(theta, 1)
	phi := dot(g1, g2) / (norm(g1) * norm(g2))
	if phi >= 0 {
		t.Fatalf("the test needs conflicting objectives, cos = %v", phi)
	}
	target := 0.0
	for step := range 2 {
		grads, _ := runStep(t, ctx, gv, func(g *Graph) *Problem { return quadraticProblem(ctx, g) })
		coef := func(ni, nj float64) float64 {
			if !(phi < target) {
				return 0
			}
			return ni * (target*math.Sqrt(1-phi*phi) - phi*math.Sqrt(1-target*target)) / (nj * math.Sqrt(1-target*target))
		}
		c1, c2 := coef(norm(g1), norm(g2)), coef(norm(g2), norm(g1))
		want := make([]float64, 3)
		for i := range want {
			want[i] = g1[i] + c1*g2[i] + g2[i] + c2*g1[i]
		}
		testutil.CheckAllClose(t, "GradVac gradient", grads[0], want, testutil.HandDerived)
		target = (1-gv.Beta)*target + gv.Beta*phi
		t.Logf("step %d: cos %.4f, target now %.6f", step, phi, target)
	}
}

// coxProblem is a tiny survival model in float64: a linear encoder
// f = x W (W: /model/enc) and a two-layer head (/model/hazard), Cox loss.
func coxProblem(ctx *context.Context, g *Graph) *Problem {
	x := Const(g, [][]float64{{0.5, -1, 2}, {1, 0.3, -0.7}, {-0.2, 0.8, 0.1}, {1.5, -0.5, 0.4}, {0, 0, 0}})
	time := Const(g, []float64{5, 3, 8, 2, 1})
	event := Const(g, []bool{true, false, true, true, false})
	valid := Const(g, []bool{true, true, true, true, false})
	w := ctx.InAbsPath("/model/enc").VariableWithValue("weights", [][]float64{{0.3, -0.2, 0.5, 0.1}, {0.4, 0.2, -0.3, 0.6}, {-0.5, 0.1, 0.2, 0.3}})
	w1 := ctx.InAbsPath("/model/hazard/l1").VariableWithValue("weights", [][]float64{{0.2, -0.4, 0.6}, {0.5, 0.3, -0.1}, {-0.3, 0.2, 0.4}, {0.1, -0.6, 0.2}})
	w2 := ctx.InAbsPath("/model/hazard/l2").VariableWithValue("weights", []float64{0.7, -0.5, 0.3})
	return &Problem{
		Encoder: func(ctx *context.Context) *Node { return Dot(x, w.ValueGraph(g)) },
		Head: func(ctx *context.Context, f *Node) *Node {
			return Dot(Tanh(Dot(f, w1.ValueGraph(g))), w2.ValueGraph(g))
		},
		Loss: func(risk, subset *Node) *Node {
			v := valid
			if subset != nil {
				v = LogicalAnd(v, subset)
			}
			return losses.CoxNLL(risk, time, event, v, nil)
		},
		CurvatureOfLoss: func(risk *Node) *Node { return losses.CoxHessianDiagonal(risk, time, event, valid, nil) },
		Missing:         Const(g, []bool{false, true, false, true, false}),
		Valid:           valid,
		HeadScope:       "/model/hazard",
		ParamScope:      "/model",
	}
}

func TestGCSWithClosedGateEqualsPlainGradient(t *testing.T) {
	ctx := context.New().Checked(false)
	plain, _ := runStep(t, ctx, AdamWOnly{}, func(g *Graph) *Problem { return coxProblem(ctx, g) })
	closed := NewGCS()
	closed.Bias = -1e9 // ω = σ(−10⁹) = 0 exactly
	steered, diag := runStep(t, ctx, closed, func(g *Graph) *Problem { return coxProblem(ctx, g) })
	for i := range plain {
		testutil.CheckAllClose(t, "gradient", steered[i], plain[i], 1e-12)
	}
	testutil.CheckAllClose(t, "gate", diag[2], []float64{0, 0, 0, 0, 0}, 0)
}

// TestGCSEqualsTwoPassComputation recomputes the steered gradient on the host
// from the step's curvature and gate and then, in a second graph, the
// two-pass gradients: Jᵀ g̃ by backpropagating g̃ from f, and the head's from
// L(Head(stop(f))).
func TestGCSEqualsTwoPassComputation(t *testing.T) {
	ctx := context.New().Checked(false)
	s := NewGCS()
	oneGraph, diag := runStep(t, ctx, s, func(g *Graph) *Problem { return coxProblem(ctx, g) })
	curv, gnorm, gate := diag[0], diag[1], diag[2]
	// ∇_f L at the same parameters.
	exec, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, g *Graph) *Node {
		p := coxProblem(ctx, g)
		f := p.Encoder(ctx)
		return Gradient(p.Loss(p.Head(ctx, f), nil), f)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec()
	if err != nil {
		t.Fatal(err)
	}
	gradF := tensors.MustCopyFlatData[float64](out[0])
	// The gate and the steered gradient by their formulas, in Go.
	valid := []bool{true, true, true, true, false}
	missing := []float64{0, 1, 0, 1, 0}
	meanAbs := func(x []float64) float64 {
		s, n := 0.0, 0
		for i, v := range x {
			if valid[i] {
				s, n = s+math.Abs(v), n+1
			}
		}
		return s / float64(n)
	}
	mc, mg := meanAbs(curv), meanAbs(gnorm)
	steered := make([]float64, len(gradF))
	const d = 4
	for b := range 5 {
		cRel, gRel := curv[b]/(mc+1e-12), gnorm[b]/(mg+1e-12)
		omega := 1 / (1 + math.Exp(-(s.CurvatureWeight*cRel + s.GradNormWeight*gRel + s.MissingWeight*missing[b] + s.Bias)))
		testutil.CheckClose(t, "gate", gate[b], omega, testutil.HandDerived)
		factor := (1 - omega) + omega/(1+s.Gamma*math.Max(cRel, 0))
		for k := range d {
			steered[b*d+k] = factor * gradF[b*d+k]
		}
	}
	twoPass, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, gt *Node) []*Node {
		g := gt.Graph()
		p := coxProblem(ctx, g)
		f := p.Encoder(ctx)
		enc := Gradient(ReduceAllSum(Mul(f, gt)), ctx.GetVariableByScopeAndName("/model/enc", "weights").ValueGraph(g))
		headLoss := p.Loss(p.Head(ctx, StopGradient(f)), nil)
		head := Gradient(headLoss,
			ctx.GetVariableByScopeAndName("/model/hazard/l1", "weights").ValueGraph(g),
			ctx.GetVariableByScopeAndName("/model/hazard/l2", "weights").ValueGraph(g))
		return append(enc, head...)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := twoPass.Exec(tensors.FromFlatDataAndDimensions(steered, 5, d))
	if err != nil {
		t.Fatal(err)
	}
	// Variables in context order: /model/enc, /model/hazard/l1, /model/hazard/l2.
	for i := range res {
		testutil.CheckAllClose(t, "gradient", oneGraph[i], tensors.MustCopyFlatData[float64](res[i]), testutil.SameEstimator)
	}
}

// TestHutchinsonMatchesTheHessianBlockTrace averages GCS's curvature over
// many Rademacher probes and compares with tr(H_bb), the trace of each
// sample's Hessian block of the summed loss B·L with respect to its fused
// features, computed by central differences of the gradient.
func TestHutchinsonMatchesTheHessianBlockTrace(t *testing.T) {
	ctx := context.New().Checked(false)
	ctx.SetRNGStateFromSeed(3)
	const b, d, probes = 5, 4, 3000
	s := NewGCS()
	exec, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, g *Graph) *Node {
		p := coxProblem(ctx, g)
		f := p.Encoder(ctx)
		risk := p.Head(ctx, f)
		return MulScalar(s.curvature(ctx, p, f, risk, p.Loss(risk, nil)), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, b)
	for range probes {
		out, err := exec.Exec()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range tensors.MustCopyFlatData[float64](out[0]) {
			mean[i] += v / probes
		}
	}
	// Exact blocks by central differences of ∇_f (B·L) at f ± h e_k.
	gradAt, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, delta *Node) *Node {
		p := coxProblem(ctx, delta.Graph())
		f := Add(StopGradient(p.Encoder(ctx)), delta)
		return MulScalar(Gradient(p.Loss(p.Head(ctx, f), nil), f)[0], b)
	})
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	block := make([][d][d]float64, b)
	for i := range b {
		for k := range d {
			dp, dm := make([]float64, b*d), make([]float64, b*d)
			dp[i*d+k], dm[i*d+k] = h, -h
			op, _ := gradAt.Exec(tensors.FromFlatDataAndDimensions(dp, b, d))
			om, _ := gradAt.Exec(tensors.FromFlatDataAndDimensions(dm, b, d))
			gp, gm := tensors.MustCopyFlatData[float64](op[0]), tensors.MustCopyFlatData[float64](om[0])
			for j := range d {
				block[i][j][k] = (gp[i*d+j] - gm[i*d+j]) / (2 * h)
			}
		}
	}
	for i := range b {
		trace, offDiag := 0.0, 0.0
		for j := range d {
			trace += block[i][j][j]
			for k := range d {
				if j != k {
					offDiag += block[i][j][k] * block[i][j][k]
				}
			}
		}
		// Var(rᵀAr) = 2 Σ_{j≠k} A_jk² for a Rademacher r and symmetric A;
		// allow 5 standard errors of the mean plus finite-difference error.
		tol := 5*math.Sqrt(2*offDiag/probes) + 1e-6
		if math.Abs(mean[i]-trace) > tol {
			t.Errorf("sample %d: Hutchinson mean %.6f, trace %.6f (tolerance %.2g)", i, mean[i], trace, tol)
		}
	}
}

// TestCentralDifferenceMatchesDoubleBackprop draws the same probe for both
// estimators (same random state) and compares the curvatures.
func TestCentralDifferenceMatchesDoubleBackprop(t *testing.T) {
	curvature := func(est CurvatureEstimator) []float64 {
		ctx := context.New().Checked(false)
		ctx.SetRNGStateFromSeed(7)
		s := NewGCS()
		s.Estimator, s.Epsilon = est, 1e-4
		exec, err := context.NewExec(testBackend(t), ctx, func(ctx *context.Context, g *Graph) *Node {
			p := coxProblem(ctx, g)
			f := p.Encoder(ctx)
			risk := p.Head(ctx, f)
			return s.curvature(ctx, p, f, risk, p.Loss(risk, nil))
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec()
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](out[0])
	}
	testutil.CheckAllClose(t, "curvature", curvature(CentralDifference), curvature(DoubleBackprop), 1e-6)
}

var _ = dtypes.Float64

// TestGCSWithSAMAscentAndClosedGateEqualsSAM: with ω ≡ 0, GCS's optional SAM
// ascent step gives SAM's gradient.
func TestGCSWithSAMAscentAndClosedGateEqualsSAM(t *testing.T) {
	ctx := context.New().Checked(false)
	sam, _ := runStep(t, ctx, SAM{Rho: 0.05}, func(g *Graph) *Problem { return coxProblem(ctx, g) })
	s := NewGCS()
	s.Bias, s.SAMRho = -1e9, 0.05
	gcs, _ := runStep(t, ctx, s, func(g *Graph) *Problem { return coxProblem(ctx, g) })
	for i := range sam {
		testutil.CheckAllClose(t, "gradient", gcs[i], sam[i], 1e-12)
	}
}

// TestGCSCompatUsesTheSignProbe: the authors' variant is deterministic (sign
// probe, fixed random gate) and differs from the default.
func TestGCSCompatUsesTheSignProbe(t *testing.T) {
	run := func(s GCS, seed int64) [][]float64 {
		ctx := context.New().Checked(false)
		ctx.SetRNGStateFromSeed(seed)
		_, diag := runStep(t, ctx, s, func(g *Graph) *Problem { return coxProblem(ctx, g) })
		return diag
	}
	compat := NewGCS()
	compat.Compat, compat.CompatSeed = true, 1
	a, b := run(compat, 1), run(compat, 2)
	testutil.CheckAllClose(t, "compat curvature, two random states", a[0], b[0], 0)
	if d := run(NewGCS(), 1); d[2][0] == a[2][0] {
		t.Error("compat gate equals the default gate")
	}
	for _, v := range a[0] {
		if math.IsNaN(v) {
			t.Fatal("NaN curvature")
		}
	}
}
