// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"fmt"
	"math"
	"math/bits"
)

// Volume is a 3-D binary mask on a regular grid: Voxels[x + Nx(y + Ny z)]
// is non-zero inside, and Spacing is the voxel size in mm along x, y, z.
type Volume struct {
	Dims    [3]int
	Spacing [3]float64
	Voxels  []uint8
}

// at returns 1 inside and 0 outside or beyond the grid (the zero padding).
func (v *Volume) at(x, y, z int) float64 {
	if x < 0 || y < 0 || z < 0 || x >= v.Dims[0] || y >= v.Dims[1] || z >= v.Dims[2] {
		return 0
	}
	if v.Voxels[x+v.Dims[0]*(y+v.Dims[1]*z)] != 0 {
		return 1
	}
	return 0
}

// Morphology holds the shape features of a tumour mask, as pyradiomics
// defines them (van Griethuysen et al., Cancer Research 2017; pyradiomics
// documentation, "Shape Features (3D)").
type Morphology struct {
	// Voxels counts the voxels inside; VolumeMM3 is that count times the
	// voxel volume (pyradiomics' VoxelVolume).
	Voxels    int     `json:"voxels"`
	VolumeMM3 float64 `json:"volume_mm3"`
	// MeshVolumeMM3 is the volume enclosed by the marching-cubes mesh
	// (pyradiomics' MeshVolume): Σ over the triangles (a · (b × c)) / 6, the
	// divergence theorem on the closed, consistently oriented mesh.
	MeshVolumeMM3 float64 `json:"mesh_volume_mm3"`
	// SurfaceMM2 is the mesh's area, Σ ½ ‖(b − a) × (c − a)‖ (pyradiomics'
	// SurfaceArea).
	SurfaceMM2 float64 `json:"surface_mm2"`
	// Sphericity is π^{1/3} (6 V)^{2/3} / A with V the mesh volume and A the
	// surface area: 1 for a sphere, less for any other shape.
	Sphericity float64 `json:"sphericity"`
	// Triangles counts the mesh's triangles.
	Triangles int `json:"triangles"`
	// SpacingMM is the voxel size used.
	SpacingMM [3]float64 `json:"spacing_mm"`
}

// Measure computes a mask's morphology. The mesh is the iso-surface at
// level 0.5 of the mask (1 inside, 0 outside) padded with one layer of
// zeros on every side, so that it closes; vertices lie on the edges between
// an inside and an outside voxel centre, at the midpoint, in mm (voxel
// centres at index × spacing). Each cube's surface comes from [cubeLoops]
// (see there for how ambiguous faces are resolved), its polygons split into
// triangles by [triangulate]. An empty mask is an error.
func Measure(v *Volume) (*Morphology, error) {
	if n := v.Dims[0] * v.Dims[1] * v.Dims[2]; n != len(v.Voxels) || n == 0 {
		return nil, fmt.Errorf("interpret: a %v mask with %d voxels", v.Dims, len(v.Voxels))
	}
	for _, s := range v.Spacing {
		if !(s > 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("interpret: voxel spacing %v mm", v.Spacing)
		}
	}
	m := &Morphology{SpacingMM: v.Spacing}
	for _, x := range v.Voxels {
		if x != 0 {
			m.Voxels++
		}
	}
	if m.Voxels == 0 {
		return nil, fmt.Errorf("interpret: the mask is empty")
	}
	m.VolumeMM3 = float64(m.Voxels) * v.Spacing[0] * v.Spacing[1] * v.Spacing[2]

	var corner [8]float64
	var pts [12][3]float64
	poly := make([][3]float64, 0, 12)
	for z := -1; z < v.Dims[2]; z++ {
		for y := -1; y < v.Dims[1]; y++ {
			for x := -1; x < v.Dims[0]; x++ {
				config := 0
				for c := range 8 {
					corner[c] = v.at(x+c&1, y+c>>1&1, z+c>>2&1)
					if corner[c] >= 0.5 {
						config |= 1 << c
					}
				}
				loops := cubeTable[config]
				if len(loops) == 0 {
					continue
				}
				for e, ends := range cubeEdges {
					a, b := ends[0], ends[1]
					if (config>>a&1 == 1) == (config>>b&1 == 1) {
						continue
					}
					t := (0.5 - corner[a]) / (corner[b] - corner[a])
					for k := range 3 {
						ca := float64(cornerOffset(a, k))
						cb := float64(cornerOffset(b, k))
						base := [3]int{x, y, z}[k]
						pts[e][k] = (float64(base) + ca + t*(cb-ca)) * v.Spacing[k]
					}
				}
				for _, loop := range loops {
					poly := poly[:0]
					for _, e := range loop {
						poly = append(poly, pts[e])
					}
					for _, tri := range triangulate(poly, bits.OnesCount(uint(config)) > 4) {
						m.addTriangle(poly[tri[0]], poly[tri[1]], poly[tri[2]])
					}
				}
			}
		}
	}
	m.Sphericity = math.Cbrt(math.Pi) * math.Pow(6*m.MeshVolumeMM3, 2.0/3) / m.SurfaceMM2
	return m, nil
}

// addTriangle accumulates a triangle's area and signed volume.
func (m *Morphology) addTriangle(a, b, c [3]float64) {
	ab := [3]float64{b[0] - a[0], b[1] - a[1], b[2] - a[2]}
	ac := [3]float64{c[0] - a[0], c[1] - a[1], c[2] - a[2]}
	cr := cross(ab, ac)
	m.SurfaceMM2 += 0.5 * math.Sqrt(cr[0]*cr[0]+cr[1]*cr[1]+cr[2]*cr[2])
	bc := cross(b, c)
	m.MeshVolumeMM3 += (a[0]*bc[0] + a[1]*bc[1] + a[2]*bc[2]) / 6
	m.Triangles++
}

func cross(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// triangulate splits a cube's polygon (vertices in order, oriented with the
// inside on the negative side) into triangles. The polygon is not planar in
// general, and its triangulations enclose different volumes (the difference
// does not depend on the origin, the boundary being fixed). Of all of them
// (dynamic programming over the diagonals) it takes the one that bulges
// most around the cube's minority corners: the largest signed volume
// Σ a · (b × c) / 6 when at most four corners are inside, the smallest
// (emptiest) otherwise, so that a configuration and its complement get the
// same surface. This is the choice of the classic case tables: with it the
// mesh equals scikit-image's Lorensen marching cubes on every mask whose
// cubes have no ambiguous face (testdata/reference/morphology.json).
func triangulate(p [][3]float64, emptiest bool) [][3]int {
	n := len(p)
	if n == 3 {
		return [][3]int{{0, 1, 2}}
	}
	vol := func(i, j, k int) float64 {
		c := cross(p[j], p[k])
		v := p[i][0]*c[0] + p[i][1]*c[1] + p[i][2]*c[2]
		if emptiest {
			return -v
		}
		return v
	}
	// best[i][j] is the largest volume of the sub-polygon i, i+1, …, j,
	// and apex[i][j] its apex.
	best := make([][]float64, n)
	apex := make([][]int, n)
	for i := range best {
		best[i], apex[i] = make([]float64, n), make([]int, n)
	}
	for gap := 2; gap < n; gap++ {
		for i := 0; i+gap < n; i++ {
			j := i + gap
			best[i][j] = math.Inf(-1)
			for k := i + 1; k < j; k++ {
				if v := best[i][k] + best[k][j] + vol(i, k, j); v > best[i][j] {
					best[i][j], apex[i][j] = v, k
				}
			}
		}
	}
	var out [][3]int
	var walk func(i, j int)
	walk = func(i, j int) {
		if j-i < 2 {
			return
		}
		k := apex[i][j]
		out = append(out, [3]int{i, k, j})
		walk(i, k)
		walk(k, j)
	}
	walk(0, n-1)
	return out
}
