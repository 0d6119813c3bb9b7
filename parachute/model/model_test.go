// SPDX-License-Identifier: Apache-2.0

package model_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// testConfig is a small network with room for padding: 3 slides, 2 series.
func testConfig() model.Config {
	c := model.QuickConfig()
	c.PathologyWidth, c.RadiologyWidth = 12, 10
	c.Dim, c.Inter, c.FFN, c.Hazard, c.TopK = 8, 8, 8, 8, 3
	c.Slices, c.MaxSlides, c.MaxSeries = 4, 3, 2
	return c
}

// patient is one synthetic patient for the model tests.
type patient struct {
	slides [][]float32
	series [][]float32 // each [slices × width]
	slices []int
}

func randomPatient(rng *rand.Rand, cfg model.Config, nSlides, nSeries int) patient {
	var p patient
	for range nSlides {
		s := make([]float32, cfg.PathologyWidth)
		for j := range s {
			s[j] = float32(rng.NormFloat64())
		}
		p.slides = append(p.slides, s)
	}
	for range nSeries {
		n := 2 + rng.IntN(5)
		s := make([]float32, n*cfg.RadiologyWidth)
		for j := range s {
			s[j] = float32(rng.NormFloat64())
		}
		p.series = append(p.series, s)
		p.slices = append(p.slices, n)
	}
	return p
}

// predictor runs the model in evaluation mode on batches of patients.
type predictor struct {
	cfg  model.Config
	exec *context.Exec
}

func newPredictor(t *testing.T, cfg model.Config) *predictor {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	m := &model.Model{Config: cfg, Seed: 3}
	ctx := context.New().Checked(false)
	exec, err := context.NewExec(b, ctx, func(ctx *context.Context, inputs []*Node) *Node {
		_, risk := m.Forward(ctx.In(model.Scope), model.InputsFromNodes(inputs))
		return risk
	})
	if err != nil {
		t.Fatal(err)
	}
	return &predictor{cfg: cfg, exec: exec}
}

func (p *predictor) predict(t *testing.T, size int, slots map[int]patient) []float64 {
	t.Helper()
	b := model.NewBatch(p.cfg, size)
	for i, pt := range slots {
		b.SetPatient(i, 1, true)
		for k, s := range pt.slides {
			if err := b.SetSlide(i, k, s); err != nil {
				t.Fatal(err)
			}
		}
		for k, s := range pt.series {
			if err := b.SetSeries(i, k, pt.slices[k], p.cfg.RadiologyWidth, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	var args []any
	for _, x := range b.InputTensors(p.cfg.DType) {
		args = append(args, x)
	}
	out, err := p.exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	risk := make([]float64, size)
	switch v := out[0].Value().(type) {
	case []float32:
		for i, x := range v {
			risk[i] = float64(x)
		}
	case []float64:
		copy(risk, v)
	}
	return risk
}

// TestPredictionDoesNotDependOnTheBatch puts the same patients alone and
// inside different batches, at different positions.
func TestPredictionDoesNotDependOnTheBatch(t *testing.T) {
	cfg := testConfig()
	p := newPredictor(t, cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	targets := []patient{randomPatient(rng, cfg, 3, 2), randomPatient(rng, cfg, 1, 0), randomPatient(rng, cfg, 0, 1)}
	for ti, target := range targets {
		alone := p.predict(t, 4, map[int]patient{0: target})[0]
		for trial := range 4 {
			slots := map[int]patient{}
			for i := range 4 {
				slots[i] = randomPatient(rng, cfg, rng.IntN(4), 1+rng.IntN(2))
			}
			pos := trial % 4
			slots[pos] = target
			got := p.predict(t, 4, slots)[pos]
			if math.Abs(got-alone) > 1e-6*math.Max(1, math.Abs(alone)) {
				t.Fatalf("patient %d: alone %v, in batch %d at %d: %v", ti, alone, trial, pos, got)
			}
		}
	}
}

// TestCompatBatchAttentionMixesPatients checks that the compat option
// reproduces the authors' cross-batch attention: a prediction changes with
// the rest of the batch.
func TestCompatBatchAttentionMixesPatients(t *testing.T) {
	cfg := testConfig()
	cfg.CompatBatchAttention = true
	p := newPredictor(t, cfg)
	rng := rand.New(rand.NewPCG(2, 2))
	target := randomPatient(rng, cfg, 2, 1)
	alone := p.predict(t, 4, map[int]patient{0: target})[0]
	with := p.predict(t, 4, map[int]patient{0: target, 1: randomPatient(rng, cfg, 2, 1), 2: randomPatient(rng, cfg, 1, 2)})[0]
	if math.Abs(alone-with) < 1e-6 {
		t.Fatalf("compat attention: alone %v, with others %v: no dependence on the batch", alone, with)
	}
}

func TestPaperModelParameterCount(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.Summarize(b, model.PaperConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// 5,143,297 trainable parameters: the two radiology adapters' 1024→256
	// kernel-3 convolutions alone hold 1.57 M (see the package doc).
	if s.TotalParams != 5143297 {
		t.Fatalf("paper model has %d parameters, want 5143297", s.TotalParams)
	}
	byModule := map[string]int{}
	for _, m := range s.Modules {
		byModule[m.Module] = m.Params
	}
	for mod, want := range map[string]int{"rad_ctx": 984576, "rad_tok": 1116672, "histo_ctx": 462592, "histo_tok": 462592,
		"dce": 131328, "fusion/block1": 396800, "hazard": 131841} {
		if byModule[mod] != want {
			t.Errorf("%s: %d parameters, want %d", mod, byModule[mod], want)
		}
	}
	// The steps inside the first block (Figure 4a) account for its
	// parameters, in the order the block runs them: six d×d (+ bias)
	// projections and four LayerNorms; the heads split d = 256 into 4 × 64.
	var steps []string
	sum := 0
	for _, m := range s.Block {
		steps = append(steps, m.Module)
		sum += m.Params
	}
	want := []string{"norm_query", "query", "norm_key", "key", "norm_value", "value", "attention", "heads", "output",
		"residual1", "ffn/norm", "ffn/linear1", "ffn/linear2", "residual2"}
	if !slices.Equal(steps, want) || sum != byModule["fusion/block1"] {
		t.Errorf("block steps %v with %d parameters; want %v with %d", steps, sum, want, byModule["fusion/block1"])
	}
	if q := s.Block[1].Output; !slices.Equal(q, []int{1, 4, 4, 64}) {
		t.Errorf("query heads %v, want [1 4 4 64]", q)
	}
}

func TestFloat64ModelRunsAndIsFinite(t *testing.T) {
	cfg := testConfig()
	cfg.DType = dtypes.Float64
	p := newPredictor(t, cfg)
	rng := rand.New(rand.NewPCG(4, 4))
	risk := p.predict(t, 3, map[int]patient{0: randomPatient(rng, cfg, 3, 2), 1: randomPatient(rng, cfg, 2, 0), 2: randomPatient(rng, cfg, 0, 2)})
	for i, r := range risk {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			t.Fatalf("risk[%d] = %v", i, r)
		}
	}
}

func TestSetSeriesResamplesLinearly(t *testing.T) {
	cfg := testConfig()
	cfg.RadiologyWidth, cfg.Slices = 2, 5
	b := model.NewBatch(cfg, 1)
	// Three slices (0, 10), (1, 20), (2, 30) resampled to five: positions
	// 0, 0.5, 1, 1.5, 2.
	if err := b.SetSeries(0, 1, 3, 2, []float32{0, 10, 1, 20, 2, 30}); err != nil {
		t.Fatal(err)
	}
	got := b.Series[1*5*2 : 2*5*2]
	want := []float32{0, 10, 0.5, 15, 1, 20, 1.5, 25, 2, 30}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("resampled %v, want %v", got, want)
		}
	}
	if !b.SeriesMask[1] || b.SeriesMask[0] {
		t.Fatalf("mask %v", b.SeriesMask)
	}
	if err := b.SetSeries(0, 2, 3, 2, []float32{0, 10, 1, 20, 2, 30}); err == nil {
		t.Fatal("a third series in a batch of two: no error")
	}
}

// TestAuthorsCompatParameterCount: with the switches that make the network
// the authors' PaRaChuteModel, the paper configuration has their count at
// inter_dim = token_dim = 256 (4,345,602, counted with PyTorch from their
// commit 8ff4575 by tools/authors/equivalence.py) less their unused GCS γ:
// the plain fusion layer holds 3 × (4·256² + 4·256) = 789,504 parameters
// (block 2 shares block 1's), the BatchNorms as many as the LayerNorms
// they replace.
func TestAuthorsCompatParameterCount(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.Summarize(b, model.PaperConfig().AuthorsCompat(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalParams != 4345602-1 {
		t.Fatalf("authors-compat paper model has %d parameters, want 4,345,601", s.TotalParams)
	}
	fusion := 0
	for _, m := range s.Modules {
		if strings.HasPrefix(m.Module, "fusion/block") {
			fusion += m.Params
		}
	}
	if fusion != 789504 {
		t.Fatalf("plain fusion blocks hold %d parameters, want 789,504", fusion)
	}
}
