// SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noblas && !stockgomlx

package blasdot

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>

// CBLAS constants (cblas.h): row-major storage, no transpose, transpose.
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
                         const double *, int, double, double *, int);

static void *handle;
static sgemm_fn sgemm;
static dgemm_fn dgemm;

// load opens a CBLAS library and finds its sgemm and dgemm; it returns NULL
// on success or a message.
static const char *load(const char *name) {
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) return dlerror();
	sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
	dgemm = (dgemm_fn)dlsym(h, "cblas_dgemm");
	if (!sgemm || !dgemm) {
		dlclose(h);
		return "the library has no cblas_sgemm or cblas_dgemm";
	}
	handle = h;
	return NULL;
}

// unload closes the library load opened.
static void unload(void) {
	if (handle) dlclose(handle);
	handle = NULL;
	sgemm = NULL;
	dgemm = NULL;
}

// corename is OpenBLAS's name of the kernels it chose at load time, or NULL
// for a library that is not OpenBLAS.
static const char *corename(void) {
	if (!handle) return NULL;
	const char *(*fn)(void) = (const char *(*)(void))dlsym(handle, "openblas_get_corename");
	return fn ? fn() : NULL;
}

// set_threads sets OpenBLAS's thread count; it returns 0 for a library
// that is not OpenBLAS (or none loaded).
static int set_threads(int n) {
	if (!handle) return 0;
	void (*fn)(int) = (void (*)(int))dlsym(handle, "openblas_set_num_threads");
	if (!fn) return 0;
	fn(n);
	return 1;
}

// The products C + coff[i] = op(A + aoff[i]) op(B + boff[i]), row-major.
static void sgemm_list(int count, int transA, int transB, int m, int n, int k,
                       const float *a, int lda, const long long *aoff,
                       const float *b, int ldb, const long long *boff,
                       float *c, int ldc, const long long *coff) {
	for (int i = 0; i < count; i++)
		sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, 1.0f,
		      a + aoff[i], lda, b + boff[i], ldb, 0.0f, c + coff[i], ldc);
}

static void dgemm_list(int count, int transA, int transB, int m, int n, int k,
                       const double *a, int lda, const long long *aoff,
                       const double *b, int ldb, const long long *boff,
                       double *c, int ldc, const long long *coff) {
	for (int i = 0; i < count; i++)
		dgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, 1.0,
		      a + aoff[i], lda, b + boff[i], ldb, 0.0, c + coff[i], ldc);
}
*/
import "C"

import (
	"errors"
	"strings"
	"unsafe"
)

// loadLibrary opens the first CBLAS library of the candidates.
func loadLibrary(candidates []string) (string, error) {
	var msgs []string
	for _, name := range candidates {
		cname := C.CString(name)
		msg := C.load(cname)
		C.free(unsafe.Pointer(cname))
		if msg == nil {
			return name, nil
		}
		msgs = append(msgs, name+": "+C.GoString(msg))
	}
	return "", errors.New("no CBLAS library: " + strings.Join(msgs, "; "))
}

// unloadLibrary closes the library loadLibrary opened.
func unloadLibrary() { C.unload() }

// libraryCore is the OpenBLAS kernel family in use ("" when the library is
// not OpenBLAS).
func libraryCore() string {
	if name := C.corename(); name != nil {
		return C.GoString(name)
	}
	return ""
}

// setLibraryThreads sets the loaded OpenBLAS's thread count; false when the
// library is not OpenBLAS or none is loaded.
func setLibraryThreads(n int) bool { return C.set_threads(C.int(n)) != 0 }

func offsets64(x []int) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}

func gemm32(p gemmPlan, a, b, c []float32) {
	ao, bo, co := offsets64(p.AOffsets), offsets64(p.BOffsets), offsets64(p.COffsets)
	C.sgemm_list(C.int(p.Count), cbool(p.TransA), cbool(p.TransB), C.int(p.M), C.int(p.N), C.int(p.K),
		(*C.float)(unsafe.Pointer(&a[0])), C.int(p.LdA), (*C.longlong)(unsafe.Pointer(&ao[0])),
		(*C.float)(unsafe.Pointer(&b[0])), C.int(p.LdB), (*C.longlong)(unsafe.Pointer(&bo[0])),
		(*C.float)(unsafe.Pointer(&c[0])), C.int(p.LdC), (*C.longlong)(unsafe.Pointer(&co[0])))
}

func gemm64(p gemmPlan, a, b, c []float64) {
	ao, bo, co := offsets64(p.AOffsets), offsets64(p.BOffsets), offsets64(p.COffsets)
	C.dgemm_list(C.int(p.Count), cbool(p.TransA), cbool(p.TransB), C.int(p.M), C.int(p.N), C.int(p.K),
		(*C.double)(unsafe.Pointer(&a[0])), C.int(p.LdA), (*C.longlong)(unsafe.Pointer(&ao[0])),
		(*C.double)(unsafe.Pointer(&b[0])), C.int(p.LdB), (*C.longlong)(unsafe.Pointer(&bo[0])),
		(*C.double)(unsafe.Pointer(&c[0])), C.int(p.LdC), (*C.longlong)(unsafe.Pointer(&co[0])))
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// compiled reports that this build can use a CBLAS library.
const compiled = true
