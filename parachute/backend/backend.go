// SPDX-License-Identifier: Apache-2.0

// Package backend selects the GoMLX backend of every goparachute program in
// one place and installs the matmul gradients of package fastgrad.
//
// The default is GoMLX's pure-Go backend in sequential mode
// (GOMLX_BACKEND=go:ops_sequential): on 2 cores it is the fastest of
// simplego's modes for this model (bench/results/cpu-2core-20261127), and
// the parallel mode has been seen to deadlock on small machines. A user may set
// GOMLX_BACKEND to another configuration of a backend compiled into the
// binary, notably XLA through a PJRT plugin given by absolute path:
//
//	GOMLX_BACKEND=xla:/abs/path/xla_cuda_plugin.so   (a CUDA plugin, e.g. JAX's)
//	GOMLX_BACKEND=xla:cpu                            (a plugin installed under
//	                                                  ~/.local/lib/go-xla)
//
// XLA is compiled in by building with -tags xla (and cgo, the default where
// a C compiler is present); other builds stay pure Go. This package never
// downloads anything: GoMLX's plugin auto-install is switched
// off, and a requested plugin that is missing is an error that says so.
package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers "go"

	"github.com/parachute-surv/goparachute/parachute/fastgrad"
)

// Default is the backend configuration used when GOMLX_BACKEND is unset.
const Default = "go:ops_sequential"

// Selection says which backend configuration was chosen and why.
type Selection struct {
	Config string `json:"config"` // e.g. "go:ops_sequential"
	Reason string `json:"reason"` // "GOMLX_BACKEND" or "default"
}

// Choose returns the configuration New will use: $GOMLX_BACKEND when set,
// otherwise [Default].
func Choose() Selection {
	if v := strings.TrimSpace(os.Getenv("GOMLX_BACKEND")); v != "" {
		return Selection{Config: v, Reason: "GOMLX_BACKEND"}
	}
	return Selection{Config: Default, Reason: "default"}
}

var (
	mu     sync.Mutex
	shared backends.Backend
)

// New returns the process's backend, creating it on the first call: it
// installs fastgrad's gradients and, for the pure-Go backend, package
// blasdot's BLAS executor for DotGeneral (when a CBLAS library is present and
// its self-test passes, single-threaded unless OPENBLAS_NUM_THREADS is set:
// results do not depend on the machine's core count) and package fastops's
// element-wise executors (when their self-test passes), then creates the
// backend [Choose] selects.
// The backend is shared; do not finalise it. Returns an error naming the
// configuration when the backend is not compiled in or fails to start.
func New() (backends.Backend, error) {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		return shared, nil
	}
	fastgrad.Install() // its Status says whether it took, and why not
	sel := Choose()
	if err := CheckConfig(sel); err != nil {
		return nil, err
	}
	if pureGo(sel.Config) {
		installExecutors()
	}
	config, env, err := xlaFloat32(sel.Config, os.Getenv(Float32Env), os.Getenv)
	if err != nil {
		return nil, err
	}
	for k, v := range env {
		os.Setenv(k, v) // read by the plugin and the NVIDIA libraries as they start
	}
	b, err := newBackend(config)
	if err != nil {
		return nil, fmt.Errorf("backend %q (from %s; this binary knows %s): %w", sel.Config, sel.Reason, knownBackends(), err)
	}
	shared = b
	return b, nil
}

// newBackend is backends.NewWithConfig with GoMLX's panics (a bad option,
// a plugin that fails to load) returned as errors.
func newBackend(config string) (b backends.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return backends.NewWithConfig(config)
}

// knownBackends lists the GOMLX_BACKEND values this binary accepts, with
// examples.
func knownBackends() string {
	known := []string{`"go" (pure Go; "go:ops_sequential" is the default)`}
	if xlaCompiled {
		known = append(known, `"xla:/abs/path/xla_cuda_plugin.so" (a PJRT plugin, e.g. JAX's CUDA one)`, `"xla:cpu"`)
	} else {
		known = append(known, "xla (not in this build: go build -tags xla)")
	}
	return strings.Join(known, ", ")
}

// Executors returns the statuses of the pure-Go backend's faster
// executors, as JSON values (package blasdot's and fastops's Status in a full
// build, a line saying they were left out in a -tags stockgomlx build); ok is
// false when the selected backend ([Choose]) is not the pure-Go one. Call it
// after [New].
func Executors() (blas, fastOps any, ok bool) {
	if !pureGo(Choose().Config) {
		return nil, nil, false
	}
	blas, fastOps = executorStatuses()
	return blas, fastOps, true
}

// ShareCores prepares the process for training workers runs at a time:
// with more than one, OpenBLAS (when package blasdot runs the products)
// takes one thread, the workers being the parallelism. The sweeps'
// callers (package figures, cmd/parachute) call it before
// experiment.RunAll; it is process-wide, so a library never calls it on
// its own.
func ShareCores(workers int) {
	if workers > 1 {
		setBLASThreads(1)
	}
}

// PureGo reports whether the selected backend ([Choose]) is GoMLX's pure-Go
// one.
func PureGo() bool { return pureGo(Choose().Config) }

// isXLA reports whether a backend name (a configuration's part before ":")
// is one of the names GoMLX registers its XLA backend under.
func isXLA(name string) bool {
	return name == "xla" || name == "stablehlo" || name == "hlo" || name == "shlo"
}

// pureGo reports whether a backend configuration selects GoMLX's pure-Go
// backend ("go" or "go:<options>").
func pureGo(config string) bool {
	name, _, _ := strings.Cut(config, ":")
	return name == "go"
}

// CheckConfig rejects, before GoMLX sees it, an XLA configuration this
// binary cannot serve: XLA not compiled in, or a plugin path that does not
// exist.
func CheckConfig(sel Selection) error {
	name, plugin, _ := strings.Cut(sel.Config, ":")
	if !isXLA(name) {
		if !slices.Contains(backends.List(), name) {
			return fmt.Errorf("GOMLX_BACKEND=%q: unknown backend %q; this binary knows %s", sel.Config, name, knownBackends())
		}
		return nil
	}
	if !xlaCompiled {
		return fmt.Errorf("backend %q (from %s): this binary was built without XLA; build it with -tags xla "+
			"(go build -tags xla ./cmd/parachute), or unset GOMLX_BACKEND for the pure-Go backend", sel.Config, sel.Reason)
	}
	path, _, _ := strings.Cut(plugin, ",") // options follow a comma
	if filepath.IsAbs(path) {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("backend %q (from %s): PJRT plugin not found: %w (nothing is downloaded; see README, GPU)", sel.Config, sel.Reason, err)
		}
	}
	return nil
}

// Report describes the backend of this process for `parachute backends`.
type Report struct {
	Selection
	// Description is the backend's own description; for XLA it names the
	// plugin and its PJRT API version.
	Description string `json:"description"`
	// Registered lists the backends compiled into this binary.
	Registered []string `json:"registered"`
	// XLA says whether this binary can use XLA, and why not.
	XLA string `json:"xla"`
	// Fastgrad says whether the gradients of package fastgrad are
	// installed, and why not (another GoMLX version: GoMLX's own serve).
	Fastgrad string `json:"fastgrad"`
	// BLAS says whether package blasdot runs the pure-Go backend's
	// DotGeneral through a CBLAS library, and why not.
	BLAS string `json:"blas"`
	// FastOps says whether package fastops runs the pure-Go backend's
	// broadcasting element-wise ops, and why not.
	FastOps string `json:"fastops"`
	// Float32 is how an XLA backend multiplies float32 matrices (see
	// Float32Env).
	Float32 string `json:"xla_float32"`
}

// Describe creates (or reuses) the backend and reports what was selected and
// why.
func Describe() (Report, error) {
	r := Report{Selection: Choose(), Registered: backends.List(), XLA: "compiled in (cgo); plugins only by absolute path or installed by hand, never downloaded"}
	if !xlaCompiled {
		r.XLA = "not compiled in (build with -tags xla and cgo to use PJRT plugins)"
	}
	if err := CheckConfig(r.Selection); err != nil {
		return r, err
	}
	b, err := New()
	if err != nil {
		return r, err
	}
	r.Description, r.Fastgrad = b.Description(), fastgrad.Install().String()
	r.BLAS, r.FastOps = "not used (not the pure-Go backend)", "not used (not the pure-Go backend)"
	r.Float32 = "full float32 (the pure-Go backend)"
	if !pureGo(r.Config) {
		r.Float32 = os.Getenv(Float32Env)
		if r.Float32 == "" {
			r.Float32 = "full (full float32 products; " + Float32Env + "=default for XLA's TF32)"
		}
	}
	if pureGo(r.Config) {
		r.BLAS, r.FastOps = blasStatus(), fastOpsStatus()
	}
	return r, nil
}

// Float32Env names the environment variable that sets how an XLA backend
// multiplies float32 matrices:
//
//   - "" or "full" (the default): full float32 products. GoMLX v0.26 emits
//     every DotGeneral at XLA's DEFAULT precision and offers no HIGHEST
//     (go-xla's builder has Precision and Algorithm; GoMLX's backend sets
//     only the TF32 algorithm), and XLA has no flag for its TF32 default, so
//     this asks from outside: NVIDIA_TF32_OVERRIDE=0 (cuBLAS and cuDNN never
//     use TF32) and --xla_gpu_enable_triton_gemm=false in XLA_FLAGS (matrix
//     products go to cuBLAS rather than XLA's Triton kernels, which the
//     override does not reach). Measured on an H200 (2026-12-04,
//     bench/results/gpu-stack-20261204): the paper-size model's risks are
//     9.3e-7 (relative) from the float64 model's, as the CPU backend's are
//     (6.1e-7), 1.5e-7 from the CPU's; a training step takes 22.9 ms against
//     17.0 ms in TF32 (1.35×), and PyTorch's float32 step 27.9 ms.
//   - "default": XLA's DEFAULT precision, which on NVIDIA GPUs from Ampere
//     on means TF32 tensor cores (10-bit mantissas): the same risks are
//     1.5e-3 from the float64 model's and 1.3e-4 from the CPU's. Faster, but
//     a run's numbers then differ from the CPU backend's and from PyTorch's
//     float32 ones beyond float32 rounding, so it is a choice, not the
//     default;
//   - "tf32": TF32 asked for explicitly (GoMLX's "tf32" plugin option).
//
// The pure-Go backend always computes in full float32.
const Float32Env = "PARACHUTE_XLA_FLOAT32"

// xlaFloat32 returns the backend configuration and the environment
// variables to set for an XLA backend in float32 mode mode (see Float32Env);
// other backends are returned unchanged. Variables the user set are kept.
func xlaFloat32(config, mode string, getenv func(string) string) (string, map[string]string, error) {
	name, _, _ := strings.Cut(config, ":")
	xla := isXLA(name)
	switch mode {
	case "default":
		return config, nil, nil
	case "tf32":
		if !xla {
			return config, nil, nil
		}
		if strings.Contains(config, ":") {
			return config + ",tf32", nil, nil
		}
		return config + ":tf32", nil, nil
	case "", "full":
		if !xla {
			return config, nil, nil
		}
		env := map[string]string{}
		if getenv("NVIDIA_TF32_OVERRIDE") == "" {
			env["NVIDIA_TF32_OVERRIDE"] = "0"
		}
		if flags := getenv("XLA_FLAGS"); !strings.Contains(flags, "xla_gpu_enable_triton_gemm") {
			env["XLA_FLAGS"] = strings.TrimSpace(flags + " --xla_gpu_enable_triton_gemm=false")
		}
		return config, env, nil
	}
	return "", nil, fmt.Errorf("%s=%q: want full (the default), default (XLA's own: TF32 on NVIDIA GPUs) or tf32", Float32Env, mode)
}
