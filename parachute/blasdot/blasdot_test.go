// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot_test

import (
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/blasdot"
)

func TestPlanGemm(t *testing.T) {
	for _, tc := range []struct {
		name           string
		lhs, rhs       []int
		lc, lb, rc, rb []int
		want           blasdot.GemmPlan
		ok             bool
	}{
		{"matmul", []int{5, 7}, []int{7, 3}, []int{1}, nil, []int{0}, nil,
			blasdot.GemmPlan{Count: 1, M: 5, N: 3, K: 7, LdA: 7, LdB: 3, LdC: 3, AOffsets: []int{0}, BOffsets: []int{0}, COffsets: []int{0}}, true},
		{"lhs k×m", []int{7, 5}, []int{7, 3}, []int{0}, nil, []int{0}, nil,
			blasdot.GemmPlan{Count: 1, M: 5, N: 3, K: 7, TransA: true, LdA: 5, LdB: 3, LdC: 3, AOffsets: []int{0}, BOffsets: []int{0}, COffsets: []int{0}}, true},
		{"rhs n×k", []int{5, 7}, []int{3, 7}, []int{1}, nil, []int{1}, nil,
			blasdot.GemmPlan{Count: 1, M: 5, N: 3, K: 7, TransB: true, LdA: 7, LdB: 7, LdC: 3, AOffsets: []int{0}, BOffsets: []int{0}, COffsets: []int{0}}, true},
		{"batched, two contracting", []int{2, 4, 3, 5}, []int{2, 6, 4, 3}, []int{1, 2}, []int{0}, []int{2, 3}, []int{0},
			blasdot.GemmPlan{Count: 2, M: 5, N: 6, K: 12, TransA: true, TransB: true, LdA: 5, LdB: 12, LdC: 6,
				AOffsets: []int{0, 60}, BOffsets: []int{0, 72}, COffsets: []int{0, 30}}, true},
		// Attention: [B, Kq, h, d] · [B, Kk, h, d] over d, batch (B, h):
		// each matrix's rows are h·d apart.
		{"strided batch", []int{2, 5, 3, 4}, []int{2, 6, 3, 4}, []int{3}, []int{0, 2}, []int{3}, []int{0, 2},
			blasdot.GemmPlan{Count: 6, M: 5, N: 6, K: 4, TransB: true, LdA: 12, LdB: 12, LdC: 6,
				AOffsets: []int{0, 4, 8, 60, 64, 68}, BOffsets: []int{0, 4, 8, 72, 76, 80}, COffsets: []int{0, 30, 60, 90, 120, 150}}, true},
		{"outer product", []int{4}, []int{3}, nil, nil, nil, nil,
			blasdot.GemmPlan{Count: 1, M: 4, N: 3, K: 1, TransB: true, LdA: 1, LdB: 1, LdC: 3, AOffsets: []int{0}, BOffsets: []int{0}, COffsets: []int{0}}, true},
		// rhs [2, 4, 5] over its axis 1: one product per index of axis 0,
		// each a 3×5 block of the 3×10 output.
		{"rhs outer free axis looped", []int{3, 4}, []int{2, 4, 5}, []int{1}, nil, []int{1}, nil,
			blasdot.GemmPlan{Count: 2, M: 3, N: 5, K: 4, LdA: 4, LdB: 5, LdC: 10, AOffsets: []int{0, 0}, BOffsets: []int{0, 20}, COffsets: []int{0, 5}}, true},
		{"lhs outer free axis looped", []int{3, 4, 5}, []int{4, 2}, []int{1}, nil, []int{0}, nil,
			blasdot.GemmPlan{Count: 3, M: 5, N: 2, K: 4, TransA: true, LdA: 5, LdB: 2, LdC: 2,
				AOffsets: []int{0, 20, 40}, BOffsets: []int{0, 0, 0}, COffsets: []int{0, 10, 20}}, true},
		{"batch axis last", []int{3, 4, 2}, []int{2, 4, 5}, []int{1}, []int{2}, []int{1}, []int{0}, blasdot.GemmPlan{}, false},
		{"contracting pairs crossed", []int{3, 4, 5}, []int{5, 4, 2}, []int{1, 2}, nil, []int{1, 0}, nil, blasdot.GemmPlan{}, false},
		{"contracting axes split", []int{4, 3, 5}, []int{4, 5}, []int{0, 2}, nil, []int{0, 1}, nil, blasdot.GemmPlan{}, false},
	} {
		got, ok := blasdot.PlanGemm(tc.lhs, tc.rhs, tc.lc, tc.lb, tc.rc, tc.rb)
		if ok != tc.ok || (ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: plan %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func installed(t *testing.T) blasdot.Status {
	t.Helper()
	s := blasdot.Install()
	if !s.Active {
		if os.Getenv("CI") != "" && !strings.Contains(s.Reason, "noblas") && !strings.Contains(s.Reason, "PARACHUTE_BLAS") {
			t.Fatalf("BLAS executor inactive in CI: %s", s.Reason)
		}
		t.Skipf("BLAS executor inactive: %s", s.Reason)
	}
	return s
}

// Random DotGeneral layouts (ranks, axis roles and orders, dtypes) agree
// with simplego's executor, whether they take the GEMM path or fall back.
func TestRandomLayoutsMatchSimplego(t *testing.T) {
	installed(t)
	b, err := backends.NewWithConfig("go:ops_sequential")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	blasBefore, stockBefore := blasdot.Counts()
	for trial := range 200 {
		lhs, rhs, lc, lb, rc, rb := randomLayout(rng)
		dtype := dtypes.Float32
		if trial%4 == 0 {
			dtype = dtypes.Float64
		}
		fn := func(l, r *Node) *Node { return DotGeneral(l, lc, lb, r, rc, rb) }
		l, r := blasdot.RandomTensor(rng, dtype, lhs), blasdot.RandomTensor(rng, dtype, rhs)
		got, err := ExecOnce(b, fn, l, r)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		want := naiveDotGeneral(l, r, lhs, rhs, lc, lb, rc, rb)
		g := flat64(got)
		for i := range g {
			if d := g[i] - want[i]; d > 1e-4 || d < -1e-4 {
				t.Fatalf("trial %d (lhs %v rhs %v lc %v lb %v rc %v rb %v, %s): element %d = %v, want %v",
					trial, lhs, rhs, lc, lb, rc, rb, dtype, i, g[i], want[i])
			}
		}
	}
	blasAfter, stockAfter := blasdot.Counts()
	if blasAfter == blasBefore || stockAfter == stockBefore {
		t.Errorf("the random layouts should exercise both paths: %d BLAS, %d simplego", blasAfter-blasBefore, stockAfter-stockBefore)
	}
}

// A planted error in the BLAS results makes the self-test fail, and
// installing again afterwards restores a passing executor.
func TestSelfTestCatchesAPlantedMismatch(t *testing.T) {
	installed(t)
	if err := blasdot.RunSelfTest(true); err == nil || !strings.Contains(err.Error(), "BLAS") {
		t.Fatalf("self-test with a planted mismatch: %v", err)
	}
	if err := blasdot.RunSelfTest(false); err != nil {
		t.Fatalf("self-test: %v", err)
	}
}

// randomLayout draws a DotGeneral: up to two batch, contracting and free
// axes per operand, in random positions and orders.
func randomLayout(rng *rand.Rand) (lhs, rhs, lc, lb, rc, rb []int) {
	nb, nc, nl, nr := rng.IntN(3), rng.IntN(3), rng.IntN(3), rng.IntN(3)
	batch, contract := dims(rng, nb), dims(rng, nc)
	lhsRoles := shuffledRoles(rng, nb, nc, nl)
	rhsRoles := shuffledRoles(rng, nb, nc, nr)
	build := func(roles [][2]int, free []int) (shape, c, bb []int) {
		c, bb = make([]int, nc), make([]int, nb)
		for pos, role := range roles {
			switch role[0] {
			case 0:
				shape = append(shape, batch[role[1]])
				bb[role[1]] = pos
			case 1:
				shape = append(shape, contract[role[1]])
				c[role[1]] = pos
			default:
				shape = append(shape, free[role[1]])
			}
		}
		return
	}
	lhs, lc, lb = build(lhsRoles, dims(rng, nl))
	rhs, rc, rb = build(rhsRoles, dims(rng, nr))
	// Sometimes the GEMM-friendly order: batch first, in order.
	return
}

func dims(rng *rand.Rand, n int) []int {
	d := make([]int, n)
	for i := range d {
		d[i] = 1 + rng.IntN(4)
	}
	return d
}

// shuffledRoles lists (role, index) per axis: role 0 batch, 1 contracting,
// 2 free; half the time batch axes lead in order.
func shuffledRoles(rng *rand.Rand, nb, nc, nf int) [][2]int {
	var roles, rest [][2]int
	for i := range nb {
		roles = append(roles, [2]int{0, i})
	}
	for i := range nc {
		rest = append(rest, [2]int{1, i})
	}
	for i := range nf {
		rest = append(rest, [2]int{2, i})
	}
	if rng.IntN(2) == 0 {
		rest = append(roles, rest...)
		roles = nil
	}
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append(roles, rest...)
}

func flat64(t *tensors.Tensor) []float64 {
	if t.DType() == dtypes.Float64 {
		return tensors.MustCopyFlatData[float64](t)
	}
	var out []float64
	for _, v := range tensors.MustCopyFlatData[float32](t) {
		out = append(out, float64(v))
	}
	return out
}

// naiveDotGeneral is the definition: out[batch..., lhsFree..., rhsFree...] =
// Σ_contracting lhs · rhs, by explicit index arithmetic in float64.
func naiveDotGeneral(l, r *tensors.Tensor, lhs, rhs, lc, lb, rc, rb []int) []float64 {
	lv, rv := flat64(l), flat64(r)
	role := func(rank int, c, b []int) []int {
		roles := make([]int, rank)
		for i := range roles {
			roles[i] = 2
		}
		for _, a := range c {
			roles[a] = 1
		}
		for _, a := range b {
			roles[a] = 0
		}
		return roles
	}
	lroles, rroles := role(len(lhs), lc, lb), role(len(rhs), rc, rb)
	var lfree, rfree []int
	for a, ro := range lroles {
		if ro == 2 {
			lfree = append(lfree, a)
		}
	}
	for a, ro := range rroles {
		if ro == 2 {
			rfree = append(rfree, a)
		}
	}
	size := func(d []int, axes []int) int {
		n := 1
		for _, a := range axes {
			n *= d[a]
		}
		return n
	}
	strides := func(d []int) []int {
		s := make([]int, len(d))
		acc := 1
		for i := len(d) - 1; i >= 0; i-- {
			s[i] = acc
			acc *= d[i]
		}
		return s
	}
	ls, rs := strides(lhs), strides(rhs)
	// Decompose a flat index over axes (in order) into per-axis offsets.
	offset := func(idx int, d, axes, st []int) int {
		off := 0
		for i := len(axes) - 1; i >= 0; i-- {
			a := axes[i]
			off += (idx % d[a]) * st[a]
			idx /= d[a]
		}
		return off
	}
	nbatch, nlf, nrf, nk := size(lhs, lb), size(lhs, lfree), size(rhs, rfree), size(lhs, lc)
	out := make([]float64, 0, nbatch*nlf*nrf)
	for bi := range nbatch {
		for i := range nlf {
			for j := range nrf {
				sum := 0.0
				for k := range nk {
					lo := offset(bi, lhs, lb, ls) + offset(i, lhs, lfree, ls) + offset(k, lhs, lc, ls)
					ro := offset(bi, rhs, rb, rs) + offset(j, rhs, rfree, rs) + offset(k, rhs, rc, rs)
					sum += lv[lo] * rv[ro]
				}
				out = append(out, sum)
			}
		}
	}
	return out
}
