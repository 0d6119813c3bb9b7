// SPDX-License-Identifier: Apache-2.0

package fastgrad

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// gradients evaluates, for f(A, B) = Σ op(A, B) ⊙ W, the first-order
// gradients (dA, dB) and the second-order terms d/dA and d/dB of
// ⟨dA, U⟩ + ⟨dB, U'⟩, with the VJP registration currently installed.
func gradients(t *testing.T, backend backends.Backend, op func(a, b *Node) *Node, a, b, w, ua, ub *tensors.Tensor) [][]float64 {
	t.Helper()
	exec, err := NewExec(backend, func(inputs []*Node) []*Node {
		a, b, w, ua, ub := inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]
		f := ReduceAllSum(Mul(op(a, b), w))
		g := Gradient(f, a, b)
		inner := Add(ReduceAllSum(Mul(g[0], ua)), ReduceAllSum(Mul(g[1], ub)))
		h := Gradient(inner, a, b)
		return []*Node{g[0], g[1], h[0], h[1]}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Exec(a, b, w, ua, ub)
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]float64, len(out))
	for i, o := range out {
		res[i] = tensors.MustCopyFlatData[float64](o)
	}
	return res
}

func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = rng.NormFloat64()
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// TestMatchesStockVJPs compares the override with GoMLX's own VJPs on the
// einsum shapes the model uses (attention logits and values, dense layers of
// rank 3, plain matmuls) and on Dot's three cases, first and second order.
// The tolerance is testutil.StockVJP (1e-9): the two differ only in
// summation order.
func TestMatchesStockVJPs(t *testing.T) {
	backend := installedBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name         string
		op           func(a, b *Node) *Node
		aDims, bDims []int
		outDims      []int
	}{
		{"attention logits bqhd,bkhd->bqhk", func(a, b *Node) *Node { return Einsum("bqhd,bkhd->bqhk", a, b) }, []int{2, 3, 2, 4}, []int{2, 5, 2, 4}, []int{2, 3, 2, 5}},
		{"attention values bqhk,bkhd->bqhd", func(a, b *Node) *Node { return Einsum("bqhk,bkhd->bqhd", a, b) }, []int{2, 3, 2, 5}, []int{2, 5, 2, 4}, []int{2, 3, 2, 4}},
		{"dense rank 3 abc,cde->abde", func(a, b *Node) *Node { return Einsum("abc,cde->abde", a, b) }, []int{2, 3, 4}, []int{4, 2, 3}, []int{2, 3, 2, 3}},
		{"matmul ij,jk->ik", func(a, b *Node) *Node { return Einsum("ij,jk->ik", a, b) }, []int{3, 4}, []int{4, 5}, []int{3, 5}},
		{"transposed ij,kj->ki", func(a, b *Node) *Node { return Einsum("ij,kj->ki", a, b) }, []int{3, 4}, []int{5, 4}, []int{5, 3}},
		{"batch-first contraction on lhs axis 0", func(a, b *Node) *Node {
			return DotGeneral(a, []int{0}, []int{2}, b, []int{1}, []int{0})
		}, []int{4, 3, 2}, []int{2, 4, 5}, []int{2, 3, 5}},
		{"Dot matrix-matrix", Dot, []int{3, 4}, []int{4, 5}, []int{3, 5}},
		{"Dot matrix-vector", Dot, []int{3, 4}, []int{4}, []int{3}},
		{"Dot vector-vector", Dot, []int{4}, []int{4}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := randomTensor(rng, tc.aDims...), randomTensor(rng, tc.bDims...)
			w := randomTensor(rng, tc.outDims...)
			ua, ub := randomTensor(rng, tc.aDims...), randomTensor(rng, tc.bDims...)
			fast := gradients(t, backend, tc.op, a, b, w, ua, ub)
			VJPRegistration[NodeTypeDotGeneral], VJPRegistration[NodeTypeDot] = stock[NodeTypeDotGeneral], stock[NodeTypeDot]
			ref := gradients(t, backend, tc.op, a, b, w, ua, ub)
			VJPRegistration[NodeTypeDotGeneral], VJPRegistration[NodeTypeDot] = dotGeneralVJP, dotVJP
			for i, name := range []string{"dA", "dB", "d²/dA", "d²/dB"} {
				testutil.CheckAllClose(t, name, fast[i], ref[i], testutil.StockVJP)
			}
			nonzero := false
			for _, v := range fast[0] {
				nonzero = nonzero || math.Abs(v) > 0
			}
			if !nonzero {
				t.Errorf("dA is identically zero: the case does not exercise the gradient")
			}
		})
	}
}

// installedBackend installs the overrides and returns the pure-Go backend,
// finalized when the test ends.
func installedBackend(t *testing.T) backends.Backend {
	t.Helper()
	if s := Install(); !s.Active {
		t.Fatal(s)
	}
	backend, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(backend.Finalize)
	return backend
}

// TestSliceGradientWithoutPad: the gradient of Σ W ⊙ x[1:3, 2:] + Σ x[0]²
// (two slices of the same x, whose gradients add) is W put back at the
// sliced positions, 2·x on row 0 and 0 elsewhere, built without Pad, which
// the pure-Go backend lacks; at second order (through the square) it holds
// too.
func TestSliceGradientWithoutPad(t *testing.T) {
	backend := installedBackend(t)
	exec, err := NewExec(backend, func(x, w *Node) []*Node {
		part := Slice(x, AxisRange(1, 3), AxisRange(2))  // [2, 2] of [4, 4]
		first := Slice(x, AxisRange(0, 1), AxisRange(0)) // row 0
		f := Add(ReduceAllSum(Mul(part, w)), ReduceAllSum(Square(first)))
		g := Gradient(f, x)[0]
		return []*Node{g, Gradient(ReduceAllSum(g), x)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := make([]float64, 16)
	for i := range x {
		x[i] = float64(i + 1)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, 4, 4), tensors.FromFlatDataAndDimensions([]float64{10, 20, 30, 40}, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float64](out[0])
	want := []float64{2, 4, 6, 8, 0, 0, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0} // 2x on row 0, W at [1:3, 2:]
	second := tensors.MustCopyFlatData[float64](out[1])
	wantSecond := []float64{2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	for i := range want {
		if got[i] != want[i] || second[i] != wantSecond[i] {
			t.Fatalf("gradient %v, want %v; second order %v, want %v", got, want, second, wantSecond)
		}
	}
}

// TestAnotherGoMLXVersionInstallsNothing: under another (or an unknown)
// GoMLX version install leaves GoMLX's gradients in place and says why.
func TestAnotherGoMLXVersionInstallsNothing(t *testing.T) {
	entry := func(n NodeType) uintptr { return reflect.ValueOf(VJPRegistration[n]).Pointer() }
	before := []uintptr{entry(NodeTypeDotGeneral), entry(NodeTypeDot), entry(NodeTypeSlice)}
	for _, v := range []string{"v0.27.0", ""} {
		s := install(v)
		if s.Active || !strings.Contains(s.Reason, "GoMLX's own gradients serve") {
			t.Errorf("version %q: %+v", v, s)
		}
		if after := []uintptr{entry(NodeTypeDotGeneral), entry(NodeTypeDot), entry(NodeTypeSlice)}; !slices.Equal(before, after) {
			t.Errorf("version %q: the registry changed", v)
		}
	}
}
