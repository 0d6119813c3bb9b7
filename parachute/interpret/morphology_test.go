// SPDX-License-Identifier: Apache-2.0

package interpret

import (
	"math"
	"testing"
)

// Every crossing edge of a configuration is a vertex of exactly one loop,
// and the complement of a configuration crosses the same edges.
func TestCubeTable(t *testing.T) {
	if len(cubeEdges) != 12 || len(cubeFaces) != 6 {
		t.Fatalf("%d edges, %d faces", len(cubeEdges), len(cubeFaces))
	}
	for config := range 256 {
		count := map[int]int{}
		for _, loop := range cubeTable[config] {
			if len(loop) < 3 {
				t.Errorf("config %08b: a loop of %d vertices", config, len(loop))
			}
			for _, e := range loop {
				count[e]++
			}
		}
		for e, ends := range cubeEdges {
			crosses := (config>>ends[0]&1 == 1) != (config>>ends[1]&1 == 1)
			if crosses && count[e] != 1 || !crosses && count[e] != 0 {
				t.Errorf("config %08b: edge %d (crosses %v) in %d loops", config, e, crosses, count[e])
			}
		}
	}
}

// ellipsoid voxelises (x/a)² + (y/b)² + (z/c)² ≤ 1 (semi-axes in mm) on a
// grid of the given spacing, centred between voxels.
func ellipsoid(a, b, c float64, spacing [3]float64) *Volume {
	var v Volume
	v.Spacing = spacing
	half := [3]float64{a, b, c}
	for k := range 3 {
		v.Dims[k] = int(math.Ceil(2*half[k]/spacing[k])) + 2
	}
	v.Voxels = make([]uint8, v.Dims[0]*v.Dims[1]*v.Dims[2])
	for z := range v.Dims[2] {
		for y := range v.Dims[1] {
			for x := range v.Dims[0] {
				p := [3]float64{float64(x), float64(y), float64(z)}
				s := 0.0
				for k := range 3 {
					d := (p[k] - float64(v.Dims[k]-1)/2) * spacing[k] / half[k]
					s += d * d
				}
				if s <= 1 {
					v.Voxels[x+v.Dims[0]*(y+v.Dims[1]*z)] = 1
				}
			}
		}
	}
	return &v
}

// One voxel: the mesh is the octahedron through the six face centres, of
// volume 1/6 and area √3 (unit spacing), scaled by the spacing.
func TestSingleVoxel(t *testing.T) {
	m, err := Measure(&Volume{Dims: [3]int{1, 1, 1}, Spacing: [3]float64{1, 1, 1}, Voxels: []uint8{1}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Voxels != 1 || m.VolumeMM3 != 1 || m.Triangles != 8 {
		t.Errorf("%+v", m)
	}
	if math.Abs(m.MeshVolumeMM3-1.0/6) > 1e-15 || math.Abs(m.SurfaceMM2-math.Sqrt(3)) > 1e-15 {
		t.Errorf("octahedron: volume %v (want 1/6), area %v (want √3)", m.MeshVolumeMM3, m.SurfaceMM2)
	}
	// Sphericity π^{1/3} (6V)^{2/3} / A of the regular octahedron, whatever
	// its size: π^{1/3}/√3 (at 2 mm: V = 4/3, A = 4√3).
	m2, err := Measure(&Volume{Dims: [3]int{1, 1, 1}, Spacing: [3]float64{2, 2, 2}, Voxels: []uint8{1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Cbrt(math.Pi) / math.Sqrt(3); math.Abs(m.Sphericity-want) > 1e-15 || math.Abs(m2.Sphericity-want) > 1e-15 {
		t.Errorf("octahedron sphericity %v and %v at 2 mm, want %v", m.Sphericity, m2.Sphericity, want)
	}
	m, err = Measure(&Volume{Dims: [3]int{1, 1, 1}, Spacing: [3]float64{2, 3, 4}, Voxels: []uint8{1}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.MeshVolumeMM3-24.0/6) > 1e-12 || m.VolumeMM3 != 24 {
		t.Errorf("scaled octahedron: volume %v (want 4), voxel volume %v", m.MeshVolumeMM3, m.VolumeMM3)
	}
}

// The mesh is closed: the signed volume does not depend on where the mask
// sits in its grid, and two separate blobs add up.
func TestMeshIsClosed(t *testing.T) {
	a := ellipsoid(4, 3, 5, [3]float64{1, 1, 1})
	m1, err := Measure(a)
	if err != nil {
		t.Fatal(err)
	}
	// Shift it in a larger grid, beside a copy of itself.
	var b Volume
	b.Spacing = a.Spacing
	b.Dims = [3]int{2*a.Dims[0] + 7, a.Dims[1] + 3, a.Dims[2] + 5}
	b.Voxels = make([]uint8, b.Dims[0]*b.Dims[1]*b.Dims[2])
	for z := range a.Dims[2] {
		for y := range a.Dims[1] {
			for x := range a.Dims[0] {
				if a.Voxels[x+a.Dims[0]*(y+a.Dims[1]*z)] != 0 {
					for _, off := range []int{2, a.Dims[0] + 5} {
						b.Voxels[(x+off)+b.Dims[0]*((y+1)+b.Dims[1]*(z+3))] = 1
					}
				}
			}
		}
	}
	m2, err := Measure(&b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m2.MeshVolumeMM3-2*m1.MeshVolumeMM3) > 1e-9*m1.MeshVolumeMM3 || math.Abs(m2.SurfaceMM2-2*m1.SurfaceMM2) > 1e-9*m1.SurfaceMM2 {
		t.Errorf("two shifted copies: volume %v, area %v; one: %v, %v", m2.MeshVolumeMM3, m2.SurfaceMM2, m1.MeshVolumeMM3, m1.SurfaceMM2)
	}
	if !(m1.MeshVolumeMM3 > 0) {
		t.Errorf("mesh volume %v: the normals point inward", m1.MeshVolumeMM3)
	}
}

func TestMeasureRejectsBadMasks(t *testing.T) {
	for _, v := range []*Volume{
		{Dims: [3]int{2, 2, 2}, Spacing: [3]float64{1, 1, 1}, Voxels: make([]uint8, 8)},
		{Dims: [3]int{2, 2, 2}, Spacing: [3]float64{1, 1, 1}, Voxels: make([]uint8, 7)},
		{Dims: [3]int{1, 1, 1}, Spacing: [3]float64{1, 0, 1}, Voxels: []uint8{1}},
	} {
		if _, err := Measure(v); err == nil {
			t.Errorf("mask %v spacing %v accepted", v.Dims, v.Spacing)
		}
	}
}
