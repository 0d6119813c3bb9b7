// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// AttentionMap is one cross-attention block's attention for one patient:
// Weights[h][q][k] is how much query token q attends to key token k in head
// h (each row sums to 1 over the real keys), over the patient's real tokens
// only. A modality that is absent (or masked) is one token, its learned
// missing-modality token.
type AttentionMap struct {
	// Block is "block1" … "block4"; Queries and Keys name the modality of
	// the tokens ("radiology" or "pathology"; block 4's are the outputs of
	// blocks 3 and 2).
	Block, Queries, Keys string
	// QueryMissing and KeyMissing say when a side is the missing token.
	QueryMissing, KeyMissing bool
	Weights                  [][][]float64
}

// blockTokens names the query and key modalities of the four blocks.
var blockTokens = [4][2]string{{"radiology", "pathology"}, {"radiology", "pathology"}, {"pathology", "radiology"},
	{"pathology (block 3)", "radiology (block 2)"}}

// Attention returns the attention maps of the four fusion blocks for one
// patient in evaluation mode, with the modalities mask hides removed (the
// same inputs as Predict). Not available with CompatBatchAttention, whose
// attention runs across the patients of a batch.
func (t *Trainer) Attention(p *data.Patient, mask Masking) ([]AttentionMap, error) {
	if t.Model == nil {
		return nil, fmt.Errorf("train: attention maps are the PARACHUTE network's; this trainer trains %s", t.Config.Network)
	}
	if t.Config.Model.CompatBatchAttention {
		return nil, fmt.Errorf("train: attention maps are per patient; CompatBatchAttention attends across the batch")
	}
	if t.attention == nil {
		exec, err := context.NewExec(t.backend, t.ctx, func(ctx *context.Context, inputs []*Node) []*Node {
			ctx.SetTraining(inputs[0].Graph(), false)
			m := *t.Model
			var weights []*Node
			m.Attention = &weights
			// The risk is returned too: simplego v0.26 fails to execute a
			// context graph (index out of range) when a variable is read only
			// by nodes no output depends on, here the hazard net's.
			_, risk := m.Forward(ctx.In(model.Scope), model.InputsFromNodes(inputs))
			return append(weights, risk)
		})
		if err != nil {
			return nil, err
		}
		t.attention = exec
	}
	b := model.NewBatch(t.Config.Model, 1)
	if err := fillBatch(b, []*data.Patient{p}, []Masking{mask}, nil); err != nil {
		return nil, err
	}
	out, err := t.attention.Exec(t.inputArgs(b)...)
	if err != nil {
		return nil, err
	}
	out = out[:len(out)-1] // the risk
	if len(out) != 4 {
		return nil, fmt.Errorf("train: %d attention blocks, want 4", len(out))
	}
	cfg := t.Config.Model
	slides, series := 1, 1 // the missing token
	hasPath, hasRad := p.HasPathology() && !mask.DropPathology, p.HasRadiology() && !mask.DropRadiology
	if hasPath {
		slides = min(len(p.Slides), cfg.MaxSlides)
	}
	if hasRad {
		series = min(len(p.Series), cfg.MaxSeries)
	}
	count := map[string]int{"radiology": series, "pathology": slides, "pathology (block 3)": slides, "radiology (block 2)": series}
	missing := map[string]bool{"radiology": !hasRad, "pathology": !hasPath, "pathology (block 3)": !hasPath, "radiology (block 2)": !hasRad}
	maps := make([]AttentionMap, 4)
	for i, w := range out {
		q, k := blockTokens[i][0], blockTokens[i][1]
		maps[i] = AttentionMap{Block: fmt.Sprintf("block%d", i+1), Queries: q, Keys: k, QueryMissing: missing[q], KeyMissing: missing[k]}
		maps[i].Weights = attentionWeights(w, count[q], count[k])
	}
	return maps, nil
}

// attentionWeights reads weights [1, h, Kq, Kk] and keeps the first nq
// queries and nk keys.
func attentionWeights(w *tensors.Tensor, nq, nk int) [][][]float64 {
	dims := w.Shape().Dimensions
	h, kq, kk := dims[1], dims[2], dims[3]
	var flat []float64
	switch w.DType() {
	case dtypes.Float32:
		for _, v := range tensors.MustCopyFlatData[float32](w) {
			flat = append(flat, float64(v))
		}
	default:
		flat = tensors.MustCopyFlatData[float64](w)
	}
	out := make([][][]float64, h)
	for head := range h {
		out[head] = make([][]float64, nq)
		for q := range nq {
			row := flat[(head*kq+q)*kk : (head*kq+q)*kk+nk]
			out[head][q] = append([]float64(nil), row...)
		}
	}
	return out
}
