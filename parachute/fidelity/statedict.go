// SPDX-License-Identifier: Apache-2.0

// Package fidelity checks goparachute against the authors' PyTorch code
// (github.com/PietroCaforio/parachute, MIT, commit 8ff4575), which the
// project does not ship: users point the checks at their own checkout.
//
// [AuthorsStateDict] renames and re-lays a model's parameters as the state
// dict of the authors' PaRaChuteModel, so that tools/authors/equivalence.py
// can load them into their module (load_state_dict(strict=True)) and run it
// on the batch [Export] writes beside them. With [model.Config.AuthorsCompat]
// the two networks are the same function; the script reports how far apart
// their risks are and counts their parameters.
//
// Layouts: a Linear weight is [out, in] in PyTorch and [in, out] here; a
// Conv1d weight is [out, in, 3] there and [in, 3, out] here; an
// nn.MultiheadAttention stacks the query, key and value projections into
// in_proj_weight [3d, d] and in_proj_bias [3d]; the DCE's Linear(2d→d) is
// split here into a map of pos (with the bias) and one of neg, whose
// weights are the two halves of theirs; the missing-modality tokens are
// [1, w] there and [w] here.
package fidelity

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/model"
)

// Array is a named float32 array, row-major.
type Array struct {
	Name  string
	Shape []int
	Data  []float32
}

// stateDict collects the arrays of an export.
type stateDict struct {
	ctx    *context.Context
	arrays []Array
	// from maps each of their names to the variables of ours it comes from.
	from map[string][]string
	err  error
}

// value returns the float32 value and shape of variable scope/name under
// model.Scope.
func (s *stateDict) value(scope, name string) ([]float32, []int) {
	if s.err != nil {
		return nil, nil
	}
	full := "/" + model.Scope + "/" + scope
	v := s.ctx.GetVariableByScopeAndName(full, name)
	if v == nil {
		s.err = fmt.Errorf("fidelity: the model has no variable %s/%s (build it with model.Config.AuthorsCompat, and run it once)", full, name)
		return nil, nil
	}
	t, err := v.Value()
	if err != nil {
		s.err = err
		return nil, nil
	}
	if t.DType() == dtypes.Float64 {
		f := tensors.MustCopyFlatData[float64](t)
		data := make([]float32, len(f))
		for i, x := range f {
			data[i] = float32(x)
		}
		return data, t.Shape().Dimensions
	}
	return tensors.MustCopyFlatData[float32](t), t.Shape().Dimensions
}

func (s *stateDict) add(name string, shape []int, data []float32, from ...string) {
	if s.err != nil {
		return
	}
	s.arrays = append(s.arrays, Array{Name: name, Shape: shape, Data: data})
	s.from[name] = from
}

// copyOf adds a variable unchanged (biases, norms, statistics), with shape
// (nil: the variable's).
func (s *stateDict) copyOf(name, scope, variable string, shape ...int) {
	data, dims := s.value(scope, variable)
	if shape == nil {
		shape = dims
	}
	s.add(name, shape, data, scope+"/"+variable)
}

// linear adds a Linear layer: weight [out, in] (ours transposed) and bias.
func (s *stateDict) linear(name, scope string) {
	w, dims := s.value(scope, model.WeightsName)
	if w == nil {
		return
	}
	s.add(name+".weight", []int{dims[1], dims[0]}, transpose(w, dims[0], dims[1]), scope+"/"+model.WeightsName)
	s.copyOf(name+".bias", scope, model.BiasesName)
}

// layerNorm adds a LayerNorm (or BatchNorm's affine part): weight and bias.
func (s *stateDict) layerNorm(name, scope string) {
	s.copyOf(name+".weight", scope, model.GainName)
	s.copyOf(name+".bias", scope, model.OffsetName)
}

// batchNorm adds a BatchNorm1d: its affine part, running statistics and
// num_batches_tracked (0: unused in evaluation with momentum 0.1).
func (s *stateDict) batchNorm(name, scope string) {
	s.layerNorm(name, scope)
	s.copyOf(name+".running_mean", scope, model.RunningMeanName)
	s.copyOf(name+".running_var", scope, model.RunningVarName)
	s.add(name+".num_batches_tracked", []int{}, []float32{0})
}

// conv adds a Conv1d(kernel 3): weight [out, in, 3] from ours [in, 3, out].
func (s *stateDict) conv(name, scope string) {
	w, dims := s.value(scope, model.WeightsName)
	if w == nil {
		return
	}
	in, k, out := dims[0], dims[1], dims[2]
	t := make([]float32, len(w))
	for i := range in {
		for j := range k {
			for o := range out {
				t[(o*in+i)*k+j] = w[(i*k+j)*out+o]
			}
		}
	}
	s.add(name+".weight", []int{out, in, k}, t, scope+"/"+model.WeightsName)
	s.copyOf(name+".bias", scope, model.BiasesName)
}

// histoAdapter adds the authors' HistoAdapter from our pathology adapter.
func (s *stateDict) histoAdapter(name, scope string) {
	s.linear(name+".fc_in", scope+"/input")
	for i, block := range []string{"res1", "res2", "out", "res3"} {
		b := fmt.Sprintf("%s.block%d", name, i+1)
		s.layerNorm(b+".0", scope+"/"+block+"/norm")
		s.linear(b+".3", scope+"/"+block)
	}
	s.layerNorm(name+".final_norm", scope+"/norm_out")
}

// radAdapter adds the convolution stack of a radiology adapter
// (nn.Sequential indices 0 and 4 for the convolutions, 3 and 7 for the
// BatchNorms).
func (s *stateDict) radAdapter(name, scope string) {
	s.conv(name+".0", scope+"/conv1")
	s.batchNorm(name+".3", scope+"/norm1")
	s.conv(name+".4", scope+"/conv2")
	s.batchNorm(name+".7", scope+"/norm2")
}

// attention adds an nn.MultiheadAttention from a plain fusion block.
func (s *stateDict) attention(name, scope string) {
	var w, b []float32
	var from []string
	d := 0
	for _, p := range []string{"query", "key", "value"} {
		pw, dims := s.value(scope+"/"+p, model.WeightsName)
		pb, _ := s.value(scope+"/"+p, model.BiasesName)
		if pw == nil {
			return
		}
		d = dims[0]
		w = append(w, transpose(pw, dims[0], dims[1])...)
		b = append(b, pb...)
		from = append(from, scope+"/"+p)
	}
	s.add(name+".in_proj_weight", []int{3 * d, d}, w, from...)
	s.add(name+".in_proj_bias", []int{3 * d}, b, from...)
	s.linear(name+".out_proj", scope+"/output")
}

// token adds a missing-modality token as [1, w].
func (s *stateDict) token(name, scope string) {
	data, dims := s.value(scope, model.TokenName)
	if data == nil {
		return
	}
	s.add(name, []int{1, dims[0]}, data, scope+"/"+model.TokenName)
}

// AuthorsStateDict returns the parameters of the model held in ctx (under
// model.Scope, built with cfg) as the state dict of the authors'
// PaRaChuteModel(rad_input_dim = cfg.RadiologyWidth, histo_input_dim =
// cfg.PathologyWidth, inter_dim = cfg.Inter, token_dim = cfg.Dim,
// dim_hider = cfg.Hazard), every array in their name, shape and layout, and
// for each of their names the variables of ours it comes from. Their
// "gamma" (GCS's γ, unused by the forward pass) is exported as 0 and comes
// from nothing of ours. cfg must have CompatPlainFusion and CompatBatchNorm
// on: other networks have no counterpart in their code.
func AuthorsStateDict(ctx *context.Context, cfg model.Config) ([]Array, map[string][]string, error) {
	if !cfg.CompatPlainFusion || !cfg.CompatBatchNorm {
		return nil, nil, fmt.Errorf("fidelity: only a network with CompatPlainFusion and CompatBatchNorm has the authors' layers (use model.Config.AuthorsCompat)")
	}
	if cfg.Heads != 4 || cfg.TopK != 16 {
		return nil, nil, fmt.Errorf("fidelity: the authors' code fixes 4 heads and top-16 similarities; the model has %d and %d", cfg.Heads, cfg.TopK)
	}
	s := &stateDict{ctx: ctx, from: map[string][]string{}}
	s.radAdapter("rad_adapter", "rad_ctx")
	s.histoAdapter("histo_adapter", "histo_ctx")
	s.token("missing_rad_token", "missing/rad_ctx")
	s.token("missing_histo_token", "missing/histo_ctx")
	s.token("missing_rad_token_fusion", "missing/rad_tok")
	s.token("missing_histo_token_fusion", "missing/histo_tok")
	s.radAdapter("token_adapt_rad", "rad_tok")
	s.linear("token_adapt_rad.10", "rad_tok/linear1")
	s.linear("token_adapt_rad.13", "rad_tok/linear2")
	s.layerNorm("token_adapt_rad.14", "rad_tok/norm_out")
	s.histoAdapter("token_adapt_histo", "histo_tok")
	for _, m := range []struct{ name, scope string }{{"token_adapt_rad_pe", "pe_rad"}, {"token_adapt_histo_pe", "pe_histo"}} {
		s.linear(m.name+".0", m.scope+"/linear1")
		s.linear(m.name+".3", m.scope+"/linear2")
		s.layerNorm(m.name+".4", m.scope+"/norm")
	}
	// DCE: Linear(2d→d) on [pos; neg] is W = [Wpos | Wneg] ([d, 2d]).
	pos, dims := s.value("dce/pos", model.WeightsName)
	neg, _ := s.value("dce/neg", model.WeightsName)
	if pos != nil && neg != nil {
		in, out := dims[0], dims[1]
		wp, wn := transpose(pos, in, out), transpose(neg, in, out)
		w := make([]float32, 0, 2*in*out)
		for o := range out {
			w = append(w, wp[o*in:(o+1)*in]...)
			w = append(w, wn[o*in:(o+1)*in]...)
		}
		s.add("dpe.mlp.0.weight", []int{out, 2 * in}, w, "dce/pos/weights", "dce/neg/weights")
	}
	s.copyOf("dpe.mlp.0.bias", "dce/pos", model.BiasesName)
	s.token("dpe.missing_modality_token", "missing/context")
	// Their cross_att1 serves blocks 1 and 2, cross_att2 block 3, cross_att3 block 4.
	s.attention("fusion.cross_att1", "fusion/block1")
	s.attention("fusion.cross_att2", "fusion/block3")
	s.attention("fusion.cross_att3", "fusion/block4")
	for i, l := range []string{"linear1", "linear2", "linear3"} {
		s.linear(fmt.Sprintf("hazard_net.%d", 3*i), "hazard/"+l)
	}
	s.layerNorm("norm_pe", "fusion/norm_context")
	s.layerNorm("norm_att", "fusion/norm_pooled")
	s.add("gamma", []int{1}, []float32{0})
	if s.err != nil {
		return nil, nil, s.err
	}
	return s.arrays, s.from, nil
}

// transpose returns the [cols, rows] transpose of x [rows, cols].
func transpose(x []float32, rows, cols int) []float32 {
	t := make([]float32, len(x))
	for r := range rows {
		for c := range cols {
			t[c*rows+r] = x[r*cols+c]
		}
	}
	return t
}

// Names returns the names of arrays, sorted.
func Names(arrays []Array) []string {
	out := make([]string, len(arrays))
	for i, a := range arrays {
		out[i] = a.Name
	}
	slices.Sort(out)
	return out
}
