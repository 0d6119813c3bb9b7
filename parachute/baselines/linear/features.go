// SPDX-License-Identifier: Apache-2.0

package linear

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// FeatureMap turns per-patient modality vectors into the covariates of a
// linear survival model. It is fitted on training rows only, so nothing of a
// test fold leaks into it. For each block (a modality), in order:
//
//  1. centre on the mean of the training rows that have the block;
//  2. project on the block's first K principal components (K = Components;
//     0 keeps every column), computed from those rows by a thin SVD;
//  3. z-score each resulting column with the training rows' mean and SD
//     (1/n; a constant column keeps SD 1).
//
// A row without the block (nil) gets zeros there — the training mean — and a
// missing indicator 1. The indicator column of a block exists only when some
// training rows have the block and some lack it (it would otherwise be
// constant); a block no training row has contributes nothing.
type FeatureMap struct {
	Components int
	blocks     []blockMap
}

type blockMap struct {
	present   bool // some training row has the block
	indicator bool // the block has a missing-indicator column
	width     int
	mean      []float64   // d
	basis     [][]float64 // d × k, nil without PCA
	zmean     []float64   // k (or d)
	zsd       []float64
}

// FitFeatures fits the map on training rows: blocks[b][i] is row i's vector
// of block b, nil when row i lacks it. Every block has one entry per row, and
// a block's present vectors share one width.
func FitFeatures(blocks [][][]float64, components int) (*FeatureMap, error) {
	if components < 0 {
		return nil, fmt.Errorf("linear: %d principal components", components)
	}
	f := &FeatureMap{Components: components}
	n := -1
	for b, rows := range blocks {
		if n >= 0 && len(rows) != n {
			return nil, fmt.Errorf("linear: block %d has %d rows, block 0 has %d", b, len(rows), n)
		}
		n = len(rows)
		var have [][]float64
		bm := blockMap{}
		for i, r := range rows {
			if r == nil {
				continue
			}
			if bm.width == 0 {
				bm.width = len(r)
			}
			if len(r) != bm.width || len(r) == 0 {
				return nil, fmt.Errorf("linear: block %d, row %d has width %d, others %d", b, i, len(r), bm.width)
			}
			have = append(have, r)
		}
		bm.present = len(have) > 0
		bm.indicator = bm.present && len(have) < len(rows)
		if bm.present {
			bm.mean = columnMeans(have)
			centred := make([][]float64, len(have))
			for i, r := range have {
				centred[i] = sub(r, bm.mean)
			}
			scores := centred
			if components > 0 {
				basis, err := principalAxes(centred, components)
				if err != nil {
					return nil, fmt.Errorf("linear: block %d: %w", b, err)
				}
				bm.basis = basis
				scores = project(centred, basis)
			}
			bm.zmean = columnMeans(scores)
			bm.zsd = make([]float64, len(bm.zmean))
			for j := range bm.zsd {
				ss := 0.0
				for _, s := range scores {
					d := s[j] - bm.zmean[j]
					ss += d * d
				}
				bm.zsd[j] = math.Sqrt(ss / float64(len(scores)))
				if bm.zsd[j] <= 1e-12 {
					bm.zsd[j] = 1
				}
			}
		}
		f.blocks = append(f.blocks, bm)
	}
	return f, nil
}

// Width is the number of covariates Transform gives per row.
func (f *FeatureMap) Width() int {
	w := 0
	for _, b := range f.blocks {
		if b.present {
			w += len(b.zmean)
		}
		if b.indicator {
			w++
		}
	}
	return w
}

// Names returns the covariates' names for block names (e.g. "pathology"):
// <block>_pc<k> (or <block>_<j> without PCA), then <block>_missing.
func (f *FeatureMap) Names(blockNames []string) []string {
	var out []string
	for b, bm := range f.blocks {
		if !bm.present {
			continue
		}
		for j := range bm.zmean {
			if bm.basis != nil {
				out = append(out, fmt.Sprintf("%s_pc%d", blockNames[b], j+1))
			} else {
				out = append(out, fmt.Sprintf("%s_%d", blockNames[b], j+1))
			}
		}
	}
	for b, bm := range f.blocks {
		if bm.indicator {
			out = append(out, blockNames[b]+"_missing")
		}
	}
	return out
}

// Transform maps rows (laid out as in FitFeatures) to covariates: every
// block's z-scored components, then the missing indicators.
func (f *FeatureMap) Transform(blocks [][][]float64) ([][]float64, error) {
	if len(blocks) != len(f.blocks) {
		return nil, fmt.Errorf("linear: %d blocks, the map has %d", len(blocks), len(f.blocks))
	}
	n := len(blocks[0])
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, 0, f.Width())
	}
	for b, bm := range f.blocks {
		if len(blocks[b]) != n {
			return nil, fmt.Errorf("linear: block %d has %d rows, block 0 has %d", b, len(blocks[b]), n)
		}
		if !bm.present {
			continue
		}
		for i, r := range blocks[b] {
			z := make([]float64, len(bm.zmean))
			if r != nil {
				if len(r) != bm.width {
					return nil, fmt.Errorf("linear: block %d, row %d has width %d, the map %d", b, i, len(r), bm.width)
				}
				s := sub(r, bm.mean)
				if bm.basis != nil {
					s = project([][]float64{s}, bm.basis)[0]
				}
				for j := range z {
					z[j] = (s[j] - bm.zmean[j]) / bm.zsd[j]
				}
			}
			out[i] = append(out[i], z...)
		}
	}
	for b, bm := range f.blocks {
		if !bm.indicator {
			continue
		}
		for i, r := range blocks[b] {
			v := 0.0
			if r == nil {
				v = 1
			}
			out[i] = append(out[i], v)
		}
	}
	return out, nil
}

// principalAxes returns the first k right singular vectors of the centred
// rows (d × k, columns ordered by singular value), k capped at min(n, d).
func principalAxes(centred [][]float64, k int) ([][]float64, error) {
	n, d := len(centred), len(centred[0])
	k = min(k, n, d)
	a := mat.NewDense(n, d, nil)
	for i, r := range centred {
		a.SetRow(i, r)
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, fmt.Errorf("SVD of %d × %d rows did not converge", n, d)
	}
	var v mat.Dense
	svd.VTo(&v)
	basis := make([][]float64, d)
	for i := range d {
		basis[i] = make([]float64, k)
		for j := range k {
			basis[i][j] = v.At(i, j)
		}
	}
	return basis, nil
}

func project(rows, basis [][]float64) [][]float64 {
	k := len(basis[0])
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = make([]float64, k)
		for l, x := range r {
			for j := range k {
				out[i][j] += x * basis[l][j]
			}
		}
	}
	return out
}

func columnMeans(rows [][]float64) []float64 {
	m := make([]float64, len(rows[0]))
	for _, r := range rows {
		for j, v := range r {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(len(rows))
	}
	return m
}

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
