// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package fastops_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"

	"github.com/parachute-surv/goparachute/parachute/fastops"
)

func TestInstallPassesItsSelfTest(t *testing.T) {
	s := fastops.Install()
	if !s.Active {
		t.Fatal(s)
	}
	t.Log(s)
}

func TestSelfTestCatchesAPlantedMismatch(t *testing.T) {
	if s := fastops.Install(); !s.Active {
		t.Fatal(s)
	}
	if err := fastops.RunSelfTest(true); err == nil {
		t.Fatal("self-test passed with every result perturbed")
	}
	if err := fastops.RunSelfTest(false); err != nil {
		t.Fatal(err)
	}
}

func TestPlanMergesAxes(t *testing.T) {
	// [64, 16, 256] − [64, 16, 1]: two axes, the operand broadcast along the last.
	p := fastops.PlanBroadcast([]int{64, 16, 256}, []int{64, 16, 256}, []int{64, 16, 1})
	if got := p; !reflect.DeepEqual(got.Dims(), []int{1024, 256}) || !reflect.DeepEqual(got.Strides(), [][]int{{256, 1}, {1, 0}}) {
		t.Errorf("plan %v %v", got.Dims(), got.Strides())
	}
	// Size-1 output axes vanish; a bias [1, 1, d] over [B, 1, K, d].
	p = fastops.PlanBroadcast([]int{8, 1, 4, 32}, []int{8, 1, 4, 32}, []int{1, 1, 1, 32})
	if !reflect.DeepEqual(p.Dims(), []int{32, 32}) || !reflect.DeepEqual(p.Strides(), [][]int{{32, 1}, {0, 1}}) {
		t.Errorf("plan %v %v", p.Dims(), p.Strides())
	}
}

// TestRandomLayoutsAreBitwiseEqual compares every op with simplego's own
// executor on random layouts of rank 1 to 5: broadcasting operands, axis
// permutations and sets of reduced axes.
func TestRandomLayoutsAreBitwiseEqual(t *testing.T) {
	if s := fastops.Install(); !s.Active {
		t.Fatal(s)
	}
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		rank := 1 + rng.IntN(5)
		out := make([]int, rank)
		lhs, rhs := make([]int, rank), make([]int, rank)
		for a := range out {
			out[a] = 1 + rng.IntN(4)
			lhs[a], rhs[a] = out[a], out[a]
			if rng.IntN(3) == 0 {
				lhs[a] = 1
			} else if rng.IntN(3) == 0 {
				rhs[a] = 1
			}
		}
		dtype := dtypes.Float32
		if i%3 == 0 {
			dtype = dtypes.Float64
		}
		perm := rng.Perm(rank)
		var axes []int
		for a := range rank {
			if rng.IntN(2) == 0 {
				axes = append(axes, a)
			}
		}
		ops := map[string]func(l, r *Node) *Node{"add": Add, "sub": Sub, "mul": Mul, "div": Div,
			"broadcast": func(l, r *Node) *Node { return BroadcastToShape(l, r.Shape()) },
			"transpose": func(l, _ *Node) *Node { return TransposeAllDims(l, perm...) },
			"sum":       func(l, _ *Node) *Node { return ReduceSum(l, axes...) },
			"max":       func(l, _ *Node) *Node { return ReduceMax(l, axes...) },
			"where":     func(l, r *Node) *Node { return Where(GreaterThan(l, r), l, r) }}
		for name, fn := range ops {
			ld, rd := lhs, rhs
			switch name {
			case "broadcast":
				rd = out
			case "transpose", "sum", "max", "where":
				ld, rd = out, out
			}
			l, rt := fastops.RandomTensor(rng, dtype, ld), fastops.RandomTensor(rng, dtype, rd)
			fastops.SetEnabled(true)
			got, err := ExecOnce(b, fn, l, rt)
			if err != nil {
				t.Fatal(err)
			}
			fastops.SetEnabled(false)
			want, err := ExecOnce(b, fn, l, rt)
			fastops.SetEnabled(true)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Value(), want.Value()) {
				t.Fatalf("%s %v %v (%s): differs from simplego", name, ld, rd, dtype)
			}
		}
	}
}
