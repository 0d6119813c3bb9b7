// SPDX-License-Identifier: Apache-2.0

package deep_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/baselines/deep"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// build runs a network once on a batch (training or not) and returns the
// context, the fused features, the risks and the auxiliary loss.
func build(t *testing.T, name string, cfg deep.Config, batch *model.Batch, training bool) (*context.Context, [][]float64, []float64, float64) {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	net, err := deep.New(name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.New().Checked(false)
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, inputs []*Node) []*Node {
		g := inputs[0].Graph()
		ctx.SetTraining(g, training)
		fused, aux := net.Encode(ctx.In(model.Scope), model.InputsFromNodes(inputs))
		risk := net.Head(ctx.In(model.Scope).In(model.HeadScope), fused)
		if aux == nil {
			aux = ScalarZero(g, fused.DType())
		}
		return []*Node{fused, risk, aux}
	})
	if err != nil {
		t.Fatal(err)
	}
	var args []any
	for _, x := range batch.InputTensors(cfg.DType) {
		args = append(args, x)
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	flat := tensors.MustCopyFlatData[float64](out[0])
	d := out[0].Shape().Dimensions[1]
	fused := make([][]float64, batch.Size)
	for i := range fused {
		fused[i] = flat[i*d : (i+1)*d]
	}
	return ctx, fused, tensors.MustCopyFlatData[float64](out[1]), tensors.MustCopyFlatData[float64](out[2])[0]
}

// testBatch holds patients 0–1 with both modalities, 2 pathology only, 3
// radiology only, 4 padding.
func testBatch(cfg model.Config) *model.Batch {
	rng := rand.New(rand.NewPCG(3, 5))
	vec := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	b := model.NewBatch(cfg, 5)
	for i := range 4 {
		b.SetPatient(i, float64(10+i), i%2 == 0)
		if i != 3 {
			b.SetSlide(i, 0, vec(cfg.PathologyWidth))
			b.SetSlide(i, 1, vec(cfg.PathologyWidth))
		}
		if i != 2 {
			b.SetSeries(i, 0, 3, cfg.RadiologyWidth, vec(3*cfg.RadiologyWidth))
		}
	}
	return b
}

func smallConfigs() (deep.Config, model.Config) {
	mc := model.QuickConfig()
	mc.PathologyWidth, mc.RadiologyWidth, mc.Slices, mc.MaxSlides, mc.MaxSeries, mc.DType = 12, 10, 4, 3, 2, dtypes.Float64
	return deep.Config{PathologyWidth: 12, RadiologyWidth: 10, Dim: 8, Dropout: 0.1, DType: dtypes.Float64, Seed: 1}, mc
}

// TestParameterCounts pins each network's trainable parameters with TITAN
// (768) and MedImageInsight (1024) inputs at the quick profile's width
// (h = 32) and the paper's (h = 256); the counts are in the doc comments.
func TestParameterCounts(t *testing.T) {
	want := map[string][2]int{
		deep.DRIM: {317219, 7354627}, deep.AttentionMOI: {91777, 1187585}, deep.MMD: {122913, 1314817}, deep.ShaSpec: {68003, 1117443},
	}
	for _, name := range deep.Names {
		for k, h := range []int{32, 256} {
			mc := model.QuickConfig()
			mc.Slices, mc.MaxSlides, mc.MaxSeries, mc.DType = 2, 2, 1, dtypes.Float64
			cfg := deep.Config{PathologyWidth: 768, RadiologyWidth: 1024, Dim: h, Dropout: 0.1, DType: dtypes.Float64, Seed: 1}
			ctx, _, _, _ := build(t, name, cfg, testBatch(mc), true)
			total := 0
			for v := range ctx.IterVariables() {
				if v.Trainable && v.Shape().Size() > 0 {
					total += v.Shape().Size()
				}
			}
			t.Logf("%s at h = %d: %d parameters", name, h, total)
			if total != want[name][k] {
				t.Errorf("%s at h = %d: %d parameters, want %d", name, h, total, want[name][k])
			}
		}
	}
}

// TestDeepNetworksHandleMissingModalities: in evaluation every real
// patient's risk is finite, the auxiliary loss is absent, a patient's
// fused features do not depend on the others of its batch, and training
// gives a finite auxiliary loss for the networks that have one.
func TestDeepNetworksHandleMissingModalities(t *testing.T) {
	cfg, mc := smallConfigs()
	for _, name := range deep.Names {
		_, fused, risk, aux := build(t, name, cfg, testBatch(mc), false)
		for i := range 4 {
			if math.IsNaN(risk[i]) || math.IsInf(risk[i], 0) {
				t.Fatalf("%s: risk[%d] = %v", name, i, risk[i])
			}
		}
		if aux != 0 {
			t.Fatalf("%s: auxiliary loss %v in evaluation", name, aux)
		}
		// Patient 2 alone gives the same fused features.
		alone := model.NewBatch(mc, 1)
		full := testBatch(mc)
		alone.SetPatient(0, 12, true)
		copy(alone.Slides, full.Slides[2*mc.MaxSlides*mc.PathologyWidth:3*mc.MaxSlides*mc.PathologyWidth])
		copy(alone.SlideMask, full.SlideMask[2*mc.MaxSlides:3*mc.MaxSlides])
		_, f1, _, _ := build(t, name, cfg, alone, false)
		for j := range f1[0] {
			if math.Abs(f1[0][j]-fused[2][j]) > 1e-12 {
				t.Fatalf("%s: patient 2's fused features depend on its batch", name)
			}
		}
		_, _, _, trainAux := build(t, name, cfg, testBatch(mc), true)
		if math.IsNaN(trainAux) || math.IsInf(trainAux, 0) || (name != deep.AttentionMOI) != (trainAux != 0) {
			t.Fatalf("%s: training auxiliary loss %v", name, trainAux)
		}
	}
}
