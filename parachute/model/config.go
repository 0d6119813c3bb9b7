// SPDX-License-Identifier: Apache-2.0

package model

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// Config sets the sizes and options of the network. The zero value is not
// valid; start from [PaperConfig] or [QuickConfig].
type Config struct {
	// PathologyWidth is the width of a slide embedding (TITAN: 768) and
	// RadiologyWidth the width of a CT slice embedding (MedImageInsight: 1024).
	PathologyWidth int `json:"pathology_width"`
	RadiologyWidth int `json:"radiology_width"`
	// Dim is the token width d, Inter the adapters' intermediate width d_int,
	// FFN the hidden width of each attention block's feed-forward network and
	// Hazard the hidden width of the hazard net.
	Dim    int `json:"dim"`
	Inter  int `json:"inter"`
	FFN    int `json:"ffn"`
	Hazard int `json:"hazard"`
	// Heads is the number of attention heads h; Dim must be a multiple.
	Heads int `json:"heads"`
	// TopK is the number of largest and smallest similarities the Dynamic
	// Contextual Embedding averages per row (16 in the authors' code).
	TopK int `json:"top_k"`
	// Dropout is the rate of every dropout layer.
	Dropout float64 `json:"dropout"`
	// Slices is the number of slices every CT series is resampled to.
	Slices int `json:"slices"`
	// MaxSlides and MaxSeries cap the tokens per patient in a batch.
	MaxSlides int `json:"max_slides"`
	MaxSeries int `json:"max_series"`
	// DType is the dtype of parameters and activations (float32 by default;
	// float64 for numerical tests).
	DType dtypes.DType `json:"dtype"`
	// CompatBatchAttention reproduces the authors' code, which feeds [B, d]
	// tensors to nn.MultiheadAttention so that attention runs across the
	// patients of a batch (each patient one token). Off by default: then a
	// patient's prediction never depends on the rest of its batch.
	CompatBatchAttention bool `json:"compat_batch_attention"`
	// CompatPlainFusion reproduces the authors' fusion_layer: each of the four
	// blocks is a bare nn.MultiheadAttention (no LayerNorm, residual or
	// feed-forward network; dropout 0.25 on the attention weights), and blocks
	// 1 and 2 share one set of weights (their cross_att1 is called twice).
	// Off by default: the supplement's Figure 4a draws full pre-LN blocks.
	CompatPlainFusion bool `json:"compat_plain_fusion,omitempty"`
	// CompatBatchNorm reproduces the authors' radiology adapters, which
	// normalise with BatchNorm1d: in training with the statistics of the
	// batch's real series (all their slices), in evaluation with running
	// statistics updated at each training forward pass with momentum 0.1
	// (unbiased variance), as PyTorch does. Off by default: LayerNorm keeps
	// a patient's output independent of its batch, in training too.
	CompatBatchNorm bool `json:"compat_batch_norm,omitempty"`
}

// AuthorsCompat returns c with every switch that makes the network the
// authors' PaRaChuteModel (their commit 8ff4575) on: attention across the
// batch, the plain shared-weight fusion layer and BatchNorm in the radiology
// adapters. Their parameter count at this configuration is ours plus one
// (their unused γ of Gradient Curvature Steering lives in the model).
func (c Config) AuthorsCompat() Config {
	c.CompatBatchAttention, c.CompatPlainFusion, c.CompatBatchNorm = true, true, true
	return c
}

// PaperConfig is the supplement's network: d = d_int = 256, h = 4,
// dropout 0.1, TITAN (768) and MedImageInsight (1024) inputs, CT series
// resampled to 66 slices (the authors' preset), at most 16 slides and 4
// series per patient in a batch.
func PaperConfig() Config {
	return Config{PathologyWidth: 768, RadiologyWidth: 1024, Dim: 256, Inter: 256, FFN: 256, Hazard: 256,
		Heads: 4, TopK: 16, Dropout: 0.1, Slices: 66, MaxSlides: 16, MaxSeries: 4, DType: dtypes.Float32}
}

// QuickConfig is a small network for CPUs, tests and tutorials: d = d_int =
// 32, 4 heads, top-4 contextual similarities, 8 slices per series, at most
// 8 slides and 2 series per patient.
func QuickConfig() Config {
	return Config{PathologyWidth: 768, RadiologyWidth: 1024, Dim: 32, Inter: 32, FFN: 32, Hazard: 32,
		Heads: 4, TopK: 4, Dropout: 0.1, Slices: 8, MaxSlides: 8, MaxSeries: 2, DType: dtypes.Float32}
}

// Validate checks the configuration.
func (c Config) Validate() error {
	for name, v := range map[string]int{"pathology_width": c.PathologyWidth, "radiology_width": c.RadiologyWidth,
		"dim": c.Dim, "inter": c.Inter, "ffn": c.FFN, "hazard": c.Hazard, "heads": c.Heads, "top_k": c.TopK,
		"slices": c.Slices, "max_slides": c.MaxSlides, "max_series": c.MaxSeries} {
		if v < 1 {
			return fmt.Errorf("model: %s = %d must be ≥ 1", name, v)
		}
	}
	if c.Dim%c.Heads != 0 {
		return fmt.Errorf("model: dim %d is not a multiple of heads %d", c.Dim, c.Heads)
	}
	if c.TopK > c.Dim {
		return fmt.Errorf("model: top_k %d exceeds dim %d", c.TopK, c.Dim)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		return fmt.Errorf("model: dropout %v outside [0, 1)", c.Dropout)
	}
	if c.DType != dtypes.Float32 && c.DType != dtypes.Float64 {
		return fmt.Errorf("model: dtype %s is not float32 or float64", c.DType)
	}
	return nil
}
