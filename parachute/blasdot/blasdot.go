// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph DSL
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/internal/simplegoabi"
)

// SupportedGoMLX is the GoMLX version whose simplego internals the override
// reads (through package simplegoabi).
const SupportedGoMLX = simplegoabi.SupportedGoMLX

// Status says whether the override is active and why.
type Status struct {
	Active bool `json:"active"`
	// Library is the CBLAS library opened, when active, and Core the
	// OpenBLAS kernel family in use ("" for another library).
	Library string `json:"library,omitempty"`
	Core    string `json:"core,omitempty"`
	// Reason explains an inactive override (or how it was verified).
	Reason string `json:"reason"`
}

// String is the one-line form `parachute backends` prints.
func (s Status) String() string {
	if s.Active {
		lib := s.Library
		if s.Core != "" {
			lib += ", " + s.Core + " kernels"
		}
		return fmt.Sprintf("active (%s): %s; %d BLAS calls, %d handed to simplego so far", lib, s.Reason, calls.Load(), fallbacks.Load())
	}
	return "inactive: " + s.Reason
}

var (
	installOnce sync.Once
	status      Status
	// calls and fallbacks count DotGeneral executions through BLAS and
	// through simplego's own executor while the override is active.
	calls, fallbacks atomic.Int64
)

// Counts returns the DotGeneral executions done through BLAS and handed to
// simplego's executor since start-up.
func Counts() (blas, stock int64) { return calls.Load(), fallbacks.Load() }

// SetThreads sets the number of threads OpenBLAS uses for each product (it
// otherwise takes OPENBLAS_NUM_THREADS, or every core) and reports whether
// it could: false when the executor is not installed or the library is not
// OpenBLAS. Programs that train several models at a time set 1: each
// worker's products are small, and OpenBLAS's spinning threads would compete
// with the other workers for the cores.
func SetThreads(n int) bool {
	if !Install().Active || n < 1 {
		return false
	}
	return setLibraryThreads(n)
}

// Install installs the BLAS executor once per process and returns the
// outcome; later calls return the same status. Call it at start-up, before
// any graph runs (package backend does); its self-test switches the
// executor on and off.
func Install() Status {
	installOnce.Do(func() { status = install() })
	return status
}

func install() Status {
	if v := os.Getenv("PARACHUTE_BLAS"); v == "off" {
		return Status{Reason: "switched off (PARACHUTE_BLAS=off)"}
	}
	if !compiled {
		return Status{Reason: "not built in (built without cgo or with -tags noblas)"}
	}
	if err := simplegoabi.Check(); err != nil {
		return Status{Reason: err.Error()}
	}
	candidates := []string{"libopenblas.so.0", "libopenblas.so", "libblas.so.3"}
	if v := os.Getenv("PARACHUTE_BLAS"); v != "" {
		candidates = []string{v}
	}
	lib, err := loadLibrary(candidates)
	if err != nil {
		return Status{Reason: err.Error()}
	}
	core, note, err := correctCore(lib)
	if err != nil {
		return Status{Reason: err.Error()}
	}
	if err := override(); err != nil {
		return Status{Reason: "simplego internals changed: " + err.Error()}
	}
	if err := selfTest(); err != nil {
		restore()
		return Status{Library: lib, Core: core, Reason: "self-test failed, override removed: " + err.Error()}
	}
	reason := "self-test passed on " + fmt.Sprint(len(selfTestCases)) + " layouts"
	if note != "" {
		reason += "; " + note
	}
	return Status{Active: true, Library: lib, Core: core, Reason: reason}
}

// selfTestCase is one DotGeneral layout of the self-test.
type selfTestCase struct {
	name           string
	dtype          dtypes.DType
	lhs, rhs       []int
	lc, lb, rc, rb []int
	wantBLAS       bool // false: planGemm must refuse it (fallback path)
}

// selfTestCases cover every branch of planGemm: plain, transposed lhs,
// transposed rhs, both, batched, batch axes inside the operands (strided
// matrices, as attention has), outer free axes looped over, several batch
// and contracting axes, vector products, float64, and layouts that must
// fall back.
var selfTestCases = []selfTestCase{
	{"matmul", dtypes.Float32, []int{5, 7}, []int{7, 3}, []int{1}, nil, []int{0}, nil, true},
	{"lhs transposed", dtypes.Float32, []int{7, 5}, []int{7, 3}, []int{0}, nil, []int{0}, nil, true},
	{"rhs transposed", dtypes.Float32, []int{5, 7}, []int{3, 7}, []int{1}, nil, []int{1}, nil, true},
	{"both transposed", dtypes.Float32, []int{7, 5}, []int{3, 7}, []int{0}, nil, []int{1}, nil, true},
	{"batched", dtypes.Float32, []int{2, 3, 4, 6}, []int{2, 3, 6, 5}, []int{3}, []int{0, 1}, []int{2}, []int{0, 1}, true},
	{"two contracting axes", dtypes.Float32, []int{2, 4, 3, 5}, []int{2, 6, 4, 3}, []int{1, 2}, []int{0}, []int{2, 3}, []int{0}, true},
	{"several free axes", dtypes.Float32, []int{3, 2, 8}, []int{8, 4, 2}, []int{2}, nil, []int{0}, nil, true},
	{"dot of vectors", dtypes.Float32, []int{9}, []int{9}, []int{0}, nil, []int{0}, nil, true},
	{"outer product", dtypes.Float32, []int{4}, []int{3}, nil, nil, nil, nil, true},
	{"float64", dtypes.Float64, []int{2, 6, 5}, []int{2, 4, 6}, []int{1}, []int{0}, []int{2}, []int{0}, true},
	{"batch axis inside", dtypes.Float32, []int{4, 2, 6}, []int{2, 6, 3}, []int{2}, []int{1}, []int{1}, []int{0}, true},
	{"attention-like strided batch", dtypes.Float32, []int{2, 5, 3, 4}, []int{2, 6, 3, 4}, []int{3}, []int{0, 2}, []int{3}, []int{0, 2}, true},
	{"batch axis last", dtypes.Float32, []int{3, 4, 2}, []int{2, 4, 5}, []int{1}, []int{2}, []int{1}, []int{0}, false},
	{"rhs free axes around contracting", dtypes.Float32, []int{3, 4}, []int{2, 4, 5}, []int{1}, nil, []int{1}, nil, true},
	{"lhs free axes around contracting", dtypes.Float32, []int{3, 4, 5}, []int{4, 2}, []int{1}, nil, []int{0}, nil, true},
	{"both looped, batched", dtypes.Float64, []int{2, 3, 4, 5}, []int{2, 6, 4, 2}, []int{2}, []int{0}, []int{2}, []int{0}, true},
	{"contracting axes split", dtypes.Float32, []int{4, 3, 5}, []int{4, 5}, []int{0, 2}, nil, []int{0, 1}, nil, false},
	{"contracting axes crossed", dtypes.Float32, []int{3, 4, 5}, []int{5, 4, 2}, []int{1, 2}, nil, []int{1, 0}, nil, false},
}

// selfTest runs every case with the override on and off on a fresh
// sequential simplego backend and compares: within 1e-5 of the largest
// |value| in float32 (another summation order), 1e-12 in float64. It also
// checks that planGemm takes exactly the layouts it should.
func selfTest() error {
	b, err := simplegoabi.SelfTestBackend()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range selfTestCases {
		lhs, rhs := randomTensor(rng, tc.dtype, tc.lhs), randomTensor(rng, tc.dtype, tc.rhs)
		fn := func(l, r *Node) *Node { return DotGeneral(l, tc.lc, tc.lb, r, tc.rc, tc.rb) }
		before, _ := Counts()
		enabled.Store(true)
		got, err := ExecOnce(b, fn, lhs, rhs)
		if err != nil {
			return fmt.Errorf("%s: %w", tc.name, err)
		}
		after, _ := Counts()
		if usedBLAS := after > before; usedBLAS != tc.wantBLAS {
			return fmt.Errorf("%s: BLAS used = %v, want %v", tc.name, usedBLAS, tc.wantBLAS)
		}
		enabled.Store(false)
		want, err := ExecOnce(b, fn, lhs, rhs)
		enabled.Store(true)
		if err != nil {
			return fmt.Errorf("%s (simplego): %w", tc.name, err)
		}
		if err := compare(got, want); err != nil {
			return fmt.Errorf("%s: %w", tc.name, err)
		}
	}
	return nil
}

func randomTensor(rng *rand.Rand, dtype dtypes.DType, dims []int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	if dtype == dtypes.Float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return tensors.FromFlatDataAndDimensions(x, dims...)
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(x, dims...)
}

func compare(got, want *tensors.Tensor) error {
	if !got.Shape().Equal(want.Shape()) {
		return fmt.Errorf("shape %s, simplego gives %s", got.Shape(), want.Shape())
	}
	var err error
	if e := got.ConstFlatData(func(g any) {
		if e := want.ConstFlatData(func(w any) { err = compareFlat(g, w) }); e != nil {
			err = e
		}
	}); e != nil {
		return e
	}
	return err
}

// compareFlat compares flat BLAS and simplego results ([]float32 or
// []float64): within 1e-5 of max(1, largest |simplego value|) in float32
// (another summation order), 1e-12 in float64.
func compareFlat(got, want any) error {
	var g, w []float64
	tol := 1e-12
	switch x := got.(type) {
	case []float32:
		tol = 1e-5
		for i, v := range x {
			g, w = append(g, float64(v)), append(w, float64(want.([]float32)[i]))
		}
	case []float64:
		g, w = x, want.([]float64)
	}
	scale := 1.0
	for _, v := range w {
		scale = math.Max(scale, math.Abs(v))
	}
	for i := range g {
		if math.Abs(g[i]-w[i]) > tol*scale {
			return fmt.Errorf("element %d: BLAS %v, simplego %v", i, g[i], w[i])
		}
	}
	return nil
}

var errNotBuilt = errors.New("blasdot: built without cgo or with -tags noblas")
