// SPDX-License-Identifier: Apache-2.0

package interpret

import "slices"

// The marching-cubes case table is generated here from the geometry of a
// cube, not copied: corner c of a cube sits at offset (c&1, c>>1&1, c>>2&1);
// its 12 edges join corners that differ in one bit.

// cornerOffset is corner c's offset (0 or 1) along axis k.
func cornerOffset(c, k int) int { return c >> k & 1 }

// cubeEdges lists the 12 edges as pairs of corners.
var cubeEdges = func() [][2]int {
	var e [][2]int
	for a := range 8 {
		for k := range 3 {
			if b := a | 1<<k; b != a {
				e = append(e, [2]int{a, b})
			}
		}
	}
	return e
}()

// edgeOf returns the index in cubeEdges of the edge joining corners a, b.
func edgeOf(a, b int) int {
	for i, e := range cubeEdges {
		if e == [2]int{a, b} || e == [2]int{b, a} {
			return i
		}
	}
	panic("interpret: corners not joined by an edge")
}

// cubeFaces lists each face's corners counter-clockwise seen from outside
// the cube: for the face normal to axis k at side s, the corners in the
// order (0,0), (1,0), (1,1), (0,1) of the next two axes (k+1, k+2), which
// is counter-clockwise around +e_k, reversed for s = 0.
var cubeFaces = func() [][4]int {
	var faces [][4]int
	for k := range 3 {
		u, w := (k+1)%3, (k+2)%3
		for s := range 2 {
			var f [4]int
			for i, uw := range [4][2]int{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
				f[i] = s<<k | uw[0]<<u | uw[1]<<w
			}
			if s == 0 {
				f[1], f[3] = f[3], f[1]
			}
			faces = append(faces, f)
		}
	}
	return faces
}()

// cubeTable[config] lists the surface polygons of a cube whose inside
// corners are the bits of config, each as a loop of edge indices (its
// vertices lie on those edges), ordered so that the normal by the
// right-hand rule points out of the inside region.
var cubeTable = func() [256][][]int {
	var table [256][][]int
	for config := range 256 {
		table[config] = cubeLoops(config)
	}
	return table
}()

// cubeLoops builds the polygons of one configuration. On each face, going
// counter-clockwise from outside, the boundary enters the inside region at
// one crossing and exits at the next; the surface cuts each such inside arc
// off with a segment from its exit back to its entry. On an ambiguous face
// (two inside corners on a diagonal) this separates the inside corners: a
// per-face rule, so two cubes sharing a face cut it alike and the mesh is
// closed. Each crossing edge is the exit of one of its two faces and the
// entry of the other, so the segments chain into loops.
func cubeLoops(config int) [][]int {
	inside := func(c int) bool { return config>>c&1 == 1 }
	next := map[int]int{}
	for _, f := range cubeFaces {
		type crossing struct {
			edge  int
			enter bool
		}
		var cs []crossing
		for i := range 4 {
			a, b := f[i], f[(i+1)%4]
			if inside(a) != inside(b) {
				cs = append(cs, crossing{edgeOf(a, b), inside(b)})
			}
		}
		for i, c := range cs {
			if c.enter {
				continue
			}
			// The entry that opened this arc: the previous crossing.
			prev := cs[(i+len(cs)-1)%len(cs)]
			next[c.edge] = prev.edge
		}
	}
	var loops [][]int
	seen := map[int]bool{}
	starts := make([]int, 0, len(next))
	for e := range next {
		starts = append(starts, e)
	}
	slices.Sort(starts)
	for _, s := range starts {
		if seen[s] {
			continue
		}
		var loop []int
		for e := s; !seen[e]; e = next[e] {
			seen[e] = true
			loop = append(loop, e)
		}
		// The chain runs with the inside on its left seen from outside the
		// cube, which makes the right-hand normal point inward: reverse.
		slices.Reverse(loop)
		loops = append(loops, loop)
	}
	return loops
}
