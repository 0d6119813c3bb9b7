// SPDX-License-Identifier: Apache-2.0

package model

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

// referenceDCE computes pos and neg of the Dynamic Contextual Embedding from
// the full d×d similarity, sorting each row in Go.
func referenceDCE(a, b []float64, k int) (pos, neg []float64) {
	norm := func(x []float64) []float64 {
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		s = math.Max(math.Sqrt(s), 1e-12)
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = v / s
		}
		return out
	}
	an, bn := norm(a), norm(b)
	for i := range an {
		row := make([]float64, len(bn))
		for j := range bn {
			row[j] = an[i] * bn[j]
		}
		sort.Sort(sort.Reverse(sort.Float64Slice(row)))
		p, q := 0.0, 0.0
		for j := range k {
			p += row[j]
			q += -row[len(row)-1-j]
		}
		pos, neg = append(pos, p/float64(k)), append(neg, q/float64(k))
	}
	return pos, neg
}

// TestTopKMeanMatchesSorting checks the rank-one top-k of the DCE (the
// model's contextFeatures, and ContextFeatures that the tutorials call)
// against sorting the full similarity matrix, with ties in b.
func TestTopKMeanMatchesSorting(t *testing.T) {
	bk, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	const batch, d, k = 3, 20, 4
	a, b := make([]float64, batch*d), make([]float64, batch*d)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), float64(rng.IntN(7)-3) // ties in b
	}
	out := MustExecOnceN(bk, func(a, b *Node) []*Node {
		pos, neg := contextFeatures(a, b, k) // the model's own code
		return []*Node{pos, neg}
	}, tensors.FromFlatDataAndDimensions(a, batch, d), tensors.FromFlatDataAndDimensions(b, batch, d))
	pos, neg := tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
	for r := range batch {
		wantPos, wantNeg := referenceDCE(a[r*d:(r+1)*d], b[r*d:(r+1)*d], k)
		for i := range d {
			if math.Abs(pos[r*d+i]-wantPos[i]) > 1e-12 || math.Abs(neg[r*d+i]-wantNeg[i]) > 1e-12 {
				t.Fatalf("row %d, %d: pos %v neg %v, sorted %v %v", r, i, pos[r*d+i], neg[r*d+i], wantPos[i], wantNeg[i])
			}
		}
	}
	rows := func(x []float64) [][]float64 {
		out := make([][]float64, batch)
		for r := range out {
			out[r] = x[r*d : (r+1)*d]
		}
		return out
	}
	gotPos, gotNeg, err := ContextFeatures(bk, rows(a), rows(b), k)
	if err != nil {
		t.Fatal(err)
	}
	for r := range batch {
		for i := range d {
			if gotPos[r][i] != pos[r*d+i] || gotNeg[r][i] != neg[r*d+i] {
				t.Fatalf("ContextFeatures row %d, %d: %v %v, want %v %v", r, i, gotPos[r][i], gotNeg[r][i], pos[r*d+i], neg[r*d+i])
			}
		}
	}
}

// TestAttentionWithNoValidKeyIsFinite: a fully masked key row gives zero
// attention weights (the residual passes the query through), never NaN.
func TestAttentionWithNoValidKeyIsFinite(t *testing.T) {
	bk, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := QuickConfig()
	cfg.Dim, cfg.Heads, cfg.FFN = 8, 2, 8
	m := &Model{Config: cfg, Seed: 1}
	ctx := newTestContext()
	q := tensors.FromValue([][][]float32{{{1, 2, 3, 4, 5, 6, 7, 8}}})
	kv := tensors.FromValue([][][]float32{{{1, 1, 1, 1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2, 2, 2}}})
	mask := tensors.FromValue([][]bool{{false, false}})
	out := execContext(t, bk, ctx, func(ctx *contextT, in []*Node) *Node {
		m.g = in[0].Graph()
		return m.crossAttention(ctx, in[0], in[1], in[1], in[2])
	}, q, kv, mask)
	for _, v := range out {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("output %v", out)
		}
	}
}
