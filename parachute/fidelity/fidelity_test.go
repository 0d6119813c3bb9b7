// SPDX-License-Identifier: Apache-2.0

package fidelity_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/fidelity"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// authorsStateDict is testdata/authors_state_dict.json, written from the
// authors' code by testdata/gen/state_dict.py.
type authorsStateDict struct {
	Params    int              `json:"params"`
	StateDict map[string][]int `json:"state_dict"`
}

func readAuthors(t *testing.T) authorsStateDict {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "authors_state_dict.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a authorsStateDict
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// paperCompat builds the paper network with the authors' switches and runs
// it once so that its variables exist.
func paperCompat(t *testing.T) (*context.Context, model.Config) {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.PaperConfig().AuthorsCompat()
	cfg.Slices = 3
	ctx := context.New().Checked(false)
	if _, err := model.SummarizeIn(b, ctx, cfg, 1); err != nil {
		t.Fatal(err)
	}
	return ctx, cfg
}

// TestStateDictHasTheAuthorsNamesAndShapes: the export has exactly the
// entries of the authors' state dict, each with its shape, and the same
// number of parameters less their unused γ.
func TestStateDictHasTheAuthorsNamesAndShapes(t *testing.T) {
	want := readAuthors(t)
	ctx, cfg := paperCompat(t)
	arrays, from, err := fidelity.AuthorsStateDict(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]int{}
	params := 0
	for _, a := range arrays {
		got[a.Name] = a.Shape
		if _, isBuffer := map[string]bool{"running_mean": true, "running_var": true, "num_batches_tracked": true}[suffix(a.Name)]; !isBuffer {
			params += len(a.Data)
		}
	}
	for name, shape := range want.StateDict {
		if !slices.Equal(got[name], shape) {
			t.Errorf("%s: exported shape %v, theirs %v", name, got[name], shape)
		}
	}
	for name := range got {
		if _, ok := want.StateDict[name]; !ok {
			t.Errorf("%s: exported, not in their state dict", name)
		}
	}
	if params != want.Params {
		t.Fatalf("exported %d parameters, theirs %d", params, want.Params)
	}
	if len(from["fusion.cross_att1.in_proj_weight"]) != 3 || len(from["gamma"]) != 0 {
		t.Fatalf("name map: %v, %v", from["fusion.cross_att1.in_proj_weight"], from["gamma"])
	}
}

func suffix(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			return name[i+1:]
		}
	}
	return name
}

// TestStateDictLayouts checks single elements against PyTorch's layouts:
// Linear [out, in], Conv1d [out, in, k], in_proj's stacked q, k, v rows and
// the DCE's [pos | neg] columns.
func TestStateDictLayouts(t *testing.T) {
	ctx, cfg := paperCompat(t)
	arrays, _, err := fidelity.AuthorsStateDict(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	theirs := map[string]fidelity.Array{}
	for _, a := range arrays {
		theirs[a.Name] = a
	}
	ours := func(scope, name string) ([]float32, []int) {
		v := ctx.GetVariableByScopeAndName("/"+model.Scope+"/"+scope, name)
		if v == nil {
			t.Fatalf("no variable %s/%s", scope, name)
		}
		x, _ := v.Value()
		return tensors.MustCopyFlatData[float32](x), x.Shape().Dimensions
	}
	at := func(a fidelity.Array, idx ...int) float32 {
		k := 0
		for i, n := range a.Shape {
			k = k*n + idx[i]
		}
		return a.Data[k]
	}
	// Linear: theirs[o, i] = ours[i, o].
	w, dims := ours("hazard/linear2", model.WeightsName)
	if got, want := at(theirs["hazard_net.3.weight"], 7, 200), w[200*dims[1]+7]; got != want {
		t.Errorf("hazard_net.3.weight[7, 200] = %v, ours[200, 7] = %v", got, want)
	}
	// Conv1d: theirs[o, i, k] = ours[i, k, o].
	w, dims = ours("rad_tok/conv1", model.WeightsName)
	if got, want := at(theirs["token_adapt_rad.0.weight"], 5, 900, 2), w[(900*dims[1]+2)*dims[2]+5]; got != want {
		t.Errorf("token_adapt_rad.0.weight[5, 900, 2] = %v, ours[900, 2, 5] = %v", got, want)
	}
	// in_proj_weight rows d..2d are the key projection of block 3 (cross_att2).
	w, dims = ours("fusion/block3/key", model.WeightsName)
	if got, want := at(theirs["fusion.cross_att2.in_proj_weight"], 256+3, 11), w[11*dims[1]+3]; got != want {
		t.Errorf("in_proj_weight[259, 11] = %v, key weights[11, 3] = %v", got, want)
	}
	b, _ := ours("fusion/block1/value", model.BiasesName)
	if got := at(theirs["fusion.cross_att1.in_proj_bias"], 512+9); got != b[9] {
		t.Errorf("in_proj_bias[521] = %v, value bias[9] = %v", got, b[9])
	}
	// DCE: columns d..2d multiply neg.
	w, dims = ours("dce/neg", model.WeightsName)
	if got, want := at(theirs["dpe.mlp.0.weight"], 4, 256+6), w[6*dims[1]+4]; got != want {
		t.Errorf("dpe.mlp.0.weight[4, 262] = %v, neg weights[6, 4] = %v", got, want)
	}
	// Without the compat switches there is nothing to export.
	if _, _, err := fidelity.AuthorsStateDict(ctx, model.PaperConfig()); err == nil {
		t.Error("a network without CompatPlainFusion and CompatBatchNorm exported")
	}
}

// TestWriteNPZReadsBack writes arrays of rank 0 to 3 and reads them back with
// npyio's reader of numpy.savez archives.
func TestWriteNPZReadsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npz")
	arrays := []fidelity.Array{
		{Name: "scalar", Shape: []int{}, Data: []float32{2.5}},
		{Name: "vector", Shape: []int{3}, Data: []float32{1, -2, float32(math.Pi)}},
		{Name: "cube", Shape: []int{2, 3, 2}, Data: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	}
	if err := fidelity.WriteNPZ(path, arrays); err != nil {
		t.Fatal(err)
	}
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, a := range arrays {
		h := r.Header(a.Name + ".npy")
		if h == nil || !slices.Equal(h.Descr.Shape, a.Shape) {
			t.Fatalf("%s: header %+v", a.Name, h)
		}
		var got []float32
		if err := r.Read(a.Name+".npy", &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, a.Data) {
			t.Fatalf("%s: read %v, wrote %v", a.Name, got, a.Data)
		}
	}
	if err := fidelity.WriteNPZ(path, []fidelity.Array{{Name: "bad", Shape: []int{2}, Data: []float32{1}}}); err == nil {
		t.Fatal("an array whose shape disagrees with its data was written")
	}
}

// TestCommittedEquivalenceResult reads the result of "make
// authors-equivalence" committed under bench/results and checks it against
// this build: equivalent within its tolerance, every planted mapping error
// detected, and the parameter counts this code gives.
func TestCommittedEquivalenceResult(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "bench", "results", "authors-8ff4575", "authors-equivalence.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		MaxAbsRiskDifference  float64 `json:"max_abs_risk_difference"`
		MaxAbsFusedDifference float64 `json:"max_abs_fused_difference"`
		Tolerance             float64 `json:"tolerance"`
		Equivalent            bool    `json:"equivalent"`
		AllPlanted            bool    `json:"all_planted_errors_detected"`
		ParamsAuthors         int     `json:"params_authors"`
		ParamsOurs            int     `json:"params_ours"`
		ParamsOursCompat      int     `json:"params_ours_authors_compat"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Equivalent || !r.AllPlanted || r.MaxAbsRiskDifference > r.Tolerance || r.MaxAbsFusedDifference > r.Tolerance || r.Tolerance > 1e-5 {
		t.Fatalf("committed result: %+v", r)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	def, err := model.Summarize(b, model.PaperConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	compat, err := model.Summarize(b, model.PaperConfig().AuthorsCompat(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.ParamsOurs != def.TotalParams || r.ParamsOursCompat != compat.TotalParams || r.ParamsAuthors != compat.TotalParams+1 ||
		r.ParamsAuthors != readAuthors(t).Params {
		t.Fatalf("committed counts %+v; this build: %d, %d (compat); authors' state dict %d", r, def.TotalParams, compat.TotalParams, readAuthors(t).Params)
	}
}
