// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

import (
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

// where is the Where executor for a condition, on-true and on-false
// operands of the output's shape (each may also be a single value) and
// 4- or 8-byte elements. It selects bit patterns without branches:
// out = (t AND m) OR (f AND NOT m) with m all ones where the condition
// holds, which copies exactly the selected value, as simplego's loop does,
// without its mispredicted branches (a ReLU's condition is a coin flip).
func where(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	out := simplegoabi.NodeShape(node)
	cond, onTrue, onFalse := simplegoabi.BufferShape(inputs[0]), simplegoabi.BufferShape(inputs[1]), simplegoabi.BufferShape(inputs[2])
	if !enabled.Load() || !whereDTypes[out.DType] || cond.Size() != out.Size() || !onTrue.Equal(out) && onTrue.Size() != 1 || !onFalse.Equal(out) && onFalse.Size() != 1 ||
		onTrue.DType != out.DType || onFalse.DType != out.DType || out.Size() == 1 {
		return handOver(backends.OpTypeWhere, b, node, inputs, owned)
	}
	t, f := inputs[1], inputs[2]
	var result *simplego.Buffer
	switch {
	case onTrue.Equal(out) && owned[1]:
		result, inputs[1] = t, nil
	case onFalse.Equal(out) && owned[2]:
		result, inputs[2] = f, nil
	default:
		if result = simplegoabi.PooledBuffer(b, out); result == nil {
			return nil, errFinalized
		}
	}
	c := simplegoabi.BufferFlat(inputs[0]).([]bool)
	o := simplegoabi.BufferFlat(result)
	switch out.DType.Size() {
	case 4:
		selectBits(c, bits[uint32](o), bits[uint32](simplegoabi.BufferFlat(t)), bits[uint32](simplegoabi.BufferFlat(f)))
	case 8:
		selectBits(c, bits[uint64](o), bits[uint64](simplegoabi.BufferFlat(t)), bits[uint64](simplegoabi.BufferFlat(f)))
	}
	planted(o)
	taken.Add(1)
	return result, nil
}

// whereDTypes are the dtypes where serves (4- and 8-byte elements).
var whereDTypes = map[dtypes.DType]bool{dtypes.Float32: true, dtypes.Float64: true, dtypes.Int32: true, dtypes.Int64: true}

// bits views a flat slice of 4- or 8-byte elements as unsigned integers of
// the same size.
func bits[U uint32 | uint64](flat any) []U {
	var p unsafe.Pointer
	var n int
	switch x := flat.(type) {
	case []float32:
		p, n = unsafe.Pointer(unsafe.SliceData(x)), len(x)
	case []int32:
		p, n = unsafe.Pointer(unsafe.SliceData(x)), len(x)
	case []float64:
		p, n = unsafe.Pointer(unsafe.SliceData(x)), len(x)
	case []int64:
		p, n = unsafe.Pointer(unsafe.SliceData(x)), len(x)
	}
	return unsafe.Slice((*U)(p), n)
}

// selectBits sets out[i] = t[i] where c[i], else f[i]; t or f of length 1
// is one value for every i. out may alias t or f (each element is read
// before it is written).
func selectBits[U uint32 | uint64](c []bool, out, t, f []U) {
	tStep, fStep := 1, 1
	if len(t) == 1 {
		tStep = 0
	}
	if len(f) == 1 {
		fStep = 0
	}
	out = out[:len(c)]
	for i, ci := range c {
		m := -U(*(*uint8)(unsafe.Pointer(&ci))) // all ones when ci, else zero
		out[i] = t[i*tStep]&m | f[i*fStep]&^m
	}
}
