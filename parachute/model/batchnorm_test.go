// SPDX-License-Identifier: Apache-2.0

package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

// TestBatchNormFollowsPyTorch checks CompatBatchNorm's BatchNorm1d against
// its definition, computed here in float64: training normalises with the
// biased statistics of the real rows only (padding rows change nothing),
// moves the running statistics by momentum 0.1 with the unbiased variance,
// and evaluation normalises with the running statistics.
func TestBatchNormFollowsPyTorch(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	const n, s, c = 4, 3, 2
	rng := rand.New(rand.NewPCG(2, 9))
	x := make([]float64, n*s*c)
	for i := range x {
		x[i] = 3*rng.NormFloat64() + 1
	}
	rows := []bool{true, false, true, true} // row 1 is padding
	m := &Model{Config: Config{CompatBatchNorm: true, DType: dtypes.Float64}}
	ctx := context.New().Checked(false)
	norm := func(training bool) func(ctx *context.Context, in []*Node) *Node {
		return func(ctx *context.Context, in []*Node) *Node {
			m.g = in[0].Graph()
			ctx.SetTraining(m.g, training)
			return m.channelNorm(ctx.In("bn"), in[0], in[1])
		}
	}
	run := func(training bool, x []float64) []float64 {
		exec, err := context.NewExec(b, ctx, norm(training))
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x, n, s, c), tensors.FromFlatDataAndDimensions(rows, n))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](out[0])
	}
	// The statistics of the real rows, per channel.
	var mean, biased, unbiased [c]float64
	count := 0.0
	for i := range n {
		if rows[i] {
			count += s
			for j := range s * c {
				mean[j%c] += x[i*s*c+j]
			}
		}
	}
	for ch := range c {
		mean[ch] /= count
	}
	for i := range n {
		if rows[i] {
			for j := range s * c {
				d := x[i*s*c+j] - mean[j%c]
				biased[j%c] += d * d
			}
		}
	}
	for ch := range c {
		unbiased[ch] = biased[ch] / (count - 1)
		biased[ch] /= count
	}
	y := run(true, x)
	for i := range n {
		for j := range s * c {
			ch := j % c
			want := (x[i*s*c+j] - mean[ch]) / math.Sqrt(biased[ch]+1e-5)
			if rows[i] && math.Abs(y[i*s*c+j]-want) > 1e-12 {
				t.Fatalf("training output [%d, %d] = %v, want %v", i, j, y[i*s*c+j], want)
			}
		}
	}
	stat := func(name string) []float64 {
		v, err := ctx.In("bn").InspectVariableInScope(name).Value()
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float64](v)
	}
	rm, rv := stat(RunningMeanName), stat(RunningVarName)
	for ch := range c {
		if math.Abs(rm[ch]-0.1*mean[ch]) > 1e-12 || math.Abs(rv[ch]-(0.9+0.1*unbiased[ch])) > 1e-12 {
			t.Fatalf("running statistics %v %v, want %v and 0.9 + 0.1·%v", rm, rv, 0.1*mean[ch], unbiased[ch])
		}
	}
	// Padding rows do not enter the statistics.
	x2 := append([]float64(nil), x...)
	for j := range s * c {
		x2[s*c+j] = 1e6
	}
	y2 := run(true, x2)
	for i := range n {
		for j := range s * c {
			if rows[i] && math.Abs(y2[i*s*c+j]-y[i*s*c+j]) > 1e-12 {
				t.Fatal("a padding row changed the batch statistics")
			}
		}
	}
	// Evaluation uses the running statistics (after the second update).
	rm, rv = stat(RunningMeanName), stat(RunningVarName)
	z := run(false, x)
	for j := range z {
		ch := j % c
		if want := (x[j] - rm[ch]) / math.Sqrt(rv[ch]+1e-5); math.Abs(z[j]-want) > 1e-12 {
			t.Fatalf("evaluation output %d = %v, want %v", j, z[j], want)
		}
	}
	if v := ctx.In("bn").InspectVariableInScope(RunningMeanName); v.Trainable {
		t.Fatal("running_mean is trainable")
	}
}
