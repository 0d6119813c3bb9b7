// SPDX-License-Identifier: Apache-2.0

// Package fastops replaces some of the executors of GoMLX's pure-Go backend
// (simplego) with faster ones that give bitwise the same results.
//
// With DotGeneral on BLAS (package blasdot), a PARACHUTE training step on
// the pure-Go backend spends most of its time in element-wise ops whose
// operands broadcast (a bias [1, 1, d] added to [B, K, d], a LayerNorm
// mean [B, K, 1] subtracted), which simplego walks one element at a time
// through a generic index iterator, and in transposes and reductions that
// do the same. The executors here plan each op once as a strided walk —
// dropping axes of size 1 and merging neighbouring axes that every operand
// walks contiguously — and run tight loops over the longest inner run:
//   - Add, Sub, Mul and Div of float32 and float64 operands of different
//     shapes, neither a single element (simplego's own loops already serve
//     equal shapes and scalars);
//   - BroadcastInDim and Transpose of float32, float64, int32, int64 and
//     bool tensors (copies, fills and gathers);
//   - ReduceSum and ReduceMax of float32 and float64 tensors, folding each
//     output element's inputs in simplego's order (increasing flat index,
//     from 0 or −∞);
//   - Where of 4- and 8-byte elements, selecting bit patterns without
//     branches (a ReLU's condition is a coin flip for a branch predictor).
//
// Each element is computed by the same single float operation (or copy) as
// simplego computes it, in the same order, so results are bitwise equal; a start-up self-test checks
// that on covering layouts and removes the executors on any difference,
// with the reason in [Status]. They reach simplego through package
// simplegoabi (GoMLX v0.26.0 only, fields checked by reflection). Set
// PARACHUTE_FASTOPS=off to keep simplego's own executors.
package fastops
