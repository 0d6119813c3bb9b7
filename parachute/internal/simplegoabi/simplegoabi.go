// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package simplegoabi

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// Executor is simplego's node executor type (backends/simplego/exec.go):
// it computes one node from its input buffers; inputsOwned[i] says whether
// input i may be reused, and an executor that reuses it as its output sets
// inputs[i] to nil so that the caller does not release it.
type Executor = func(b *simplego.Backend, node *simplego.Node, inputs []*simplego.Buffer, inputsOwned []bool) (*simplego.Buffer, error)

// nodeExecutors is simplego's unexported table of op executors, pulled in
// by name: the only way to replace one executor of GoMLX v0.26.0.
//
//go:linkname nodeExecutors github.com/gomlx/gomlx/backends/simplego.nodeExecutors
var nodeExecutors [backends.OpTypeLast]Executor

// fieldOffsets are the byte offsets of the unexported simplego fields read
// and written here, found by name and type through reflection.
type fieldOffsets struct {
	nodeShape, nodeData         uintptr
	bufShape, bufValid, bufFlat uintptr
}

var (
	checkOnce sync.Once
	checkErr  error
	offsets   fieldOffsets
)

// Check verifies the GoMLX version and the simplego fields this package
// uses; every other function requires it to have returned nil.
func Check() error {
	checkOnce.Do(func() {
		if err := CheckGoMLXVersion(LinkedGoMLXVersion()); err != nil {
			checkErr = fmt.Errorf("simplego internals: %w", err)
			return
		}
		offsets, checkErr = findOffsets()
	})
	return checkErr
}

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

// ExecutorOf returns simplego's current executor of op.
func ExecutorOf(op backends.OpType) Executor { return nodeExecutors[op] }

// SetExecutor replaces simplego's executor of op.
func SetExecutor(op backends.OpType, ex Executor) { nodeExecutors[op] = ex }

func at[T any](p unsafe.Pointer, off uintptr) *T { return (*T)(unsafe.Add(p, off)) }

// NodeShape is the output shape of a node.
func NodeShape(n *simplego.Node) shapes.Shape {
	return *at[shapes.Shape](unsafe.Pointer(n), offsets.nodeShape)
}

// NodeData is a node's op-specific parameters (for example the axes of a
// DotGeneral or a BroadcastInDim).
func NodeData(n *simplego.Node) any { return *at[any](unsafe.Pointer(n), offsets.nodeData) }

// BufferShape is the shape of a buffer.
func BufferShape(b *simplego.Buffer) shapes.Shape {
	return *at[shapes.Shape](unsafe.Pointer(b), offsets.bufShape)
}

// BufferFlat is a buffer's data, a slice of its dtype's Go type.
func BufferFlat(b *simplego.Buffer) any { return *at[any](unsafe.Pointer(b), offsets.bufFlat) }

// getBufferForShape is simplego's buffer pool: a buffer of the shape's
// size, not zeroed, reused from earlier released buffers when possible.
//
//go:linkname getBufferForShape github.com/gomlx/gomlx/backends/simplego.(*Backend).getBufferForShape
func getBufferForShape(b *simplego.Backend, shape shapes.Shape) *simplego.Buffer

// PooledBuffer returns a buffer of the given shape from simplego's pool; its
// contents are arbitrary (the caller writes every element). Nil when the
// backend is finalised.
func PooledBuffer(b *simplego.Backend, shape shapes.Shape) *simplego.Buffer {
	return getBufferForShape(b, shape)
}

// NewBuffer makes a valid simplego buffer holding flat with the given shape.
func NewBuffer(shape shapes.Shape, flat any) *simplego.Buffer {
	b := new(simplego.Buffer)
	p := unsafe.Pointer(b)
	*at[shapes.Shape](p, offsets.bufShape) = shape
	*at[bool](p, offsets.bufValid) = true
	*at[any](p, offsets.bufFlat) = flat
	return b
}

// SelfTestBackend creates a fresh sequential simplego backend for a
// start-up self-test (finalise it after use).
func SelfTestBackend() (backends.Backend, error) {
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		return nil, err
	}
	if _, ok := b.(*simplego.Backend); !ok {
		b.Finalize()
		return nil, fmt.Errorf("go:ops_sequential is %T, not simplego", b)
	}
	return b, nil
}
