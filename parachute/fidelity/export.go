// SPDX-License-Identifier: Apache-2.0

package fidelity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// AuthorsCommit is the commit of the authors' repository the mapping of
// [AuthorsStateDict] follows.
const AuthorsCommit = "8ff4575"

// ExportOptions configures [Export].
type ExportOptions struct {
	// Config is the network (default: model.PaperConfig().AuthorsCompat()).
	Config *model.Config
	// Seed seeds the initial parameters, their perturbation and the cohort.
	Seed uint64
	// Preset is the synthetic cohort the batch is drawn from (default pda,
	// whose patients have both modalities, pathology only or radiology
	// only).
	Preset string
	// PerGroup is the number of patients of each availability (both,
	// pathology only, radiology only) in the batch (default 6, 5, 5: a batch
	// of 16, the authors' batch size).
	PerGroup [3]int
}

// Constructor holds the arguments of the authors' PaRaChuteModel(...).
type Constructor struct {
	RadInputDim   int `json:"rad_input_dim"`
	HistoInputDim int `json:"histo_input_dim"`
	InterDim      int `json:"inter_dim"`
	TokenDim      int `json:"token_dim"`
	DimHider      int `json:"dim_hider"`
}

// Manifest describes an export (ours.json): the network, the batch, our
// parameter counts and where each of their arrays comes from.
type Manifest struct {
	AuthorsCommit string       `json:"authors_commit"`
	Config        model.Config `json:"config"`
	Constructor   Constructor  `json:"constructor"`
	// ParamsOurs counts the exported network's trainable parameters;
	// ParamsOursDefault those of the supplement's network (PaperConfig, no
	// compat switch).
	ParamsOurs        int                 `json:"params_ours"`
	ParamsOursDefault int                 `json:"params_ours_default"`
	Patients          []string            `json:"patients"`
	Availability      []string            `json:"availability"`
	Perturbation      string              `json:"perturbation"`
	From              map[string][]string `json:"from"`
}

// Export writes, into dir, what tools/authors/equivalence.py needs to run
// the authors' PaRaChuteModel side by side with ours:
//
//	weights.npz  the state dict of their model (AuthorsStateDict)
//	inputs.npz   rad_feature [B, S, w_r], histo_feature [B, w_h] (zeros where
//	             absent) and modality_flag [B, 2] (radiology, pathology), their
//	             forward's arguments; risk_ours [B] and fused_ours [B, d], our
//	             outputs in evaluation mode
//	ours.json    the Manifest
//
// The network is built with the seed's initial values, then every
// parameter that PyTorch initialises to a constant (LayerNorm and BatchNorm
// gains and offsets, BatchNorm's running statistics, the DCE's missing token)
// is perturbed, so that no mapping can be wrong unseen: gain 1 + 0.2u,
// offset 0.1u, running mean 0.1u, running variance 0.5 + u, token 0.1z,
// with u ~ U(−1, 1) (u ~ U(0, 1) for the variance) and z ~ N(0, 1). Each
// patient of the batch contributes its first slide and first series
// (resampled to Config.Slices slices, an identity when the cohort has that
// many).
func Export(b backends.Backend, dir string, opts ExportOptions) (*Manifest, error) {
	cfg := model.PaperConfig().AuthorsCompat()
	if opts.Config != nil {
		cfg = *opts.Config
	}
	if opts.Preset == "" {
		opts.Preset = "pda"
	}
	if opts.PerGroup == [3]int{} {
		opts.PerGroup = [3]int{6, 5, 5}
	}
	c, err := data.Synthesize(data.SynthOptions{Preset: opts.Preset, Seed: opts.Seed, MinSlices: cfg.Slices, MaxSlices: cfg.Slices})
	if err != nil {
		return nil, err
	}
	cfg.PathologyWidth, cfg.RadiologyWidth = c.Pathology.Width, c.Radiology.Width
	patients, availability, err := pickPatients(c, opts.PerGroup)
	if err != nil {
		return nil, err
	}
	n := len(patients)
	batch := model.NewBatch(cfg, n)
	rad := make([]float32, n*cfg.Slices*cfg.RadiologyWidth)
	histo := make([]float32, n*cfg.PathologyWidth)
	flags := make([]float32, 2*n)
	for i, p := range patients {
		batch.SetPatient(i, p.Time, p.Event)
		if p.HasRadiology() {
			s := p.Series[0]
			if err := batch.SetSeries(i, 0, s.Slices, s.Width, s.Features); err != nil {
				return nil, err
			}
			k := i * cfg.Slices * cfg.RadiologyWidth
			copy(rad[k:k+cfg.Slices*cfg.RadiologyWidth], batch.Series[i*cfg.MaxSeries*cfg.Slices*cfg.RadiologyWidth:])
			flags[2*i] = 1
		}
		if p.HasPathology() {
			if err := batch.SetSlide(i, 0, p.Slides[0].Features); err != nil {
				return nil, err
			}
			copy(histo[i*cfg.PathologyWidth:(i+1)*cfg.PathologyWidth], p.Slides[0].Features)
			flags[2*i+1] = 1
		}
	}

	m := &model.Model{Config: cfg, Seed: opts.Seed}
	ctx := context.New().Checked(false)
	forward := func(ctx *context.Context, inputs []*Node) []*Node {
		ctx.SetTraining(inputs[0].Graph(), false)
		fused, risk := m.Forward(ctx.In(model.Scope), model.InputsFromNodes(inputs))
		return []*Node{fused, risk}
	}
	args := make([]any, 0, 5)
	for _, t := range batch.InputTensors(cfg.DType) {
		args = append(args, t)
	}
	exec, err := context.NewExec(b, ctx, forward)
	if err != nil {
		return nil, err
	}
	if _, err := exec.Exec(args...); err != nil { // creates the variables
		return nil, err
	}
	exec.Finalize()
	if err := perturb(ctx, opts.Seed); err != nil {
		return nil, err
	}
	exec, err = context.NewExec(b, ctx, forward)
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	out, err := exec.Exec(args...)
	if err != nil {
		return nil, err
	}
	fused, risk := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])

	state, from, err := AuthorsStateDict(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := WriteNPZ(filepath.Join(dir, "weights.npz"), state); err != nil {
		return nil, err
	}
	inputs := []Array{
		{Name: "rad_feature", Shape: []int{n, cfg.Slices, cfg.RadiologyWidth}, Data: rad},
		{Name: "histo_feature", Shape: []int{n, cfg.PathologyWidth}, Data: histo},
		{Name: "modality_flag", Shape: []int{n, 2}, Data: flags},
		{Name: "risk_ours", Shape: []int{n}, Data: risk},
		{Name: "fused_ours", Shape: []int{n, cfg.Dim}, Data: fused},
	}
	if err := WriteNPZ(filepath.Join(dir, "inputs.npz"), inputs); err != nil {
		return nil, err
	}
	total, _ := model.ParameterCount(ctx)
	def, err := model.Summarize(b, model.PaperConfig(), 1)
	if err != nil {
		return nil, err
	}
	man := &Manifest{AuthorsCommit: AuthorsCommit, Config: cfg,
		Constructor: Constructor{RadInputDim: cfg.RadiologyWidth, HistoInputDim: cfg.PathologyWidth, InterDim: cfg.Inter,
			TokenDim: cfg.Dim, DimHider: cfg.Hazard},
		ParamsOurs: total, ParamsOursDefault: def.TotalParams, Availability: availability, From: from,
		Perturbation: "gain 1+0.2u, offset 0.1u, running mean 0.1u, running variance 0.5+u', DCE missing token 0.1z (u ~ U(-1,1), u' ~ U(0,1), z ~ N(0,1))"}
	for _, p := range patients {
		man.Patients = append(man.Patients, p.ID)
	}
	raw, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, "ours.json"), append(raw, '\n')); err != nil {
		return nil, err
	}
	return man, nil
}

// pickPatients takes, in cohort order, perGroup[0] patients with both
// modalities, perGroup[1] with pathology only and perGroup[2] with radiology
// only.
func pickPatients(c *data.Cohort, perGroup [3]int) ([]*data.Patient, []string, error) {
	names := [3]string{"both", "pathology only", "radiology only"}
	var groups [3][]*data.Patient
	for i := range c.Patients {
		p := &c.Patients[i]
		g := 0
		switch {
		case !p.HasRadiology():
			g = 1
		case !p.HasPathology():
			g = 2
		}
		if len(groups[g]) < perGroup[g] {
			groups[g] = append(groups[g], p)
		}
	}
	var out []*data.Patient
	var availability []string
	for g := range groups {
		if len(groups[g]) < perGroup[g] {
			return nil, nil, fmt.Errorf("fidelity: cohort %s has %d patients with %s, %d asked for", c.Name, len(groups[g]), names[g], perGroup[g])
		}
		out = append(out, groups[g]...)
		for range groups[g] {
			availability = append(availability, names[g])
		}
	}
	return out, availability, nil
}

// perturb moves every constant-initialised parameter of ctx away from its
// constant (see Export).
func perturb(ctx *context.Context, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0xf1de))
	for v := range ctx.IterVariables() {
		t, err := v.Value()
		if err != nil {
			return err
		}
		vals := tensors.MustCopyFlatData[float32](t)
		u := func() float32 { return float32(2*rng.Float64() - 1) }
		switch {
		case v.Name() == model.GainName:
			for i := range vals {
				vals[i] = 1 + 0.2*u()
			}
		case v.Name() == model.OffsetName:
			for i := range vals {
				vals[i] = 0.1 * u()
			}
		case v.Name() == model.RunningMeanName:
			for i := range vals {
				vals[i] = 0.1 * u()
			}
		case v.Name() == model.RunningVarName:
			for i := range vals {
				vals[i] = 0.5 + float32(rng.Float64())
			}
		case v.Scope() == "/"+model.Scope+"/missing/context":
			for i := range vals {
				vals[i] = 0.1 * float32(rng.NormFloat64())
			}
		default:
			continue
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals, t.Shape().Dimensions...)); err != nil {
			return err
		}
	}
	return nil
}
