// SPDX-License-Identifier: Apache-2.0

package deep

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

func run1(t *testing.T, fn func([]*Node) *Node, args ...any) []*tensors.Tensor {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(b, fn)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSoftmaxOne: exp(x_i)/(1 + Σ exp(x_j)) over the unmasked entries, also
// for large logits, and zeros for a fully masked row.
func TestSoftmaxOne(t *testing.T) {
	x := [][]float64{{1, 2, 3}, {800, 801, -5}, {0.5, 0.5, 0.5}}
	mask := [][]bool{{true, false, true}, {true, true, true}, {false, false, false}}
	out := run1(t, func(in []*Node) *Node { return maskedSoftmaxOne(in[0], in[1]) }, x, mask)
	got := tensors.MustCopyFlatData[float64](out[0])
	want := []float64{math.E / (1 + math.E + math.Exp(3)), 0, math.Exp(3) / (1 + math.E + math.Exp(3)),
		1 / (1 + math.E), math.E / (1 + math.E), 0, 0, 0, 0}
	// Row 2: exp(800 + k) dwarfs the 1, so it is an ordinary softmax.
	want[3] = math.Exp(-1) / (1 + math.Exp(-1))
	want[4] = 1 / (1 + math.Exp(-1))
	want[5] = math.Exp(-806) / (1 + math.Exp(-1))
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("softmax-one %v, want %v", got, want)
		}
	}
}

// TestSupCon compares the contrastive loss with its definition computed
// here: anchors are the present rows of both modalities, the positive of
// row i is the same patient's other modality.
func TestSupCon(t *testing.T) {
	a := [][]float64{{1, 0}, {0.6, 0.8}, {0, 1}}
	b := [][]float64{{0.8, 0.6}, {1, 0}, {-1, 0}}
	hasA, hasB := []bool{true, true, true}, []bool{true, false, true}
	out := run1(t, func(in []*Node) *Node { return supCon(in[0], in[1], in[2], in[3]) }, a, b, hasA, hasB)
	got := tensors.MustCopyFlatData[float64](out[0])[0]
	z := [][]float64{a[0], a[1], a[2], b[0], b[1], b[2]}
	present := []bool{true, true, true, true, false, true}
	dot := func(u, v []float64) float64 { return (u[0]*v[0] + u[1]*v[1]) / drimTemperature }
	sum, n := 0.0, 0.0
	for i := range 6 {
		p := (i + 3) % 6
		if !present[i] || !present[p] {
			continue
		}
		den := 0.0
		for j := range 6 {
			if j != i && present[j] {
				den += math.Exp(dot(z[i], z[j]))
			}
		}
		sum += dot(z[i], z[p]) - math.Log(den)
		n++
	}
	if want := -sum / n; math.Abs(got-want) > 1e-9 {
		t.Fatalf("SupCon %v, by definition %v", got, want)
	}
}

// TestModalityDropout: patients with one modality keep it, patients with
// both keep at least one, each kept with probability 0.5 + 0.5·0.25 = 0.625
// (the restore rule), both with 0.25.
func TestModalityDropout(t *testing.T) {
	const n = 20000
	hasP, hasR := make([]bool, n), make([]bool, n)
	for i := range n {
		hasP[i], hasR[i] = i%4 != 0, i%4 != 1
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.New().Checked(false)
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, in []*Node) []*Node {
		kp, kr := modalityDropout(ctx, in[0], in[1])
		return []*Node{kp, kr}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(hasP, n), tensors.FromFlatDataAndDimensions(hasR, n))
	if err != nil {
		t.Fatal(err)
	}
	kp, kr := tensors.MustCopyFlatData[bool](out[0]), tensors.MustCopyFlatData[bool](out[1])
	var keptP, keptBoth, both float64
	for i := range n {
		if !hasP[i] || !hasR[i] {
			if kp[i] != hasP[i] || kr[i] != hasR[i] {
				t.Fatalf("patient %d with one modality: kept %v %v", i, kp[i], kr[i])
			}
			continue
		}
		both++
		if !kp[i] && !kr[i] {
			t.Fatalf("patient %d lost both modalities", i)
		}
		if kp[i] {
			keptP++
		}
		if kp[i] && kr[i] {
			keptBoth++
		}
	}
	if math.Abs(keptP/both-0.625) > 0.02 || math.Abs(keptBoth/both-0.25) > 0.02 {
		t.Fatalf("kept pathology %.3f (want 0.625), both %.3f (want 0.25)", keptP/both, keptBoth/both)
	}
}
