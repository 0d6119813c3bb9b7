// SPDX-License-Identifier: Apache-2.0

// Package blasdot makes GoMLX's pure-Go backend compute DotGeneral — about
// 80 % of a PARACHUTE training step — with a CBLAS library (OpenBLAS) instead
// of its own Go loops, which reach 5–6 GFLOP/s where OpenBLAS reaches about
// 140 on the same shapes.
//
// GoMLX v0.26.0 keeps its op executors in an unexported table; [Install]
// pulls that table in by name (go:linkname) and replaces the DotGeneral
// entry with an executor that runs each product as a batched GEMM over the
// operands' memory, for float32 and float64 layouts a GEMM can take without
// copies (free and contracting axes in two runs, the inner one last; batch
// axes anywhere else), and
// hands every other call to simplego's own executor. The override is
// guarded:
//   - it is installed only for GoMLX [SupportedGoMLX], whose internals it was
//     written against;
//   - reflection checks the names and types of the simplego fields it reads
//     and writes, and of the DotGeneral node data on every call;
//   - a start-up self-test compares it with simplego's own executor on
//     covering layouts (every path of planGemm, float32 and float64, batched,
//     transposed, several contracting axes, a fallback layout) and removes
//     the override on any mismatch, with the reason in [Status].
//
// The library is opened at run time (dlopen of $PARACHUTE_BLAS, else
// libopenblas.so.0, libopenblas.so, libblas.so.3), so a binary built with cgo
// runs where no BLAS is installed, without the override. When OpenBLAS does
// not recognise the CPU model (new parts, virtual machines) it falls back to
// SSE3 "Prescott" kernels, four to six times slower; Install then reloads it
// with OPENBLAS_CORETYPE set from the CPU's features (SkylakeX or Haswell),
// unless the user set OPENBLAS_CORETYPE, and [Status] says so. Build with
// -tags noblas, or set PARACHUTE_BLAS=off, to keep the pure-Go path. OpenBLAS
// reads OPENBLAS_NUM_THREADS; its idle threads spin for a while after each
// call (OPENBLAS_THREAD_TIMEOUT shortens that).
package blasdot
