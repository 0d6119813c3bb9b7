// SPDX-License-Identifier: Apache-2.0

package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/optim"
	"github.com/parachute-surv/goparachute/parachute/stats"
)

// ToyValley is a two-dimensional loss with a sharp and a flat valley,
//
//	L(x) = 1 − Σ_v a_v exp(−‖x − c_v‖² / (2 w_v²)),
//
// each valley v a Gaussian well of depth a_v and width w_v. Samples see it
// shifted, ℓ_b(θ) = L(θ + δ_b), and the training loss is their mean: the
// fused feature of sample b (what Gradient Curvature Steering acts on) is
// f_b = θ + δ_b.
type ToyValley struct {
	SharpCentre, FlatCentre [2]float64
	SharpWidth, FlatWidth   float64
	SharpDepth, FlatDepth   float64
	// Shifts are the samples' δ_b.
	Shifts [][2]float64
}

// NewToyValley is the tutorial's landscape: a narrow valley at (−1.2, 0)
// (depth 1.4, width 0.15) on the slope of a wide one at (0.8, 0.3) (depth
// 0.8, width 0.9), seen by 8 samples shifted by N(0, 0.15²).
func NewToyValley(seed uint64) ToyValley { return newToyValley(seed, 0.15) }

// newToyValley is NewToyValley with the samples' shift SD.
func newToyValley(seed uint64, shift float64) ToyValley {
	rng := rand.New(rand.NewPCG(seed, 0x703))
	v := ToyValley{SharpCentre: [2]float64{-1.2, 0}, FlatCentre: [2]float64{0.8, 0.3}, SharpWidth: 0.15, FlatWidth: 0.9,
		SharpDepth: 1.4, FlatDepth: 0.8}
	for range 8 {
		v.Shifts = append(v.Shifts, [2]float64{shift * rng.NormFloat64(), shift * rng.NormFloat64()})
	}
	return v
}

// wells lists (centre, width, depth) of the two valleys.
func (v ToyValley) wells() [2]struct {
	c    [2]float64
	w, a float64
} {
	return [2]struct {
		c    [2]float64
		w, a float64
	}{{v.SharpCentre, v.SharpWidth, v.SharpDepth}, {v.FlatCentre, v.FlatWidth, v.FlatDepth}}
}

// At returns L(x), its gradient and its Hessian at x.
func (v ToyValley) At(x [2]float64) (float64, [2]float64, [2][2]float64) {
	l := 1.0
	var g [2]float64
	var h [2][2]float64
	for _, w := range v.wells() {
		d := [2]float64{x[0] - w.c[0], x[1] - w.c[1]}
		s2 := w.w * w.w
		e := w.a * math.Exp(-(d[0]*d[0]+d[1]*d[1])/(2*s2))
		l -= e
		for i := range 2 {
			g[i] += e * d[i] / s2
			for j := range 2 {
				delta := 0.0
				if i == j {
					delta = 1
				}
				h[i][j] += e * (delta/s2 - d[i]*d[j]/(s2*s2))
			}
		}
	}
	return l, g, h
}

// TrainingLoss is the mean over the samples of L(θ + δ_b).
func (v ToyValley) TrainingLoss(theta [2]float64) float64 {
	s := 0.0
	for _, d := range v.Shifts {
		l, _, _ := v.At([2]float64{theta[0] + d[0], theta[1] + d[1]})
		s += l / float64(len(v.Shifts))
	}
	return s
}

// graphLoss builds L(f) for f [B, 2] as graph code (the toy's "hazard net").
func (v ToyValley) graphLoss(f *Node) *Node {
	g := f.Graph()
	out := OnesLike(ReduceSum(f, -1))
	for _, w := range v.wells() {
		c := Const(g, [][]float64{{w.c[0], w.c[1]}})
		d2 := ReduceSum(Square(Sub(f, c)), -1)
		out = Sub(out, MulScalar(Exp(MulScalar(d2, -1/(2*w.w*w.w))), w.a))
	}
	return out
}

// Trajectory is one optimizer's path on the toy: θ at each step (Theta[0]
// is the start), the training loss, and for GCS the per-sample curvature
// r_bᵀ∇²L(f_b) r_b and gate ω_b at each step.
type Trajectory struct {
	Method    string       `json:"method"`
	Theta     [][2]float64 `json:"theta"`
	Loss      []float64    `json:"loss"`
	Curvature [][]float64  `json:"curvature,omitempty"`
	Gate      [][]float64  `json:"gate,omitempty"`
	// End summarises the end point: the training loss, the Hessian's
	// eigenvalues there (sharpness) and the mean training loss after random
	// shifts of θ of length 0.2 (robustness to perturbation).
	EndLoss      float64    `json:"end_loss"`
	EndEigen     [2]float64 `json:"end_eigenvalues"`
	EndPerturbed float64    `json:"end_perturbed_loss"`
}

// SharpnessResult is the data of tutorial 3 (sharpness, SAM and GCS).
type SharpnessResult struct {
	Valley ToyValley `json:"valley"`
	Start  [2]float64
	// LearningRate, Steps, SAMRho: the shared settings.
	LearningRate float64 `json:"learning_rate"`
	Steps        int     `json:"steps"`
	SAMRho       float64 `json:"sam_rho"`
	// Grid holds the training loss on a grid for the contour plot:
	// Loss[i][j] at (X[j], Y[i]).
	X, Y         []float64
	Loss         [][]float64
	Trajectories []Trajectory `json:"trajectories"`
	Probes       ProbeStudy   `json:"probes"`
}

// SharpnessOptions configures [Sharpness]; the zero value is the
// tutorial's run.
type SharpnessOptions struct {
	Seed uint64 // default 1
	// Start is the starting point (default (−1.45, −0.15), near the sharp
	// valley); UseStart must be set for a Start of (0, 0).
	Start    [2]float64
	UseStart bool
	// SAMRho is SAM's radius (default 0.5); Steps the number of steps
	// (default 400); Shift the SD of the samples' offsets (default 0.15).
	SAMRho float64
	Steps  int
	Shift  float64
}

// Sharpness runs AdamW, SAM, GCS and GCS with SAM's ascent (the library's
// optim methods, on the backend; AdamW without weight decay at learning
// rate 0.01, mini-batches of half the samples) from one start on the toy
// valley, and studies the curvature probes at a point of the sharp valley.
func Sharpness(opts SharpnessOptions) (*SharpnessResult, error) {
	b, err := backend.New()
	if err != nil {
		return nil, err
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if !opts.UseStart {
		opts.Start = [2]float64{-1.45, -0.15}
	}
	if opts.SAMRho == 0 {
		opts.SAMRho = 0.5
	}
	if opts.Steps == 0 {
		opts.Steps = 400
	}
	if opts.Shift == 0 {
		opts.Shift = 0.15
	}
	seed := opts.Seed
	v := newToyValley(seed, opts.Shift)
	res := &SharpnessResult{Valley: v, Start: opts.Start, LearningRate: 0.01, Steps: opts.Steps, SAMRho: opts.SAMRho}
	gcsSAM := optim.NewGCS()
	gcsSAM.SAMRho = res.SAMRho
	methods := []struct {
		name string
		m    optim.Step
	}{{"AdamW", optim.AdamWOnly{}}, {fmt.Sprintf("SAM (ρ = %g)", res.SAMRho), optim.SAM{Rho: res.SAMRho}},
		{"GCS", optim.NewGCS()}, {fmt.Sprintf("GCS + SAM ascent (ρ = %g)", res.SAMRho), gcsSAM}}
	for _, m := range methods {
		tr, err := runToy(b, v, m.m, res.Start, res.LearningRate, res.Steps, seed)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		tr.Method = m.name
		res.Trajectories = append(res.Trajectories, tr)
	}
	// A 61 × 46 grid: fine enough for the contours, small enough for the
	// SVG a notebook embeds.
	for k := range 61 {
		res.X = append(res.X, -2+4.5*float64(k)/60)
	}
	for k := range 46 {
		res.Y = append(res.Y, -1.2+3*float64(k)/45)
	}
	for _, y := range res.Y {
		row := make([]float64, len(res.X))
		for j, x := range res.X {
			row[j] = v.TrainingLoss([2]float64{x, y})
		}
		res.Loss = append(res.Loss, row)
	}
	res.Probes = StudyProbes(v, [2]float64{-1.3, 0.05}, 4000, seed)
	return res, nil
}

// Where says where a trajectory ended: "in the sharp valley" (within 0.2
// of its centre), "in the flat valley" (within 0.5 of its centre), or on
// the slope, with the sign of the Hessian's eigenvalues there.
func (r *SharpnessResult) Where(tr Trajectory) string {
	end := tr.Theta[len(tr.Theta)-1]
	v := r.Valley
	switch {
	case math.Hypot(end[0]-v.SharpCentre[0], end[1]-v.SharpCentre[1]) < 0.2:
		return "in the sharp valley"
	case math.Hypot(end[0]-v.FlatCentre[0], end[1]-v.FlatCentre[1]) < 0.5:
		return "in the flat valley"
	case tr.EndEigen[1] < 0:
		return "on the slope between the valleys, at a saddle (one negative eigenvalue), not a minimum"
	}
	return "on the slope between the valleys"
}

// runToy trains θ from start with a method of package optim and AdamW
// (no weight decay) at a constant learning rate.
func runToy(b backends.Backend, v ToyValley, method optim.Step, start [2]float64, lr float64, steps int, seed uint64) (Trajectory, error) {
	ctx := context.New().Checked(false)
	if err := ctx.SetRNGStateFromSeed(int64(seed)); err != nil {
		return Trajectory{}, err
	}
	thetaVar := ctx.In("toy").VariableWithValue("theta", [][]float64{{start[0], start[1]}})
	shifts := make([][]float64, len(v.Shifts))
	for i, d := range v.Shifts {
		shifts[i] = []float64{d[0], d[1]}
	}
	n := len(shifts)
	adamw := optim.NewAdamW()
	adamw.WeightDecay = 0
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, lrNode, valid *Node) []*Node {
		g := lrNode.Graph()
		ctx.SetTraining(g, true)
		p := &optim.Problem{
			Encoder: func(ctx *context.Context) *Node {
				return Add(BroadcastToDims(thetaVar.ValueGraph(g), n, 2), Const(g, shifts))
			},
			Head: func(_ *context.Context, fused *Node) *Node { return v.graphLoss(fused) },
			Loss: func(risk, subset *Node) *Node {
				in := valid
				if subset != nil {
					in = LogicalAnd(in, subset)
				}
				w := ConvertDType(in, risk.DType())
				return Div(ReduceAllSum(Mul(risk, w)), Max(ReduceAllSum(w), ScalarOne(g, risk.DType())))
			},
			CurvatureOfLoss: func(risk *Node) *Node { return ZerosLike(risk) }, // the loss is linear in the risks
			Missing:         LogicalAnd(valid, LogicalNot(valid)),
			Valid:           valid,
			HeadScope:       "/toy/head",
			ParamScope:      "/toy",
		}
		r := method.Build(ctx.In("toy"), p)
		adamw.Apply(ctx, r.Params, r.Grads, lrNode)
		curv, gate := r.Curvature, r.Gate
		if curv == nil {
			curv, gate = ZerosLike(r.Risk), ZerosLike(r.Risk)
		}
		return []*Node{r.Loss, thetaVar.ValueGraph(g), curv, gate}
	})
	if err != nil {
		return Trajectory{}, err
	}
	defer exec.Finalize()
	tr := Trajectory{Theta: [][2]float64{start}}
	_, gcs := method.(optim.GCS)
	rng := rand.New(rand.NewPCG(seed, 0xba7c))
	for range steps {
		// A mini-batch: half of the samples, drawn afresh each step.
		valid := make([]bool, n)
		for _, i := range rng.Perm(n)[:n/2] {
			valid[i] = true
		}
		out, err := exec.Exec(lr, valid)
		if err != nil {
			return tr, err
		}
		loss := tensors.MustCopyFlatData[float64](out[0])[0]
		th := tensors.MustCopyFlatData[float64](out[1])
		tr.Loss = append(tr.Loss, loss)
		tr.Theta = append(tr.Theta, [2]float64{th[0], th[1]})
		if gcs {
			var curv, gate []float64
			c, w := tensors.MustCopyFlatData[float64](out[2]), tensors.MustCopyFlatData[float64](out[3])
			for i := range valid {
				if valid[i] {
					curv, gate = append(curv, c[i]), append(gate, w[i])
				}
			}
			tr.Curvature = append(tr.Curvature, curv)
			tr.Gate = append(tr.Gate, gate)
		}
	}
	end := tr.Theta[len(tr.Theta)-1]
	tr.EndLoss = v.TrainingLoss(end)
	_, _, h := v.At(end)
	tr.EndEigen = eigen2(h)
	const radius, directions = 0.2, 64
	for k := range directions {
		a := 2 * math.Pi * float64(k) / directions
		tr.EndPerturbed += v.TrainingLoss([2]float64{end[0] + radius*math.Cos(a), end[1] + radius*math.Sin(a)}) / directions
	}
	return tr, nil
}

// eigen2 returns the eigenvalues of a symmetric 2×2 matrix, largest first.
func eigen2(h [2][2]float64) [2]float64 {
	m := (h[0][0] + h[1][1]) / 2
	d := math.Sqrt(((h[0][0]-h[1][1])/2)*((h[0][0]-h[1][1])/2) + h[0][1]*h[1][0])
	return [2]float64{m + d, m - d}
}

// ProbeStudy compares, at one point and over many Rademacher probes r, the
// curvature estimate Gradient Curvature Steering uses, rᵀ H r (Hutchinson:
// its mean is tr H), with what the supplement's Algorithm 2 line 11 writes,
// (gᵀr − gᵀ(−r))/(2ε) = gᵀr/ε: a directional derivative of the loss divided
// by a step that is never taken — odd in r where rᵀHr is even, with mean 0
// whatever the curvature and a spread that grows as ε shrinks.
type ProbeStudy struct {
	Point    [2]float64 `json:"point"`
	Probes   int        `json:"probes"`
	Trace    float64    `json:"trace"`
	Gradient [2]float64 `json:"gradient"`
	// Hutchinson and Line11 are the mean and SD over the probes; Line11 for
	// each Epsilon.
	HutchinsonMean, HutchinsonSD float64
	Epsilon                      []float64
	Line11Mean, Line11SD         []float64
}

// StudyProbes computes a ProbeStudy of the toy's per-sample loss L at a
// point, with analytic gradient and Hessian.
func StudyProbes(v ToyValley, at [2]float64, probes int, seed uint64) ProbeStudy {
	_, g, h := v.At(at)
	s := ProbeStudy{Point: at, Probes: probes, Trace: h[0][0] + h[1][1], Gradient: g, Epsilon: []float64{1e-2, 1e-3}}
	rng := rand.New(rand.NewPCG(seed, 0x11))
	hutch := make([]float64, probes)
	line := make([][]float64, len(s.Epsilon))
	for k := range probes {
		r := [2]float64{1, 1}
		for i := range r {
			if rng.IntN(2) == 0 {
				r[i] = -1
			}
		}
		hr := [2]float64{h[0][0]*r[0] + h[0][1]*r[1], h[1][0]*r[0] + h[1][1]*r[1]}
		hutch[k] = r[0]*hr[0] + r[1]*hr[1]
		gr := g[0]*r[0] + g[1]*r[1]
		for e, eps := range s.Epsilon {
			line[e] = append(line[e], (gr-(-gr))/(2*eps))
		}
	}
	s.HutchinsonMean, s.HutchinsonSD = stats.MeanSD(hutch)
	for e := range s.Epsilon {
		m, sd := stats.MeanSD(line[e])
		s.Line11Mean, s.Line11SD = append(s.Line11Mean, m), append(s.Line11SD, sd)
	}
	return s
}
