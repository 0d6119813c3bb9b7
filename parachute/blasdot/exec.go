// SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noblas && !stockgomlx

package blasdot

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

var (
	// stock is simplego's own DotGeneral executor, used for the layouts a
	// GEMM cannot take and whenever the override is off.
	stock simplegoabi.Executor
	// enabled switches the override without touching the table (the
	// self-test compares both paths).
	enabled atomic.Bool
	// plantMismatch perturbs every BLAS result (tests of the self-test).
	plantMismatch bool
	// verifyEach, when set (tests), recomputes every BLAS result with the
	// stock executor and records the first disagreement in verifyErr.
	verifyEach atomic.Bool
	verifyErr  atomic.Pointer[error]
)

// dotAxes reads the axes of a DotGeneral node from its unexported
// dotGeneralNodeData (checked by field name and kind on every read).
func dotAxes(node *simplego.Node) (lc, lb, rc, rb []int, err error) {
	data := simplegoabi.NodeData(node)
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct || v.Elem().Type().Name() != "dotGeneralNodeData" {
		return nil, nil, nil, nil, fmt.Errorf("DotGeneral node data is %T", data)
	}
	v = v.Elem()
	ints := func(name string) ([]int, error) {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.Int {
			return nil, fmt.Errorf("dotGeneralNodeData has no []int field %s", name)
		}
		out := make([]int, f.Len())
		for i := range out {
			out[i] = int(f.Index(i).Int())
		}
		return out, nil
	}
	if lc, err = ints("lhsContractingAxes"); err != nil {
		return
	}
	if lb, err = ints("lhsBatchAxes"); err != nil {
		return
	}
	if rc, err = ints("rhsContractingAxes"); err != nil {
		return
	}
	rb, err = ints("rhsBatchAxes")
	return
}

// dotGeneral is the DotGeneral executor: a batched GEMM through CBLAS when
// the operands' layout allows it (see planGemm) and the dtype is float32 or
// float64, simplego's own executor otherwise.
func dotGeneral(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	if !enabled.Load() {
		return stock(b, node, inputs, owned)
	}
	lc, lb, rc, rb, err := dotAxes(node)
	if err != nil {
		return nil, fmt.Errorf("blasdot: %w", err)
	}
	lshape, rshape := simplegoabi.BufferShape(inputs[0]), simplegoabi.BufferShape(inputs[1])
	out := simplegoabi.NodeShape(node)
	plan, ok := planGemm(lshape.Dimensions, rshape.Dimensions, lc, lb, rc, rb)
	if !ok || out.Size() != plan.Count*plan.M*plan.N || lshape.DType != rshape.DType {
		fallbacks.Add(1)
		return stock(b, node, inputs, owned)
	}
	lflat, rflat := simplegoabi.BufferFlat(inputs[0]), simplegoabi.BufferFlat(inputs[1])
	if !sameFloats(out.DType, lflat, rflat) {
		fallbacks.Add(1)
		return stock(b, node, inputs, owned)
	}
	// The output comes from simplego's buffer pool, as its own executors'
	// do: every element is written (the GEMMs run with β = 0, which
	// ignores C's previous contents).
	res := simplegoabi.PooledBuffer(b, out)
	if res == nil {
		return nil, errors.New("blasdot: the backend is finalised")
	}
	switch c := simplegoabi.BufferFlat(res).(type) {
	case []float32:
		product(plan, lflat.([]float32), rflat.([]float32), c, gemm32)
	case []float64:
		product(plan, lflat.([]float64), rflat.([]float64), c, gemm64)
	}
	calls.Add(1)
	return verified(b, node, inputs, owned, res)
}

// sameFloats reports whether both operands are float32 (or float64)
// slices, the output's dtype.
func sameFloats(dtype dtypes.DType, lflat, rflat any) bool {
	switch dtype {
	case dtypes.Float32:
		_, ok1 := lflat.([]float32)
		_, ok2 := rflat.([]float32)
		return ok1 && ok2
	case dtypes.Float64:
		_, ok1 := lflat.([]float64)
		_, ok2 := rflat.([]float64)
		return ok1 && ok2
	}
	return false
}

// product runs the plan on the operands into c.
func product[T float32 | float64](plan gemmPlan, a, b, c []T, gemm func(gemmPlan, []T, []T, []T)) {
	gemm(plan, a, b, c)
	if plantMismatch {
		c[0] *= 1.001
	}
}

// verified returns res, after comparing it with the stock executor's result
// when verifyEach is set.
func verified(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool, res *simplego.Buffer) (*simplego.Buffer, error) {
	if !verifyEach.Load() {
		return res, nil
	}
	ref, err := stock(b, node, inputs, make([]bool, len(owned))) // never donate inputs twice
	if err != nil {
		return nil, err
	}
	lc, lb, rc, rb, _ := dotAxes(node)
	shape := simplegoabi.NodeShape(node)
	got, want := simplegoabi.BufferFlat(res), simplegoabi.BufferFlat(ref)
	if err := compareFlat(got, want); err != nil && verifyErr.Load() == nil {
		e := fmt.Errorf("DotGeneral %s (lhs contracting %v batch %v, rhs contracting %v batch %v): %w", shape, lc, lb, rc, rb, err)
		verifyErr.Store(&e)
	}
	return res, nil
}

// override installs dotGeneral in simplego's table.
func override() error {
	if err := simplegoabi.Check(); err != nil {
		return err
	}
	if stock == nil {
		stock = simplegoabi.ExecutorOf(backends.OpTypeDotGeneral)
	}
	if stock == nil {
		return errors.New("simplego has no DotGeneral executor to fall back on")
	}
	simplegoabi.SetExecutor(backends.OpTypeDotGeneral, dotGeneral)
	enabled.Store(true)
	return nil
}

// restore puts simplego's own executor back.
func restore() {
	enabled.Store(false)
	if stock != nil {
		simplegoabi.SetExecutor(backends.OpTypeDotGeneral, stock)
	}
}
