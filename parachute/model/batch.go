// SPDX-License-Identifier: Apache-2.0

package model

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Batch is the host side of [Inputs] plus the outcomes: B patients, each
// with up to MaxSlides slide embeddings and MaxSeries CT series resampled to
// Slices slices, zero-padded and masked. A patient slot with Valid false is
// padding (a batch always has the same shape, so graphs compile once).
type Batch struct {
	Config     Config
	Size       int
	Slides     []float32 // [Size, MaxSlides, PathologyWidth]
	SlideMask  []bool    // [Size, MaxSlides]
	Series     []float32 // [Size, MaxSeries, Slices, RadiologyWidth]
	SeriesMask []bool    // [Size, MaxSeries]
	Valid      []bool    // [Size]
	Time       []float64 // [Size] days
	Event      []bool    // [Size]
}

// NewBatch returns an empty (all padding) batch of size patients.
func NewBatch(cfg Config, size int) *Batch {
	return &Batch{Config: cfg, Size: size,
		Slides:     make([]float32, size*cfg.MaxSlides*cfg.PathologyWidth),
		SlideMask:  make([]bool, size*cfg.MaxSlides),
		Series:     make([]float32, size*cfg.MaxSeries*cfg.Slices*cfg.RadiologyWidth),
		SeriesMask: make([]bool, size*cfg.MaxSeries),
		Valid:      make([]bool, size), Time: make([]float64, size), Event: make([]bool, size)}
}

// SetPatient marks slot i as a real patient with its outcome.
func (b *Batch) SetPatient(i int, time float64, event bool) {
	b.Valid[i], b.Time[i], b.Event[i] = true, time, event
}

// SetSlide puts a slide embedding into token k of patient i.
func (b *Batch) SetSlide(i, k int, features []float32) error {
	c := b.Config
	if len(features) != c.PathologyWidth || k >= c.MaxSlides {
		return fmt.Errorf("model: slide %d of width %d into a batch of width %d and %d slides", k, len(features), c.PathologyWidth, c.MaxSlides)
	}
	copy(b.Slides[(i*c.MaxSlides+k)*c.PathologyWidth:], features)
	b.SlideMask[i*c.MaxSlides+k] = true
	return nil
}

// SetSeries puts a CT series [slices, width] (row-major) into token k of
// patient i, resampled to Config.Slices slices by linear interpolation along
// the slice axis (first and last slices kept; a single slice is repeated).
func (b *Batch) SetSeries(i, k, slices, width int, features []float32) error {
	c := b.Config
	if width != c.RadiologyWidth || k >= c.MaxSeries || slices < 1 || len(features) != slices*width {
		return fmt.Errorf("model: series %d of %d×%d into a batch of width %d and %d series", k, slices, width, c.RadiologyWidth, c.MaxSeries)
	}
	dst := b.Series[(i*c.MaxSeries+k)*c.Slices*width:]
	for t := range c.Slices {
		pos := 0.0
		if c.Slices > 1 {
			pos = float64(t) * float64(slices-1) / float64(c.Slices-1)
		}
		lo := int(pos)
		hi := min(lo+1, slices-1)
		frac := float32(pos - float64(lo))
		row := dst[t*width : (t+1)*width]
		a, z := features[lo*width:(lo+1)*width], features[hi*width:(hi+1)*width]
		for j := range row {
			row[j] = a[j] + frac*(z[j]-a[j])
		}
	}
	b.SeriesMask[i*c.MaxSeries+k] = true
	return nil
}

// InputTensors returns the model inputs in the order of [Inputs]' fields
// (Slides, SlideMask, Series, SeriesMask, Valid), in dtype.
func (b *Batch) InputTensors(dtype dtypes.DType) []*tensors.Tensor {
	c := b.Config
	return []*tensors.Tensor{
		floatTensor(b.Slides, dtype, b.Size, c.MaxSlides, c.PathologyWidth),
		tensors.FromFlatDataAndDimensions(b.SlideMask, b.Size, c.MaxSlides),
		floatTensor(b.Series, dtype, b.Size, c.MaxSeries, c.Slices, c.RadiologyWidth),
		tensors.FromFlatDataAndDimensions(b.SeriesMask, b.Size, c.MaxSeries),
		tensors.FromFlatDataAndDimensions(b.Valid, b.Size),
	}
}

// OutcomeTensors returns the time (float64) and event (bool) tensors.
func (b *Batch) OutcomeTensors() []*tensors.Tensor {
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(b.Time, b.Size), tensors.FromFlatDataAndDimensions(b.Event, b.Size)}
}

// InputTensorCount is the number of tensors InputTensors returns (and
// InputsFromNodes wraps).
const InputTensorCount = 5

// InputsFromNodes wraps the first InputTensorCount nodes, in InputTensors'
// order.
func InputsFromNodes(nodes []*Node) Inputs {
	return Inputs{Slides: nodes[0], SlideMask: nodes[1], Series: nodes[2], SeriesMask: nodes[3], Valid: nodes[4]}
}

func floatTensor(x []float32, dtype dtypes.DType, dims ...int) *tensors.Tensor {
	if dtype == dtypes.Float64 {
		d := make([]float64, len(x))
		for i, v := range x {
			d[i] = float64(v)
		}
		return tensors.FromFlatDataAndDimensions(d, dims...)
	}
	return tensors.FromFlatDataAndDimensions(x, dims...)
}
