// SPDX-License-Identifier: Apache-2.0

package train

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/losses"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// Objective is a trained network's Cox loss over a fixed set of patients as
// a function of its trainable parameters: all the patients in one batch, in
// evaluation mode (no dropout; the first MaxSlides slides and MaxSeries
// series of each patient, all its modalities, or the configured one of a
// unimodal run), the mean Breslow partial likelihood of losses.CoxNLL over
// the whole set (one risk set), without a deep baseline's auxiliary losses.
// It is the function whose curvature package landscape measures.
type Objective struct {
	Backend backends.Backend
	// Context holds the network's variables (the trainer's own).
	Context *context.Context
	// Inputs are the tensors of the patients' batch and outcomes, the graph
	// inputs Loss expects.
	Inputs []any
	// Variables are the trainable variables, sorted by scope and name.
	Variables []*context.Variable
	// Risks are the patients' log-risks at the trained parameters.
	Risks []float64
	t     *Trainer
}

// Objective returns the Cox loss of the trained network over the patients
// (see [Objective]).
func (t *Trainer) Objective(patients []*data.Patient) (*Objective, error) {
	if len(patients) == 0 {
		return nil, errors.New("train: an objective over no patients")
	}
	risks, err := t.Predict(patients, nil) // also creates the variables
	if err != nil {
		return nil, err
	}
	b := model.NewBatch(t.Config.Model, len(patients))
	var masks []Masking
	if t.Config.Modality != "" {
		masks = make([]Masking, len(patients))
		for i := range masks {
			masks[i] = onlyModality(Masking{}, t.Config.Modality)
		}
	}
	if err := fillBatch(b, patients, masks, nil); err != nil {
		return nil, err
	}
	o := &Objective{Backend: t.backend, Context: t.ctx, Inputs: t.args(b), Risks: risks, t: t}
	prefix := "/" + model.Scope + "/"
	for v := range t.ctx.IterVariables() {
		if v.Trainable && strings.HasPrefix(v.Scope()+"/", prefix) {
			o.Variables = append(o.Variables, v)
		}
	}
	slices.SortFunc(o.Variables, func(a, b *context.Variable) int { return cmp.Compare(a.ScopeAndName(), b.ScopeAndName()) })
	return o, nil
}

// Loss builds the loss in inputs' graph from nodes of o.Inputs, reading the
// variables' current graph values (set them with SetValueGraph to evaluate
// it elsewhere).
func (o *Objective) Loss(ctx *context.Context, inputs []*Node) *Node {
	ctx.SetTraining(inputs[0].Graph(), false)
	in := model.InputsFromNodes(inputs)
	fused, _ := o.t.net.Encode(ctx.In(model.Scope), in)
	risk := o.t.net.Head(ctx.In(model.Scope).In(model.HeadScope), fused)
	opts := &losses.CoxOptions{CompatInvertedEvents: o.t.Config.CompatInvertedEvents}
	return losses.CoxNLL(risk, inputs[inputTime], inputs[inputEvent], in.Valid, opts)
}
