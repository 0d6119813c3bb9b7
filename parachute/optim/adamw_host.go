// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/parachute/runscope"
)

// ApplyOnHost is [AdamW.Apply] computed on the host, one fused pass over
// each parameter, for backends whose tensors live in host memory (GoMLX's
// pure-Go backend): there the graph form's sixteen element-wise passes over
// every parameter, each a separate op, cost about a third of a training
// step. vars and grads are in the same order; the state variables (moments
// and step count) are the graph form's, under the same names, so the two
// forms can take turns (checkpoints are interchangeable).
//
// Each element goes through the graph form's operations in its order and
// dtype — for a parameter of dtype T, with c = T(1 − β1) etc. converted as
// GoMLX converts scalar constants:
//
//	m ← m·T(β1) + g·T(1−β1);  v ← v·T(β2) + (g·g)·T(1−β2)
//	p ← p − (T(lr)·T(λ))·p                        (decayed parameters)
//	p ← p − T(lr)·((m / b1) / (√(v / b2) + T(ε))),  bi = 1 − T(T(βi)^T(t))
//
// with every product and quotient rounded to T (explicit conversions keep
// the compiler from fusing them), so the results are bitwise those of
// Apply on the pure-Go backend (tested).
func (o *AdamW) ApplyOnHost(ctx *context.Context, vars []*context.Variable, grads []*tensors.Tensor, lr float64) error {
	if len(vars) != len(grads) {
		return fmt.Errorf("optim.AdamW: %d variables, %d gradients", len(vars), len(grads))
	}
	if len(vars) == 0 {
		return nil
	}
	state := runscope.Abs(ctx, "/"+StateScope+"/adamw")
	stepVar := getOrCreate(state, "step", tensors.FromScalar(float64(0)))
	stepValue, err := stepVar.Value()
	if err != nil {
		return err
	}
	step := tensors.ToScalar[float64](stepValue) + 1
	if err := stepVar.SetValue(tensors.FromScalar(step)); err != nil {
		return err
	}
	// Variables are independent: split them across GOMAXPROCS goroutines
	// (the state variables are created first, serially).
	momentVars := make([][2]*context.Variable, len(vars))
	for i, v := range vars {
		m, sq := moments(state, v)
		momentVars[i] = [2]*context.Variable{m, sq}
	}
	errs := make([]error, len(vars))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(vars); i = int(next.Add(1) - 1) {
				v := vars[i]
				decay := o.WeightDecay > 0 && o.Decays(v)
				if err := o.updateOnHost(v, grads[i], momentVars[i][0], momentVars[i][1], step, lr, decay); err != nil {
					errs[i] = fmt.Errorf("optim.AdamW on the host, variable %s/%s: %w", v.Scope(), v.Name(), err)
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// updateOnHost updates one parameter and its moments in place.
func (o *AdamW) updateOnHost(v *context.Variable, grad *tensors.Tensor, mVar, vVar *context.Variable, step, lr float64, decay bool) error {
	p, err := v.Value()
	if err != nil {
		return err
	}
	m, err := mVar.Value()
	if err != nil {
		return err
	}
	sq, err := vVar.Value()
	if err != nil {
		return err
	}
	switch v.Shape().DType {
	case dtypes.Float32:
		return adamwOnHost[float32](o, p, grad, m, sq, step, lr, decay)
	case dtypes.Float64:
		return adamwOnHost[float64](o, p, grad, m, sq, step, lr, decay)
	}
	return fmt.Errorf("dtype %s is not float32 or float64", v.Shape().DType)
}

// adamwOnHost updates one parameter p and its moments m and v in place.
func adamwOnHost[T float32 | float64](o *AdamW, p, grad, m, v *tensors.Tensor, step, lr float64, decay bool) error {
	var g []T
	if err := grad.ConstFlatData(func(flat any) { g = flat.([]T) }); err != nil {
		return err
	}
	t, lrT := T(step), T(lr)
	b1, b2 := T(o.Beta1), T(o.Beta2)
	c1, c2, eps := T(1-o.Beta1), T(1-o.Beta2), T(o.Epsilon)
	bc1 := 1 - T(math.Pow(float64(b1), float64(t)))
	bc2 := 1 - T(math.Pow(float64(b2), float64(t)))
	lrDecay := T(lrT * T(o.WeightDecay))
	var ms, vs, ps []T
	for _, x := range []struct {
		t   *tensors.Tensor
		dst *[]T
	}{{m, &ms}, {v, &vs}, {p, &ps}} {
		if err := x.t.MutableFlatData(func(flat any) { *x.dst = flat.([]T) }); err != nil {
			return err
		}
	}
	if len(ms) != len(ps) || len(vs) != len(ps) || len(g) != len(ps) {
		return fmt.Errorf("sizes: parameter %d, gradient %d, moments %d and %d", len(ps), len(g), len(ms), len(vs))
	}
	for i, x := range ps {
		gi := g[i]
		mi := T(ms[i]*b1) + T(gi*c1)
		vi := T(vs[i]*b2) + T(T(gi*gi)*c2)
		ms[i], vs[i] = mi, vi
		if decay {
			x -= T(lrDecay * x)
		}
		denom := T(math.Sqrt(float64(T(vi/bc2)))) + eps
		ps[i] = x - T(lrT*T(T(mi/bc1)/denom))
	}
	return nil
}
