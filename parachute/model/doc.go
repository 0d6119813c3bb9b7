// SPDX-License-Identifier: Apache-2.0

// Package model is the PARACHUTE network as GoMLX graph code (supplement
// Section 1 and Figure 4, and the authors' released code), built per patient.
//
// # Inputs
//
// A batch holds B patients (padding slots have Valid false). Pathology
// tokens are one per slide (at most MaxSlides, masked); radiology tokens are
// one per CT series (at most MaxSeries, masked), each series first resampled
// on the host to Slices slices by linear interpolation and reduced over its
// slices by the radiology adapter. In training the experiment package draws
// a fresh random subset of the slides and series beyond the caps every
// epoch; in evaluation the first ones up to the caps enter.
//
// # Network
//
//   - Radiology adapters (contextual path rad_ctx; fusion tokens rad_tok):
//     two 1-D convolutions over slices (kernel 3, padding 1, ReLU, dropout,
//     LayerNorm), mean over slices; the token adapter adds Linear, GELU,
//     dropout, Linear to d and LayerNorm. Each convolution is one matrix
//     product followed by a shift-and-sum (no Pad or Slice, which GoMLX's
//     pure-Go backend cannot differentiate).
//   - Pathology adapters (histo_ctx, histo_tok): the authors' HistoAdapter,
//     Linear, pre-LN residual GELU blocks, final LayerNorm.
//   - Missing-modality tokens replace an absent modality on both paths, and
//     a learned context token is added when any modality is missing.
//   - Dynamic Contextual Embedding: pooled radiology and pathology vectors
//     are projected to d (pe_rad, pe_histo), normalised, and for each row of
//     their d×d similarity the means of the TopK largest and smallest
//     entries are mapped back to d, in the exact rank-one form (dce.go).
//   - Fusion: four pre-LN multi-head cross-attention blocks (PyTorch
//     semantics, 1/√(d/h) scaling, key masks) wired as the supplement's
//     Figure 4b: radiology→pathology with values enriched by σ(context),
//     radiology→pathology, pathology→radiology, and the third block's output
//     querying keys from the second and values from the first; masked mean
//     over the pathology tokens; the contextual skip LN(pooled) + LN(context).
//   - Hazard net: Linear(d→256), ReLU, dropout, Linear(256→d), ReLU,
//     dropout, Linear(d→1): the log-risk, higher = earlier death.
//
// # Differences from the authors' code, and why
//
// Each difference has a compat switch; [Config.AuthorsCompat] turns them all
// on, and the network is then the authors' PaRaChuteModel (commit 8ff4575):
// on the same weights and batch their module and this one give the same
// risks to 2·10⁻⁷ (bench/results/authors-8ff4575, "make authors-equivalence").
//
//   - Attention is per patient over its slide and series tokens. The
//     authors feed [B, d] tensors to nn.MultiheadAttention, so attention runs
//     across the patients of a batch and a prediction depends on the batch;
//     Config.CompatBatchAttention reproduces that for comparisons.
//   - The radiology adapters normalise with LayerNorm over channels instead
//     of BatchNorm1d (same parameter count), so that a patient never depends
//     on its batch in training either (GCS's per-sample curvature needs it);
//     Config.CompatBatchNorm reproduces BatchNorm1d (batch statistics in
//     training, running statistics in evaluation).
//   - The fusion blocks are the pre-LN blocks of the supplement's Figure 4a,
//     each with its own weights. The authors' fusion layer is three bare
//     nn.MultiheadAttention modules (no LayerNorm, residual or feed-forward
//     network; dropout 0.25 on the attention weights), the first called for
//     blocks 1 and 2; Config.CompatPlainFusion reproduces it.
//
// # Size
//
// With [PaperConfig] (d = d_int = 256, h = 4) the network has 5,143,297
// trainable parameters: rad_ctx 984,576 and rad_tok 1,116,672 (the two
// 1024→256 kernel-3 convolutions alone hold 1.57 M), histo_ctx and histo_tok
// 462,592 each, pe_rad and pe_histo 132,096 each, dce 131,328, four fusion
// blocks 396,800 each, hazard 131,841, norms and tokens 2,304; a PyTorch
// rendering of the structure (bench/torch_reference.py) counts the same. The
// paper reports about 3.2 M. The authors' released model counts 4,345,602 at
// the same widths (their fusion layer holds 789,504 parameters where the four
// full blocks hold 1,587,200; the AuthorsCompat network counts 4,345,601, their
// count less the unused γ of Gradient Curvature Steering they keep in the
// model), and 3,308,418 with the 128-wide tokens of their PDA preset — the
// likely source of the paper's figure. The project keeps the supplement's
// d = 256 and the blocks of Figure 4a rather than distort the architecture to
// hit the number. The counts are pinned by tests; `parachute model summary`
// prints the breakdown.
package model
