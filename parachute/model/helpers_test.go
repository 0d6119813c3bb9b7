// SPDX-License-Identifier: Apache-2.0

package model

import (
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

type contextT = context.Context

func newTestContext() *context.Context { return context.New().Checked(false) }

// execContext runs fn once on the inputs and returns its float32 output.
func execContext(t *testing.T, b backends.Backend, ctx *context.Context, fn func(*context.Context, []*Node) *Node, inputs ...*tensors.Tensor) []float32 {
	t.Helper()
	exec, err := context.NewExec(b, ctx, fn)
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	args := make([]any, len(inputs))
	for i, x := range inputs {
		args[i] = x
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}
