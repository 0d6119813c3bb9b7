// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package opclock_test

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/opclock"
)

// The clock counts each op of a graph once per execution, under the
// account current when it runs, and leaves the result alone.
func TestClockCountsOpsPerAccount(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	c, err := opclock.Install()
	if err != nil {
		t.Fatal(err)
	}
	c.Reset()
	exec := MustNewExec(b, func(x *Node) *Node {
		return ReduceAllSum(Mul(Dot(x, x), AddScalar(x, 1)))
	})
	x := [][]float32{{1, 2}, {3, 4}}
	c.SetAccount("twice")
	for range 2 {
		got := exec.MustExec(x)[0].Value().(float32)
		// x·x = [[7 10] [15 22]]; x+1 = [[2 3] [4 5]]: 14+30+60+110.
		if got != 214 {
			t.Fatalf("result %v, want 214", got)
		}
	}
	c.SetAccount("")
	twice := c.Account("twice")
	for _, op := range []backends.OpType{backends.OpTypeDotGeneral, backends.OpTypeMul, backends.OpTypeReduceSum} {
		if twice[op].Calls != 2 || twice[op].Spent <= 0 {
			t.Errorf("%s: %d calls in %v, want 2 calls timed", op, twice[op].Calls, twice[op].Spent)
		}
	}
	kinds := opclock.ByKind(twice)
	if kinds[opclock.KindMatMul].Calls != 2 || kinds[opclock.KindReduce].Calls != 2 || kinds[opclock.KindElementwise].Calls < 4 {
		t.Errorf("by kind: %+v", kinds)
	}
	if top := opclock.Top(twice); len(top) == 0 {
		t.Error("no ops ranked")
	}
	c.Reset()
	if len(c.Account("twice")) != 0 {
		t.Error("Reset left entries")
	}
}

func TestKindOf(t *testing.T) {
	for op, want := range map[backends.OpType]string{
		backends.OpTypeDotGeneral: opclock.KindMatMul, backends.OpTypeAdd: opclock.KindElementwise,
		backends.OpTypeErf: opclock.KindElementwise, backends.OpTypeWhere: opclock.KindElementwise,
		backends.OpTypeReduceMax: opclock.KindReduce, backends.OpTypeTranspose: opclock.KindCopy,
		backends.OpTypeReshape: opclock.KindCopy, backends.OpTypeRNGBitGenerator: opclock.KindOther,
		backends.OpTypeFFT: opclock.KindOther,
	} {
		if got := opclock.KindOf(op); got != want {
			t.Errorf("KindOf(%s) = %q, want %q", op, got, want)
		}
	}
}
