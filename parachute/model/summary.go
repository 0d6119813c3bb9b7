// SPDX-License-Identifier: Apache-2.0

package model

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Scope is the context scope the project builds the model under, and
// HeadScope the scope of the hazard net below it ([Model.Forward]).
const (
	Scope     = "model"
	HeadScope = "hazard"
)

// ParameterCount returns the number of trainable parameters under the
// model's scope of ctx, in total and by module (the first two levels of
// scope below it, e.g. "fusion/block1" or "rad_ctx").
func ParameterCount(ctx *context.Context) (total int, byModule map[string]int) {
	byModule = map[string]int{}
	prefix := "/" + Scope + "/"
	for v := range ctx.IterVariables() {
		if !v.Trainable || !strings.HasPrefix(v.Scope()+"/", prefix) {
			continue
		}
		n := v.Shape().Size()
		total += n
		byModule[moduleOf(strings.TrimPrefix(v.Scope()+"/", prefix))] += n
	}
	return total, byModule
}

// moduleOf keeps the first two scope levels ("fusion/block1/query" →
// "fusion/block1"), or one for single-level modules.
func moduleOf(scope string) string {
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	if len(parts) > 2 {
		parts = parts[:2]
	}
	if len(parts) == 2 && parts[0] != "fusion" && parts[0] != "missing" {
		parts = parts[:1]
	}
	return strings.Join(parts, "/")
}

// ModuleSummary is one row of a model summary.
type ModuleSummary struct {
	Module string `json:"module"`
	Input  []int  `json:"input_shape,omitempty"`
	Output []int  `json:"output_shape,omitempty"`
	Params int    `json:"params"`
}

// Summary lists the modules of a configured model with their input and
// output shapes for one patient and their trainable parameters.
type Summary struct {
	Config      Config          `json:"config"`
	Modules     []ModuleSummary `json:"modules"`
	TotalParams int             `json:"total_params"`
	// Block lists the steps inside the first cross-attention block
	// (fusion/block1), in the order they run: the three pre-LN projections
	// (norm_query, query, …) split into heads, the scaled masked attention,
	// the merge of the heads, the output projection, the first residual, the
	// feed-forward network (ffn/norm, ffn/linear1, ffn/linear2) and the
	// second residual. Module names are relative to the block.
	Block []ModuleSummary `json:"block"`
}

// blockScope is the scope of the block Summary.Block details.
const blockScope = "/" + Scope + "/fusion/block1/"

// Summarize builds the model on a fresh context for a batch of one patient
// (one slide and one series), runs it once in inference mode, and returns its
// summary.
func Summarize(backend backends.Backend, cfg Config, seed uint64) (*Summary, error) {
	return SummarizeIn(backend, context.New().Checked(false), cfg, seed)
}

// SummarizeIn is Summarize on a given context, which holds the model's
// variables (initial values, under Scope) afterwards.
func SummarizeIn(backend backends.Backend, ctx *context.Context, cfg Config, seed uint64) (*Summary, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var trace []ModuleTrace
	m := &Model{Config: cfg, Seed: seed, Trace: &trace}
	batch := NewBatch(cfg, 1)
	batch.SetPatient(0, 1, true)
	if err := batch.SetSlide(0, 0, make([]float32, cfg.PathologyWidth)); err != nil {
		return nil, err
	}
	if err := batch.SetSeries(0, 0, 1, cfg.RadiologyWidth, make([]float32, cfg.RadiologyWidth)); err != nil {
		return nil, err
	}
	exec, err := context.NewExec(backend, ctx, func(ctx *context.Context, inputs []*Node) *Node {
		_, risk := m.Forward(ctx.In(Scope), InputsFromNodes(inputs))
		return risk
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	args := make([]any, 0, 5)
	for _, t := range batch.InputTensors(cfg.DType) {
		args = append(args, t)
	}
	if _, err := exec.Exec(args...); err != nil {
		return nil, err
	}
	total, byModule := ParameterCount(ctx)
	s := &Summary{Config: cfg, TotalParams: total}
	seen := map[string]bool{}
	for _, tr := range trace {
		if step, ok := strings.CutPrefix(tr.Scope, blockScope); ok {
			s.Block = append(s.Block, ModuleSummary{Module: step, Input: tr.In, Output: tr.Out, Params: paramsUnder(ctx, tr.Scope)})
		}
		if strings.Count(strings.TrimPrefix(tr.Scope, "/"+Scope+"/"), "/") > 1 {
			continue // a step inside a module
		}
		mod := moduleOf(strings.TrimPrefix(tr.Scope+"/", "/"+Scope+"/"))
		if seen[mod] {
			continue
		}
		seen[mod] = true
		s.Modules = append(s.Modules, ModuleSummary{Module: mod, Input: tr.In, Output: tr.Out, Params: byModule[mod]})
	}
	var rest []string
	for mod := range byModule {
		if !seen[mod] {
			rest = append(rest, mod)
		}
	}
	sort.Strings(rest)
	for _, mod := range rest {
		s.Modules = append(s.Modules, ModuleSummary{Module: mod, Params: byModule[mod]})
	}
	return s, nil
}

// paramsUnder counts the trainable parameters whose scope is scope or lies
// below it.
func paramsUnder(ctx *context.Context, scope string) int {
	n := 0
	for v := range ctx.IterVariables() {
		if v.Trainable && (v.Scope() == scope || strings.HasPrefix(v.Scope()+"/", scope+"/")) {
			n += v.Shape().Size()
		}
	}
	return n
}

// WriteTable prints the summary as an aligned text table.
func (s *Summary) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%-22s %-22s %-22s %12s\n", "module", "input (1 patient)", "output", "parameters")
	for _, m := range s.Modules {
		fmt.Fprintf(w, "%-22s %-22s %-22s %12d\n", m.Module, dimString(m.Input), dimString(m.Output), m.Params)
	}
	fmt.Fprintf(w, "%-22s %-22s %-22s %12d\n", "total", "", "", s.TotalParams)
}

func dimString(d []int) string {
	if d == nil {
		return "-"
	}
	return strings.ReplaceAll(fmt.Sprint(d), " ", "×")
}
