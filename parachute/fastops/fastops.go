// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

// Status says whether the executors are installed and why.
type Status struct {
	Active bool   `json:"active"`
	Reason string `json:"reason"`
}

// String is the one-line form `parachute backends` prints.
func (s Status) String() string {
	if s.Active {
		return fmt.Sprintf("active: %s; %d calls taken, %d handed to simplego so far", s.Reason, taken.Load(), handed.Load())
	}
	return "inactive: " + s.Reason
}

var (
	installOnce sync.Once
	status      Status
	// enabled switches the executors without touching the table (the
	// self-test compares both paths).
	enabled atomic.Bool
	// plantMismatch perturbs every result (tests of the self-test).
	plantMismatch bool
	// taken and handed count calls computed here and handed to simplego's
	// own executors.
	taken, handed atomic.Int64
	// stock holds simplego's own executors of the replaced ops.
	stock = map[backends.OpType]simplegoabi.Executor{}
)

// binaryOps are the replaced binary ops.
var binaryOps = map[backends.OpType]binaryOp{
	backends.OpTypeAdd: opAdd, backends.OpTypeSub: opSub, backends.OpTypeMul: opMul, backends.OpTypeDiv: opDiv,
}

// Counts returns the calls computed here and handed to simplego's own
// executors since start-up.
func Counts() (fast, simple int64) { return taken.Load(), handed.Load() }

// Install installs the executors once per process and returns the
// outcome; later calls return the same status. Call it at start-up, before
// any graph runs (package backend does).
func Install() Status {
	installOnce.Do(func() { status = install() })
	return status
}

func install() Status {
	if os.Getenv("PARACHUTE_FASTOPS") == "off" {
		return Status{Reason: "switched off (PARACHUTE_FASTOPS=off)"}
	}
	if err := simplegoabi.Check(); err != nil {
		return Status{Reason: "simplego internals: " + err.Error()}
	}
	override()
	if err := selfTest(); err != nil {
		restore()
		return Status{Reason: "self-test failed, simplego's executors restored: " + err.Error()}
	}
	return Status{Active: true, Reason: fmt.Sprintf("Add, Sub, Mul, Div (broadcasting), BroadcastInDim, Transpose, ReduceSum, ReduceMax, Where; self-test bitwise equal on %d layouts", len(selfTestCases))}
}

func override() {
	executors := map[backends.OpType]simplegoabi.Executor{
		backends.OpTypeBroadcastInDim: copyExecutor(backends.OpTypeBroadcastInDim, broadcastPlan),
		backends.OpTypeTranspose:      copyExecutor(backends.OpTypeTranspose, transposePlan),
		backends.OpTypeReduceSum:      reduceExecutor(backends.OpTypeReduceSum, reduceSum),
		backends.OpTypeReduceMax:      reduceExecutor(backends.OpTypeReduceMax, reduceMax),
		backends.OpTypeWhere:          where,
	}
	for op := range binaryOps {
		executors[op] = binaryExecutor(op)
	}
	for op, ex := range executors {
		if stock[op] == nil {
			stock[op] = simplegoabi.ExecutorOf(op)
		}
		simplegoabi.SetExecutor(op, ex)
	}
	enabled.Store(true)
}

func restore() {
	enabled.Store(false)
	for op, ex := range stock {
		simplegoabi.SetExecutor(op, ex)
	}
}

// binaryExecutor returns the executor of a binary op: the strided loops
// when the operands are float32 or float64 of different shapes, neither a
// single element, simplego's executor otherwise.
func binaryExecutor(op backends.OpType) simplegoabi.Executor {
	kind := binaryOps[op]
	return func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		lshape, rshape := simplegoabi.BufferShape(inputs[0]), simplegoabi.BufferShape(inputs[1])
		out := simplegoabi.NodeShape(node)
		if !enabled.Load() || lshape.Equal(rshape) || lshape.Size() == 1 || rshape.Size() == 1 ||
			lshape.Rank() != out.Rank() || rshape.Rank() != out.Rank() || lshape.DType != out.DType || rshape.DType != out.DType ||
			(out.DType != dtypes.Float32 && out.DType != dtypes.Float64) {
			return handOver(op, b, node, inputs, owned)
		}
		plan := planBroadcast(out.Dimensions, lshape.Dimensions, rshape.Dimensions)
		lhs, rhs := inputs[0], inputs[1]
		// Like simplego, write into an operand that is ours to reuse and
		// already has the output's shape (each element is read before it is
		// written), and tell the caller by clearing its slot.
		var result *simplego.Buffer
		switch {
		case owned[1] && rshape.Equal(out):
			result, inputs[1] = rhs, nil
		case owned[0] && lshape.Equal(out):
			result, inputs[0] = lhs, nil
		default:
			if result = simplegoabi.PooledBuffer(b, out); result == nil {
				return nil, errFinalized
			}
		}
		l, r, o := simplegoabi.BufferFlat(lhs), simplegoabi.BufferFlat(rhs), simplegoabi.BufferFlat(result)
		switch out.DType {
		case dtypes.Float32:
			binary(kind, plan, o.([]float32), l.([]float32), r.([]float32))
		case dtypes.Float64:
			binary(kind, plan, o.([]float64), l.([]float64), r.([]float64))
		}
		planted(o)
		taken.Add(1)
		return result, nil
	}
}

var errFinalized = errors.New("fastops: the backend is finalised")

// handOver computes the node with simplego's own executor of op, counted.
func handOver(op backends.OpType, b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
	handed.Add(1)
	return stock[op](b, node, inputs, owned)
}

// planted perturbs a result when the self-test's planted mismatch is on.
func planted(flat any) {
	if !plantMismatch {
		return
	}
	switch x := flat.(type) {
	case []float32:
		x[0]++
	case []float64:
		x[0]++
	case []bool:
		x[0] = !x[0]
	case []int32:
		x[0]++
	}
}

// copyDTypes are the dtypes copyInto serves.
var copyDTypes = map[dtypes.DType]bool{dtypes.Float32: true, dtypes.Float64: true, dtypes.Int32: true, dtypes.Int64: true, dtypes.Bool: true}

// copyInto runs copyStrided on out and flat, slices of the same element
// type among copyDTypes.
func copyInto(plan stridedPlan, out, flat any) {
	switch src := flat.(type) {
	case []float32:
		copyStrided(plan, out.([]float32), src)
	case []float64:
		copyStrided(plan, out.([]float64), src)
	case []int32:
		copyStrided(plan, out.([]int32), src)
	case []int64:
		copyStrided(plan, out.([]int64), src)
	case []bool:
		copyStrided(plan, out.([]bool), src)
	}
}

// copyExecutor runs a broadcast or a transpose planned by plan (nil: hand
// the call to simplego) into a pooled buffer.
func copyExecutor(op backends.OpType, plan func(in, out shapes.Shape, data any) *stridedPlan) simplegoabi.Executor {
	return func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		in, out := simplegoabi.BufferShape(inputs[0]), simplegoabi.NodeShape(node)
		var p *stridedPlan
		if enabled.Load() && in.DType == out.DType && copyDTypes[in.DType] {
			p = plan(in, out, simplegoabi.NodeData(node))
		}
		if p == nil {
			return handOver(op, b, node, inputs, owned)
		}
		result := simplegoabi.PooledBuffer(b, out)
		if result == nil {
			return nil, errFinalized
		}
		o := simplegoabi.BufferFlat(result)
		copyInto(*p, o, simplegoabi.BufferFlat(inputs[0]))
		planted(o)
		taken.Add(1)
		return result, nil
	}
}

// broadcastPlan plans BroadcastInDim. Its node data is the output axis of
// each operand axis (increasing), so the operand's flat data reads as a
// tensor of the output's rank with size 1 on the other axes.
func broadcastPlan(in, out shapes.Shape, data any) *stridedPlan {
	axes, ok := data.([]int)
	if !ok || len(axes) != in.Rank() {
		return nil
	}
	dims := make([]int, out.Rank())
	for a := range dims {
		dims[a] = 1
	}
	for k, a := range axes {
		if a < 0 || a >= len(dims) || (k > 0 && a <= axes[k-1]) || (in.Dimensions[k] != 1 && in.Dimensions[k] != out.Dimensions[a]) {
			return nil
		}
		dims[a] = in.Dimensions[k]
	}
	p := planBroadcast(out.Dimensions, dims)
	return &p
}

// transposePlan plans Transpose: output axis a is operand axis perm[a].
func transposePlan(in, out shapes.Shape, data any) *stridedPlan {
	perm, ok := data.([]int)
	if !ok || len(perm) != in.Rank() || out.Rank() != in.Rank() {
		return nil
	}
	natural := rowMajorStrides(in.Dimensions, in.Dimensions)
	strides := make([]int, len(perm))
	for a, from := range perm {
		if from < 0 || from >= len(natural) || in.Dimensions[from] != out.Dimensions[a] {
			return nil
		}
		strides[a] = natural[from]
	}
	p := planStrided(out.Dimensions, strides)
	return &p
}

// reduceExecutor returns the executor of ReduceSum or ReduceMax over float32
// and float64 operands (node data: the reduced axes).
func reduceExecutor(op backends.OpType, kind reduceOp) simplegoabi.Executor {
	return func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, owned []bool) (*simplego.Buffer, error) {
		in, out := simplegoabi.BufferShape(inputs[0]), simplegoabi.NodeShape(node)
		axes, ok := simplegoabi.NodeData(node).([]int)
		if !enabled.Load() || !ok || len(axes) == 0 || in.DType != out.DType || (in.DType != dtypes.Float32 && in.DType != dtypes.Float64) {
			return handOver(op, b, node, inputs, owned)
		}
		kept := slices.Clone(in.Dimensions) // the output's dimensions at the input's rank
		for _, a := range axes {
			if a < 0 || a >= len(kept) {
				return handOver(op, b, node, inputs, owned)
			}
			kept[a] = 1
		}
		outStrides := rowMajorStrides(kept, in.Dimensions)
		plan := planStrided(in.Dimensions, rowMajorStrides(in.Dimensions, in.Dimensions), outStrides)
		result := simplegoabi.PooledBuffer(b, out)
		if result == nil {
			return nil, errFinalized
		}
		o := simplegoabi.BufferFlat(result)
		switch src := simplegoabi.BufferFlat(inputs[0]).(type) {
		case []float32:
			reduce(kind, plan, o.([]float32), src, initial[float32](kind))
		case []float64:
			reduce(kind, plan, o.([]float64), src, initial[float64](kind))
		}
		planted(o)
		taken.Add(1)
		return result, nil
	}
}

// initial is a reduction's starting value: 0 for the sum, −∞ for the
// maximum (simplego's dtype.LowestValue()).
func initial[T float32 | float64](kind reduceOp) T {
	if kind == reduceMax {
		return T(math.Inf(-1))
	}
	return 0
}
