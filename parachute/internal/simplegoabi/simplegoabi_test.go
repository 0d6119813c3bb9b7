// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package simplegoabi_test

import (
	"reflect"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

func TestCheckAndBuffers(t *testing.T) {
	if err := simplegoabi.Check(); err != nil {
		t.Fatal(err)
	}
	if simplegoabi.ExecutorOf(backends.OpTypeDotGeneral) == nil || simplegoabi.ExecutorOf(backends.OpTypeAdd) == nil {
		t.Fatal("simplego's executor table is empty: the linkname does not reach it")
	}
	shape := shapes.Make(dtypes.Float32, 2, 3)
	flat := []float32{1, 2, 3, 4, 5, 6}
	b := simplegoabi.NewBuffer(shape, flat)
	if !simplegoabi.BufferShape(b).Equal(shape) || !reflect.DeepEqual(simplegoabi.BufferFlat(b), flat) {
		t.Fatalf("buffer round trip: %s %v", simplegoabi.BufferShape(b), simplegoabi.BufferFlat(b))
	}
	bk, err := simplegoabi.SelfTestBackend()
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Finalize()
	pooled := simplegoabi.PooledBuffer(bk.(*simplego.Backend), shape)
	if pooled == nil || !simplegoabi.BufferShape(pooled).Equal(shape) || len(simplegoabi.BufferFlat(pooled).([]float32)) != 6 {
		t.Fatalf("pooled buffer %v", pooled)
	}
}
