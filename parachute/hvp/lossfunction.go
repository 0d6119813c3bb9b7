// SPDX-License-Identifier: Apache-2.0

// Package hvp turns a trained network's loss into a landscape.Operator:
// [LossFunction] computes the loss, its gradient and Hessian-vector products
// Hv by double backpropagation (Pearlmutter's trick), and the loss on grids
// of parameter perturbations, for package landscape's eigenvalue, trace and
// surface methods (Figure 6, tutorial 4). The loss is a train.Objective:
// the Cox partial likelihood of a trainer's network on a fixed batch.
package hvp

import (
	"fmt"
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// LossFunction is a landscape.Operator over a trained network's parameters: the
// Hessian of its loss ([train.Objective]) times a vector, by double
// backpropagation (Pearlmutter's trick: Hv = ∇θ⟨∇θ L, v⟩ with v held
// constant). θ is the concatenation of the trainable variables in
// [train.Objective.Variables] order, row-major. The graph computes in
// the model's dtype (float32 unless configured otherwise); the vectors are
// float64 on the host.
type LossFunction struct {
	obj    *train.Objective
	blocks []landscape.Block
	dim    int
	dtype  dtypes.DType
	// SurfaceChunk is the number of grid points Losses evaluates per graph
	// call (0 means 8): the network is built that many times in one graph.
	SurfaceChunk int
	grad, hvp    *context.Exec
	surface      map[int]*context.Exec
}

// NewLossFunction returns the operator of a network's loss.
func NewLossFunction(obj *train.Objective) (*LossFunction, error) {
	m := &LossFunction{obj: obj, surface: map[int]*context.Exec{}}
	for _, v := range obj.Variables {
		s := v.Shape()
		if m.dtype == dtypes.InvalidDType {
			m.dtype = s.DType
		} else if s.DType != m.dtype {
			return nil, fmt.Errorf("hvp: variables of dtypes %s and %s", m.dtype, s.DType)
		}
		m.blocks = append(m.blocks, landscape.Block{Name: v.ScopeAndName(), Dims: s.Dimensions, Offset: m.dim, Size: s.Size()})
		m.dim += s.Size()
	}
	if m.dim == 0 {
		return nil, fmt.Errorf("hvp: the model has no trainable parameters")
	}
	var err error
	if m.grad, err = context.NewExec(obj.Backend, obj.Context, m.gradientGraph); err != nil {
		return nil, err
	}
	if m.hvp, err = context.NewExec(obj.Backend, obj.Context, m.hvpGraph); err != nil {
		return nil, err
	}
	return m, nil
}

// Dim implements landscape.Operator: the number of trainable parameters.
func (m *LossFunction) Dim() int { return m.dim }

// Blocks returns the variables' places in θ.
func (m *LossFunction) Blocks() []landscape.Block { return m.blocks }

// Theta returns the trained parameters θ.
func (m *LossFunction) Theta() []float64 {
	theta := make([]float64, m.dim)
	for i, v := range m.obj.Variables {
		copyOut(v.MustValue(), theta[m.blocks[i].Offset:])
	}
	return theta
}

// Apply implements landscape.Operator: dst = H v at θ by double backpropagation.
func (m *LossFunction) Apply(dst, v []float64) error {
	out, err := m.hvp.Exec(append(m.obj.Inputs, m.tensorsOf(v)...)...)
	if err != nil {
		return err
	}
	m.flatten(out, dst)
	return nil
}

// LossAndGradient returns L(θ + δ) and ∇L(θ + δ) (δ nil: at θ).
func (m *LossFunction) LossAndGradient(delta []float64) (float64, []float64, error) {
	if delta == nil {
		delta = make([]float64, m.dim)
	}
	out, err := m.grad.Exec(append(m.obj.Inputs, m.tensorsOf(delta)...)...)
	if err != nil {
		return 0, nil, err
	}
	g := make([]float64, m.dim)
	m.flatten(out[1:], g)
	return scalar(out[0]), g, nil
}

// HVPDifference writes the central difference of gradients
// (∇L(θ + εu) − ∇L(θ − εu)) ‖v‖ / (2ε), u = v/‖v‖, into dst: the
// cross-check of Apply (its error is O(ε²) plus rounding of order
// machine-ε·‖∇L‖/ε, so ε ≈ 1e-4 suits float64 and 1e-2 float32).
func (m *LossFunction) HVPDifference(dst, v []float64, eps float64) error {
	nv := vecNorm(v)
	if nv == 0 {
		clear(dst)
		return nil
	}
	d := make([]float64, m.dim)
	for i, x := range v {
		d[i] = eps * x / nv
	}
	_, gp, err := m.LossAndGradient(d)
	if err != nil {
		return err
	}
	for i := range d {
		d[i] = -d[i]
	}
	_, gm, err := m.LossAndGradient(d)
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = (gp[i] - gm[i]) * nv / (2 * eps)
	}
	return nil
}

// Losses returns L(θ + αₖ d₁ + βₖ d₂) for each k, SurfaceChunk points per
// graph call (the last chunk padded by repeating its last point).
func (m *LossFunction) Losses(d1, d2, alphas, betas []float64) ([]float64, error) {
	if len(d1) != m.dim || len(d2) != m.dim || len(alphas) != len(betas) {
		return nil, fmt.Errorf("hvp: directions of length %d and %d for %d parameters, %d α and %d β",
			len(d1), len(d2), m.dim, len(alphas), len(betas))
	}
	chunk := m.SurfaceChunk
	if chunk <= 0 {
		chunk = 8
	}
	exec, ok := m.surface[chunk]
	if !ok {
		var err error
		exec, err = context.NewExec(m.obj.Backend, m.obj.Context, func(ctx *context.Context, inputs []*Node) *Node {
			return m.surfaceGraph(ctx, inputs, chunk)
		})
		if err != nil {
			return nil, err
		}
		m.surface[chunk] = exec
	}
	base := append(append(append([]any{}, m.obj.Inputs...), m.tensorsOf(d1)...), m.tensorsOf(d2)...)
	out := make([]float64, 0, len(alphas))
	for start := 0; start < len(alphas); start += chunk {
		a, b := make([]float64, chunk), make([]float64, chunk)
		for k := range chunk {
			i := min(start+k, len(alphas)-1)
			a[k], b[k] = alphas[i], betas[i]
		}
		res, err := exec.Exec(append(base, m.vector(a), m.vector(b))...)
		if err != nil {
			return nil, err
		}
		vals := make([]float64, chunk)
		copyOut(res[0], vals)
		out = append(out, vals[:min(chunk, len(alphas)-start)]...)
	}
	return out, nil
}

// nIn is the number of the objective's own graph inputs.
func (m *LossFunction) nIn() int { return len(m.obj.Inputs) }

// perturb sets every variable's graph value to θ + delta(i) and returns a
// function restoring them (so that the graph never writes them back).
func (m *LossFunction) perturb(g *Graph, delta func(i int, theta *Node) *Node) (nodes []*Node, restore func()) {
	orig := make([]*Node, len(m.obj.Variables))
	for i, v := range m.obj.Variables {
		orig[i] = v.ValueGraph(g)
		p := delta(i, orig[i])
		v.SetValueGraph(p)
		nodes = append(nodes, p)
	}
	return nodes, func() {
		for i, v := range m.obj.Variables {
			v.SetValueGraph(orig[i])
		}
	}
}

// gradientGraph: inputs are the objective's and one δ per variable;
// outputs L(θ + δ) and its gradient per variable.
func (m *LossFunction) gradientGraph(ctx *context.Context, inputs []*Node) []*Node {
	g := inputs[0].Graph()
	deltas := inputs[m.nIn():]
	nodes, restore := m.perturb(g, func(i int, theta *Node) *Node { return Add(theta, deltas[i]) })
	loss := m.obj.Loss(ctx, inputs[:m.nIn()])
	restore()
	return append([]*Node{loss}, Gradient(loss, nodes...)...)
}

// hvpGraph: inputs are the objective's and v per variable; outputs Hv per
// variable.
func (m *LossFunction) hvpGraph(ctx *context.Context, inputs []*Node) []*Node {
	g := inputs[0].Graph()
	vs := inputs[m.nIn():]
	theta := make([]*Node, len(m.obj.Variables))
	for i, v := range m.obj.Variables {
		theta[i] = v.ValueGraph(g)
	}
	loss := m.obj.Loss(ctx, inputs[:m.nIn()])
	grads := Gradient(loss, theta...)
	var inner *Node
	for i, gr := range grads {
		term := ReduceAllSum(Mul(gr, StopGradient(vs[i])))
		if inner == nil {
			inner = term
		} else {
			inner = Add(inner, term)
		}
	}
	return Gradient(inner, theta...)
}

// surfaceGraph: inputs are the objective's, d₁ and d₂ per variable, and
// α, β of length chunk; output the chunk's losses.
func (m *LossFunction) surfaceGraph(ctx *context.Context, inputs []*Node, chunk int) *Node {
	g := inputs[0].Graph()
	nv := len(m.obj.Variables)
	d1, d2 := inputs[m.nIn():m.nIn()+nv], inputs[m.nIn()+nv:m.nIn()+2*nv]
	alphas, betas := inputs[m.nIn()+2*nv], inputs[m.nIn()+2*nv+1]
	losses := make([]*Node, chunk)
	for k := range chunk {
		a := Reshape(Slice(alphas, AxisElem(k)))
		b := Reshape(Slice(betas, AxisElem(k)))
		_, restore := m.perturb(g, func(i int, theta *Node) *Node {
			return Add(theta, Add(Mul(a, d1[i]), Mul(b, d2[i])))
		})
		losses[k] = m.obj.Loss(ctx, inputs[:m.nIn()])
		restore()
	}
	return Stack(losses, 0)
}

// tensorsOf splits a θ-shaped vector into one tensor per variable, in the
// model's dtype.
func (m *LossFunction) tensorsOf(v []float64) []any {
	out := make([]any, len(m.blocks))
	for i, b := range m.blocks {
		part := v[b.Offset : b.Offset+b.Size]
		if m.dtype == dtypes.Float64 {
			out[i] = tensors.FromFlatDataAndDimensions(append([]float64(nil), part...), b.Dims...)
			continue
		}
		f := make([]float32, len(part))
		for k, x := range part {
			f[k] = float32(x)
		}
		out[i] = tensors.FromFlatDataAndDimensions(f, b.Dims...)
	}
	return out
}

func (m *LossFunction) vector(x []float64) *tensors.Tensor {
	if m.dtype == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(x, len(x))
	}
	f := make([]float32, len(x))
	for k, v := range x {
		f[k] = float32(v)
	}
	return tensors.FromFlatDataAndDimensions(f, len(x))
}

// flatten writes per-variable tensors into a θ-shaped vector.
func (m *LossFunction) flatten(ts []*tensors.Tensor, dst []float64) {
	for i, b := range m.blocks {
		copyOut(ts[i], dst[b.Offset:b.Offset+b.Size])
	}
}

// copyOut copies a float tensor's values into dst.
func copyOut(t *tensors.Tensor, dst []float64) {
	t.MustConstFlatData(func(flat any) {
		switch f := flat.(type) {
		case []float32:
			for k, x := range f {
				dst[k] = float64(x)
			}
		case []float64:
			copy(dst, f)
		default:
			panic(fmt.Sprintf("hvp: a %T tensor", flat))
		}
	})
}

func scalar(t *tensors.Tensor) float64 {
	v := make([]float64, 1)
	copyOut(t, v)
	return v[0]
}

func vecNorm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}
