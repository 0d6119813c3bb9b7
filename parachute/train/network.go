// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/parachute-surv/goparachute/parachute/baselines/deep"
	"github.com/parachute-surv/goparachute/parachute/model"
)

// Network is what a Trainer trains: an encoder of a batch into one fused
// vector per patient (where Gradient Curvature Steering acts), a head from it
// to the log-risk, and optional auxiliary training losses. The PARACHUTE
// network is one; the deep baselines (package baselines/deep) are the
// others. Parameters live under model.Scope, the head's under
// model.Scope/model.HeadScope; ctx arrives at those scopes.
type Network interface {
	// Encode returns the fused features [B, d] and the auxiliary loss (a
	// scalar added to the training loss; nil for none).
	Encode(ctx *context.Context, in model.Inputs) (fused, aux *Node)
	// Head maps fused features to log-risks [B]; risk b depends only on
	// row b.
	Head(ctx *context.Context, fused *Node) *Node
}

// parachuteNetwork adapts the PARACHUTE network to Network.
type parachuteNetwork struct{ m *model.Model }

func (p parachuteNetwork) Encode(ctx *context.Context, in model.Inputs) (*Node, *Node) {
	return p.m.FusionEncoder(ctx, in), nil
}

func (p parachuteNetwork) Head(ctx *context.Context, fused *Node) *Node {
	return p.m.HazardNet(ctx, fused)
}

// networkOf returns the network a configuration trains: PARACHUTE, or the
// deep baseline cfg.Network names (its hidden width the profile's token
// width d, its dropout the profile's).
func networkOf(cfg TrainConfig) (Network, *model.Model, error) {
	if cfg.Network == "" {
		m := &model.Model{Config: cfg.Model, Seed: cfg.Seed}
		return parachuteNetwork{m}, m, nil
	}
	n, err := deep.New(cfg.Network, deep.Config{PathologyWidth: cfg.Model.PathologyWidth, RadiologyWidth: cfg.Model.RadiologyWidth,
		Dim: cfg.Model.Dim, Dropout: cfg.Model.Dropout, DType: cfg.Model.DType, Seed: cfg.Seed})
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	return n, nil, nil
}
