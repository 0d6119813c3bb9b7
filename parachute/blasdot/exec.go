// SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noblas

package blasdot

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// executor is simplego's node executor type (backends/simplego/exec.go).
type executor = func(*simplego.Backend, *simplego.Node, []*simplego.Buffer, []bool) (*simplego.Buffer, error)

// nodeExecutors is simplego's unexported table of op executors, pulled in
// by name: the only way to replace one executor of GoMLX v0.26.0.
//
//go:linkname nodeExecutors github.com/gomlx/gomlx/backends/simplego.nodeExecutors
var nodeExecutors [backends.OpTypeLast]executor

var (
	// stock is simplego's own DotGeneral executor, used for the layouts a
	// GEMM cannot take and whenever the override is off.
	stock executor
	// enabled switches the override without touching the table (the
	// self-test compares both paths).
	enabled atomic.Bool
	// plantMismatch perturbs every BLAS result (tests of the self-test).
	plantMismatch bool
	// verifyEach, when set (tests), recomputes every BLAS result with the
	// stock executor and records the first disagreement in verifyErr.
	verifyEach atomic.Bool
	verifyErr  atomic.Pointer[error]
	offsets    fieldOffsets
)

// fieldOffsets are the byte offsets of the unexported simplego fields the
// executor reads and writes, found by name and type through reflection.
type fieldOffsets struct {
	nodeShape, nodeData         uintptr
	bufShape, bufValid, bufFlat uintptr
}

// findOffsets checks that simplego's Node and Buffer still have the fields
// (names and types) this package was written against.
func findOffsets() (fieldOffsets, error) {
	var o fieldOffsets
	anyType := reflect.TypeOf((*any)(nil)).Elem()
	shapeType := reflect.TypeOf(shapes.Shape{})
	field := func(t reflect.Type, name string, want reflect.Type) (uintptr, error) {
		f, ok := t.FieldByName(name)
		if !ok || f.Type != want {
			return 0, fmt.Errorf("simplego.%s has no field %s of type %s", t.Name(), name, want)
		}
		return f.Offset, nil
	}
	var err error
	nodeT, bufT := reflect.TypeOf(simplego.Node{}), reflect.TypeOf(simplego.Buffer{})
	if o.nodeShape, err = field(nodeT, "shape", shapeType); err != nil {
		return o, err
	}
	if o.nodeData, err = field(nodeT, "data", anyType); err != nil {
		return o, err
	}
	if o.bufShape, err = field(bufT, "shape", shapeType); err != nil {
		return o, err
	}
	if o.bufValid, err = field(bufT, "valid", reflect.TypeOf(true)); err != nil {
		return o, err
	}
	if o.bufFlat, err = field(bufT, "flat", anyType); err != nil {
		return o, err
	}
	return o, nil
}

func at[T any](p unsafe.Pointer, off uintptr) *T { return (*T)(unsafe.Add(p, off)) }

// dotAxes reads the axes of a DotGeneral node from its unexported
// dotGeneralNodeData (checked by field name and kind on every read).
func dotAxes(node *simplego.Node) (lc, lb, rc, rb []int, err error) {
	data := *at[any](unsafe.Pointer(node), offsets.nodeData)
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

// newBuffer makes a simplego buffer holding flat with the given shape.
func newBuffer(shape shapes.Shape, flat any) *simplego.Buffer {
	b := new(simplego.Buffer)
	p := unsafe.Pointer(b)
	*at[shapes.Shape](p, offsets.bufShape) = shape
	*at[bool](p, offsets.bufValid) = true
	*at[any](p, offsets.bufFlat) = flat
	return b
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
	lhs, rhs := unsafe.Pointer(inputs[0]), unsafe.Pointer(inputs[1])
	lshape, rshape := *at[shapes.Shape](lhs, offsets.bufShape), *at[shapes.Shape](rhs, offsets.bufShape)
	out := *at[shapes.Shape](unsafe.Pointer(node), offsets.nodeShape)
	plan, ok := planGemm(lshape.Dimensions, rshape.Dimensions, lc, lb, rc, rb)
	if !ok || out.Size() != plan.Count*plan.M*plan.N || lshape.DType != rshape.DType {
		fallbacks.Add(1)
		return stock(b, node, inputs, owned)
	}
	lflat, rflat := *at[any](lhs, offsets.bufFlat), *at[any](rhs, offsets.bufFlat)
	var res any
	switch out.DType {
	case dtypes.Float32:
		res = product(plan, lflat, rflat, out.Size(), gemm32)
	case dtypes.Float64:
		res = product(plan, lflat, rflat, out.Size(), gemm64)
	}
	if res == nil {
		fallbacks.Add(1)
		return stock(b, node, inputs, owned)
	}
	calls.Add(1)
	return verified(b, node, inputs, owned, newBuffer(out, res))
}

// product runs the plan on flat operands of element type T into a new
// output of size elements; nil when the operands are not []T.
func product[T float32 | float64](plan gemmPlan, lflat, rflat any, size int, gemm func(gemmPlan, []T, []T, []T)) any {
	a, ok1 := lflat.([]T)
	b, ok2 := rflat.([]T)
	if !ok1 || !ok2 {
		return nil
	}
	c := make([]T, size)
	gemm(plan, a, b, c)
	if plantMismatch {
		c[0] *= 1.001
	}
	return c
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
	shape := *at[shapes.Shape](unsafe.Pointer(node), offsets.nodeShape)
	got, want := *at[any](unsafe.Pointer(res), offsets.bufFlat), *at[any](unsafe.Pointer(ref), offsets.bufFlat)
	if err := compareFlat(got, want); err != nil && verifyErr.Load() == nil {
		e := fmt.Errorf("DotGeneral %s (lhs contracting %v batch %v, rhs contracting %v batch %v): %w", shape, lc, lb, rc, rb, err)
		verifyErr.Store(&e)
	}
	return res, nil
}

// override installs dotGeneral in simplego's table.
func override() error {
	var err error
	if offsets, err = findOffsets(); err != nil {
		return err
	}
	if stock == nil {
		stock = nodeExecutors[backends.OpTypeDotGeneral]
	}
	if stock == nil {
		return errors.New("simplego has no DotGeneral executor to fall back on")
	}
	nodeExecutors[backends.OpTypeDotGeneral] = dotGeneral
	enabled.Store(true)
	return nil
}

// restore puts simplego's own executor back.
func restore() {
	enabled.Store(false)
	if stock != nil {
		nodeExecutors[backends.OpTypeDotGeneral] = stock
	}
}
