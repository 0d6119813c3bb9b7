// SPDX-License-Identifier: Apache-2.0

// Package fastgrad replaces GoMLX v0.26.0's gradients of DotGeneral and Dot
// with gradients that are themselves matrix products, and that of Slice with
// one the pure-Go backend can run.
//
// GoMLX v0.26.0 builds the vector-Jacobian product (VJP) of a DotGeneral as a
// broadcast multiply followed by a sum, which materialises a tensor of shape
// [batch, lhs free, rhs free, contracting] for every weight gradient; on the
// pure-Go backend that costs 5–6× the training step time of the equivalent
// matrix products (measured on the paper-size model when this package was
// written; the README's package table repeats it).
// Upstream fixed this after v0.26.0 (gomlx PR #428); until the project can
// adopt such a release, [Install] overrides the two entries of
// graph.VJPRegistration with these formulas. For C = DotGeneral(A, B) with
// incoming cotangent V (C's shape):
//
//	dA = DotGeneral(V, B) contracting V's B-free axes with B's free axes,
//	     batch axes paired, then transposed back to A's axis order;
//	dB = DotGeneral(V, A) symmetrically.
//
// For Dot: [i,j]·[j,k] gives dA = V·Bᵀ and dB = Aᵀ·V; [i,j]·[j] gives
// dA = V bᵀ (outer product) and db = Aᵀ V; [j]·[j] gives da = V b, db = V a.
//
// The new VJPs use only DotGeneral, TransposeAllAxes, Mul and InsertAxes, all
// differentiable, so second-order gradients (Hessian-vector products, GCS)
// keep working. They agree with the stock VJPs to 1e-9 in float64 at first
// and second order (fastgrad_test.go).
//
// It also replaces the gradient of Slice, which GoMLX v0.26.0 builds with
// Pad, an operation its pure-Go backend lacks: the cotangent is put back in
// place by concatenating zeros around it (same values; strided slices keep
// the stock VJP). A stack's run axis (package model's RunAxis) slices each
// run's rows out of the joined batch on differentiable paths.
//
// The DotGeneral axes are not exported by GoMLX v0.26.0; they are read by
// reflection from the node's unexported inputs, which is why [Install]
// installs nothing under any other GoMLX version (and says so in its
// [Status]): the program runs on GoMLX's own gradients then.
package fastgrad

import (
	"fmt"
	"reflect"
	"slices"
	"sync"

	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

// SupportedGoMLX is the GoMLX version whose internals the override reads.
const SupportedGoMLX = simplegoabi.SupportedGoMLX

// Status says whether the gradients are installed and why not.
type Status struct {
	Active bool   `json:"active"`
	Reason string `json:"reason"`
}

// String is the one-line form `parachute backends` prints.
func (s Status) String() string {
	if s.Active {
		return "active: " + s.Reason
	}
	return "inactive: " + s.Reason
}

var (
	installOnce sync.Once
	status      Status
	// stock holds the registry entries Install replaced, for tests.
	stock = map[NodeType]VJP{}
)

// Install overrides the VJPs of DotGeneral, Dot and Slice in
// graph.VJPRegistration, once per process, and returns the outcome (later
// calls return the same). Call it at start-up, before building any graph
// (package backend does). With a GoMLX version other than [SupportedGoMLX]
// (or one it cannot tell) it installs nothing and says why: GoMLX's own
// gradients then serve, slower on the pure-Go backend, and a stack's run
// axis, whose Slice gradient the pure-Go backend cannot run without this
// package, is refused (package train falls back to replicas).
func Install() Status {
	installOnce.Do(func() { status = install(simplegoabi.LinkedGoMLXVersion()) })
	return status
}

// install installs the gradients for a linked GoMLX version v.
func install(v string) Status {
	if err := simplegoabi.CheckGoMLXVersion(v); err != nil {
		return Status{Reason: "GoMLX's own gradients serve (slower on the pure-Go backend; no run axis): " + err.Error()}
	}
	stock[NodeTypeDotGeneral] = VJPRegistration[NodeTypeDotGeneral]
	stock[NodeTypeDot] = VJPRegistration[NodeTypeDot]
	stock[NodeTypeSlice] = VJPRegistration[NodeTypeSlice]
	VJPRegistration[NodeTypeDotGeneral] = dotGeneralVJP
	VJPRegistration[NodeTypeDot] = dotVJP
	VJPRegistration[NodeTypeSlice] = sliceVJP
	return Status{Active: true, Reason: "DotGeneral and Dot gradients as matrix products, Slice's without Pad (GoMLX " + v + ")"}
}

// panicf panics with a package-prefixed error: graph-building code reports
// misuse by panicking, as GoMLX does (GoMLX's own exceptions package is
// internal).
func panicf(format string, args ...any) { panic(fmt.Errorf(format, args...)) }

// sliceVJP is the gradient of a Slice without Pad, which GoMLX v0.26.0's
// pure-Go backend lacks: the cotangent v is put back where the slice came
// from by concatenating zeros before and after it along each sliced axis
// (the stock VJP pads; the values are the same). A strided slice keeps the
// stock VJP.
func sliceVJP(node *Node, vjps []*Node, outputShape shapes.Shape) []*Node {
	v := vjps[0]
	x := node.Inputs()[0]
	starts, limits, strides := readInts(node, "Slice", "starts"), readInts(node, "Slice", "limits"), readInts(node, "Slice", "strides")
	for _, s := range strides {
		if s > 1 {
			return stock[NodeTypeSlice](node, vjps, outputShape)
		}
	}
	dims := x.Shape().Dimensions
	grad := v
	for axis := range dims {
		before, after := starts[axis], dims[axis]-limits[axis]
		if before == 0 && after == 0 {
			continue
		}
		parts := []*Node{}
		zeros := func(n int) *Node {
			d := slices.Clone(grad.Shape().Dimensions)
			d[axis] = n
			return Zeros(grad.Graph(), shapes.Make(grad.DType(), d...))
		}
		if before > 0 {
			parts = append(parts, zeros(before))
		}
		parts = append(parts, grad)
		if after > 0 {
			parts = append(parts, zeros(after))
		}
		grad = Concatenate(parts, axis)
	}
	return []*Node{grad}
}

// readInts reads the []int field name of a node's unexported inputs (GoMLX
// v0.26.0's nodeInputs structs) of op. Reading unexported fields' elements
// with Index/Int is allowed by reflect; only Interface is not.
func readInts(node *Node, op, name string) []int {
	v := reflect.ValueOf(node).Elem().FieldByName("inputs")
	if !v.IsValid() || v.IsNil() {
		panicf("fastgrad: %s node has no inputs field (GoMLX internals changed)", op)
	}
	v = v.Elem()
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Slice {
		panicf("fastgrad: %s inputs lack []int field %q (GoMLX internals changed)", op, name)
	}
	out := make([]int, f.Len())
	for i := range out {
		out[i] = int(f.Index(i).Int())
	}
	return out
}

// dotAxes are the contracting and batch axes of a DotGeneral node.
type dotAxes struct {
	lhsContracting, lhsBatch, rhsContracting, rhsBatch []int
}

// readDotAxes reads the axes from the node's unexported inputs (GoMLX
// v0.26.0's nodeInputsDotGeneral). Reading unexported fields' elements with
// Index/Int is allowed by reflect; only Interface is not.
func readDotAxes(node *Node) dotAxes {
	field := func(name string) []int { return readInts(node, "DotGeneral", name) }
	return dotAxes{field("lhsContractingAxes"), field("lhsBatchAxes"), field("rhsContractingAxes"), field("rhsBatchAxes")}
}

// freeAxes returns the axes of a rank-r operand that are neither
// contracting nor batch, in ascending order.
func freeAxes(rank int, contracting, batch []int) []int {
	var free []int
	for a := range rank {
		if !slices.Contains(contracting, a) && !slices.Contains(batch, a) {
			free = append(free, a)
		}
	}
	return free
}

func iota(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// operandGradient computes the gradient of one operand x (axes xc, xb, free
// xFree) of C = DotGeneral(...) from the cotangent v, the other operand y
// (axes yc, yb, free yFree) and the position of x's free axes in C.
//
// The product of v and y contracts C's y-free axes with y's free axes. Of
// its two operand orders, it takes the one whose result already has x's
// axis order when there is one (a dense layer's weights [in, out] come out
// of yᵀ·v directly, where v·y would give [out, in] and a transpose), and
// transposes otherwise.
func operandGradient(v *Node, xRank int, xc, xb, xFree []int, y *Node, yc, yb, yFree []int, xFreeFirst bool) *Node {
	nb := len(xb)
	// In C the free axes of lhs come first, then those of rhs.
	yFreeInC := iota(nb+len(xFree), len(yFree))
	if !xFreeFirst {
		yFreeInC = iota(nb, len(yFree))
	}
	sortedYc := slices.Sorted(slices.Values(yc))
	// v·y has axes [batch…, x-free…, y's contracting axes ascending];
	// y·v has [batch…, y's contracting axes ascending, x-free…].
	vFirst, yFirst := make([]int, xRank), make([]int, xRank)
	for i, a := range xb {
		vFirst[a], yFirst[a] = i, i
	}
	for j, a := range xFree {
		vFirst[a], yFirst[a] = nb+j, nb+len(xc)+j
	}
	for k, a := range xc {
		pos := slices.Index(sortedYc, yc[k])
		vFirst[a], yFirst[a] = nb+len(xFree)+pos, nb+pos
	}
	if isIdentity(yFirst) && !isIdentity(vFirst) {
		return DotGeneral(y, yFree, yb, v, yFreeInC, iota(0, nb))
	}
	r := DotGeneral(v, yFreeInC, iota(0, nb), y, yFree, yb)
	if !isIdentity(vFirst) {
		return TransposeAllAxes(r, vFirst...)
	}
	return r
}

// isIdentity reports whether perm maps every axis to itself.
func isIdentity(perm []int) bool {
	for i, p := range perm {
		if i != p {
			return false
		}
	}
	return true
}

func dotGeneralVJP(node *Node, vjps []*Node, _ shapes.Shape) []*Node {
	v := vjps[0]
	ax := readDotAxes(node)
	in := node.Inputs()
	a, b := in[0], in[1]
	aFree := freeAxes(a.Rank(), ax.lhsContracting, ax.lhsBatch)
	bFree := freeAxes(b.Rank(), ax.rhsContracting, ax.rhsBatch)
	da := operandGradient(v, a.Rank(), ax.lhsContracting, ax.lhsBatch, aFree, b, ax.rhsContracting, ax.rhsBatch, bFree, true)
	db := operandGradient(v, b.Rank(), ax.rhsContracting, ax.rhsBatch, bFree, a, ax.lhsContracting, ax.lhsBatch, aFree, false)
	return []*Node{da, db}
}

func dotVJP(node *Node, vjps []*Node, _ shapes.Shape) []*Node {
	v := vjps[0]
	in := node.Inputs()
	a, b := in[0], in[1]
	switch {
	case a.Rank() == 1 && b.Rank() == 1:
		return []*Node{Mul(v, b), Mul(v, a)}
	case a.Rank() == 2 && b.Rank() == 1:
		return []*Node{Mul(InsertAxes(v, -1), InsertAxes(b, 0)), DotGeneral(a, []int{0}, nil, v, []int{0}, nil)}
	case a.Rank() == 2 && b.Rank() == 2:
		return []*Node{DotGeneral(v, []int{1}, nil, b, []int{1}, nil), DotGeneral(a, []int{0}, nil, v, []int{0}, nil)}
	}
	panicf("fastgrad: Dot of ranks %d and %d is not a matrix/vector product", a.Rank(), b.Rank())
	return nil
}
