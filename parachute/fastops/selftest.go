// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops

import (
	"fmt"
	"math/rand/v2"
	"reflect"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// selfTestCase is one layout of the self-test: a binary op of operands of
// shapes lhs and rhs; BroadcastInDim of lhs to out, with new axes at
// expanded; a transpose of lhs by perm; or a reduction of lhs over axes.
type selfTestCase struct {
	op            string
	dtype         dtypes.DType
	lhs, rhs      []int
	out, expanded []int
	perm, axes    []int
	// handed: simplego's own executors must compute every op of the case.
	handed bool
}

// selfTestCases cover the plan's paths: a row broadcast along the last axis
// (LayerNorm's mean), leading axes (a bias), both operands broadcast, axes
// that merge and that do not, size-1 axes in the output, the reuse of
// either operand, float64; BroadcastInDim with and without new axes, of
// floats, integers and booleans; transposes that gather, copy runs and
// keep a size-1 axis; sums and maxima over the last axis, leading axes,
// interleaved axes and every axis; Where of floats and integers, with a
// single-value branch.
var selfTestCases = []selfTestCase{
	{op: "add", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, rhs: []int{1, 1, 5}},
	{op: "sub", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, rhs: []int{4, 3, 1}},
	{op: "div", dtype: dtypes.Float32, lhs: []int{4, 3, 1}, rhs: []int{4, 3, 5}},
	{op: "mul", dtype: dtypes.Float32, lhs: []int{4, 1, 5}, rhs: []int{1, 3, 1}},
	{op: "sub", dtype: dtypes.Float32, lhs: []int{2, 3, 4, 5}, rhs: []int{2, 1, 4, 1}},
	{op: "div", dtype: dtypes.Float32, lhs: []int{1, 6}, rhs: []int{7, 1}},
	{op: "mul", dtype: dtypes.Float32, lhs: []int{3, 1, 4, 1}, rhs: []int{3, 2, 4, 1}},
	{op: "add", dtype: dtypes.Float64, lhs: []int{5, 1, 3}, rhs: []int{5, 4, 3}},
	{op: "div", dtype: dtypes.Float64, lhs: []int{2, 3, 4}, rhs: []int{2, 1, 1}},
	{op: "broadcast", dtype: dtypes.Float32, lhs: []int{4, 1, 5}, out: []int{4, 3, 5}},
	{op: "broadcast", dtype: dtypes.Float32, lhs: []int{3, 5}, out: []int{2, 3, 4, 5}, expanded: []int{0, 2}},
	{op: "broadcast", dtype: dtypes.Float64, lhs: []int{6}, out: []int{6, 2}, expanded: []int{1}},
	{op: "broadcast", dtype: dtypes.Int32, lhs: []int{1, 4}, out: []int{3, 4}},
	{op: "broadcast", dtype: dtypes.Bool, lhs: []int{1, 3, 3}, out: []int{2, 3, 3}},
	{op: "transpose", dtype: dtypes.Float32, lhs: []int{4, 5, 3, 2}, perm: []int{0, 2, 3, 1}},
	{op: "transpose", dtype: dtypes.Float32, lhs: []int{6, 7}, perm: []int{1, 0}},
	{op: "transpose", dtype: dtypes.Float64, lhs: []int{3, 1, 4, 5}, perm: []int{2, 1, 3, 0}},
	{op: "transpose", dtype: dtypes.Bool, lhs: []int{2, 3, 4}, perm: []int{1, 0, 2}},
	{op: "sum", dtype: dtypes.Float32, lhs: []int{4, 3, 50}, axes: []int{2}},
	{op: "sum", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, axes: []int{0, 1}},
	{op: "sum", dtype: dtypes.Float32, lhs: []int{4, 3, 5, 2}, axes: []int{1, 3}},
	{op: "sum", dtype: dtypes.Float64, lhs: []int{2, 1, 7}, axes: []int{0, 1, 2}},
	{op: "max", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, axes: []int{2}},
	{op: "max", dtype: dtypes.Float64, lhs: []int{4, 3, 5}, axes: []int{0}},
	{op: "sub", dtype: dtypes.Float32, lhs: []int{64, 16, 256}, rhs: []int{64, 16, 1}},            // split across goroutines
	{op: "transpose", dtype: dtypes.Float32, lhs: []int{64, 256, 16, 3}, perm: []int{0, 2, 3, 1}}, // split across goroutines
	{op: "where", dtype: dtypes.Float32, lhs: []int{64, 16, 256}, rhs: []int{64, 16, 256}},        // split across goroutines
	{op: "where", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, rhs: []int{4, 3, 5}},
	{op: "where", dtype: dtypes.Float64, lhs: []int{7, 2}, rhs: []int{7, 2}},
	{op: "where", dtype: dtypes.Int32, lhs: []int{9}, rhs: []int{9}},
	{op: "where-bool", dtype: dtypes.Float32, lhs: []int{3, 4}, rhs: []int{3, 4}, handed: true},
	{op: "where-scalar", dtype: dtypes.Float32, lhs: []int{4, 3, 5}, rhs: []int{4, 3, 5}},
}

// graphOf returns the case's computation.
func (tc selfTestCase) graphOf() func(l, r *Node) *Node {
	return func(l, r *Node) *Node {
		switch tc.op {
		case "add":
			return Add(l, r)
		case "sub":
			return Sub(l, r)
		case "mul":
			return Mul(l, r)
		case "div":
			return Div(l, r)
		case "transpose":
			return TransposeAllDims(l, tc.perm...)
		case "sum":
			return ReduceSum(l, tc.axes...)
		case "max":
			return ReduceMax(l, tc.axes...)
		case "where":
			return Where(GreaterThan(l, r), l, r)
		case "where-bool": // handed to simplego: its result must still be right
			return ConvertDType(Where(GreaterThan(l, r), GreaterThan(r, l), LessThan(l, ScalarZero(l.Graph(), l.DType()))), l.DType())
		case "where-scalar":
			return Where(GreaterThan(l, r), l, ScalarZero(l.Graph(), l.DType()))
		}
		if tc.expanded != nil {
			return ExpandAndBroadcast(l, tc.out, tc.expanded)
		}
		return BroadcastToDims(l, tc.out...)
	}
}

// selfTest runs every case with the executors on and off on a fresh
// sequential simplego backend and requires bitwise equal results, computed
// by the executors here when switched on.
func selfTest() error {
	b, err := simplegoabi.SelfTestBackend()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(11, 11))
	for _, tc := range selfTestCases {
		lhs := randomTensor(rng, tc.dtype, tc.lhs)
		rhs := randomTensor(rng, tc.dtype, []int{1})
		if tc.rhs != nil {
			rhs = randomTensor(rng, tc.dtype, tc.rhs)
		}
		fn := tc.graphOf()
		before, _ := Counts()
		enabled.Store(true)
		got, err := ExecOnce(b, fn, lhs, rhs)
		if err != nil {
			return fmt.Errorf("%s %v %v: %w", tc.op, tc.lhs, tc.rhs, err)
		}
		if after, _ := Counts(); (after == before) != tc.handed {
			return fmt.Errorf("%s %v %v: computed by package fastops = %v, want %v", tc.op, tc.lhs, tc.rhs, after != before, !tc.handed)
		}
		enabled.Store(false)
		want, err := ExecOnce(b, fn, lhs, rhs)
		enabled.Store(true)
		if err != nil {
			return fmt.Errorf("%s %v %v (simplego): %w", tc.op, tc.lhs, tc.rhs, err)
		}
		if !got.Shape().Equal(want.Shape()) || !reflect.DeepEqual(got.Value(), want.Value()) {
			return fmt.Errorf("%s %v %v: result differs from simplego's", tc.op, tc.lhs, tc.rhs)
		}
	}
	return nil
}

// randomTensor returns a tensor of normal values (floats), small integers
// or random booleans.
func randomTensor(rng *rand.Rand, dtype dtypes.DType, dims []int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	switch dtype {
	case dtypes.Float64:
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return tensors.FromFlatDataAndDimensions(x, dims...)
	case dtypes.Int32:
		x := make([]int32, n)
		for i := range x {
			x[i] = rng.Int32N(100) - 50
		}
		return tensors.FromFlatDataAndDimensions(x, dims...)
	case dtypes.Bool:
		x := make([]bool, n)
		for i := range x {
			x[i] = rng.IntN(2) == 1
		}
		return tensors.FromFlatDataAndDimensions(x, dims...)
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(x, dims...)
}
