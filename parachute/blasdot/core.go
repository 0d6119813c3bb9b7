// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/cpu"
)

// cpuFeatures are the x86 instruction-set extensions OpenBLAS's single-
// precision kernels are chosen by.
type cpuFeatures struct {
	AVX2, FMA                                       bool
	AVX512F, AVX512BW, AVX512DQ, AVX512VL, AVX512CD bool
}

// hostFeatures reads the running CPU's extensions (all false off x86).
func hostFeatures() cpuFeatures {
	x := cpu.X86
	return cpuFeatures{AVX2: x.HasAVX2, FMA: x.HasFMA, AVX512F: x.HasAVX512F, AVX512BW: x.HasAVX512BW,
		AVX512DQ: x.HasAVX512DQ, AVX512VL: x.HasAVX512VL, AVX512CD: x.HasAVX512CD}
}

// preAVX2Cores are OpenBLAS kernel families (lower case) that use neither
// AVX2 nor FMA. OpenBLAS builds with DYNAMIC_ARCH pick a family from the
// CPU's vendor, family and model numbers; on a CPU model it does not know
// (new parts, or virtual machines that mask the model) it falls back to
// "Prescott", SSE3 kernels four to six times slower than the CPU allows.
var preAVX2Cores = map[string]bool{
	"prescott": true, "katmai": true, "coppermine": true, "northwood": true, "banias": true,
	"core2": true, "penryn": true, "dunnington": true, "nehalem": true, "atom": true,
	"sandybridge": true, "opteron": true, "opteron_sse3": true, "barcelona": true, "bobcat": true,
	"bulldozer": true, "piledriver": true,
}

// betterCore returns the OpenBLAS kernel family to request (the value of
// OPENBLAS_CORETYPE) when OpenBLAS picked the pre-AVX2 family picked on a
// CPU with features f: SkylakeX (AVX-512 F, BW, DQ, VL and CD) or Haswell
// (AVX2 and FMA). It returns "" to keep OpenBLAS's pick: a modern family,
// a library that is not OpenBLAS (picked == ""), or a CPU without AVX2.
func betterCore(picked string, f cpuFeatures) string {
	if !preAVX2Cores[strings.ToLower(picked)] {
		return ""
	}
	switch {
	case f.AVX512F && f.AVX512BW && f.AVX512DQ && f.AVX512VL && f.AVX512CD:
		return "SkylakeX"
	case f.AVX2 && f.FMA:
		return "Haswell"
	}
	return ""
}

// featureName is the extension each requested family is chosen for.
var featureName = map[string]string{"SkylakeX": "AVX-512", "Haswell": "AVX2 and FMA"}

// correctCore reloads the library lib with OPENBLAS_CORETYPE set when
// OpenBLAS misjudged the CPU (see betterCore), unless the user set
// OPENBLAS_CORETYPE. OpenBLAS reads the variable once, when it is loaded;
// the process environment is restored afterwards. It returns the kernel
// family in use and a note for Status ("" when nothing was done), or an
// error when the library cannot be loaded again.
func correctCore(lib string) (core, note string, err error) {
	core = libraryCore()
	if _, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		return core, "", nil
	}
	want := betterCore(core, hostFeatures())
	if want == "" {
		return core, "", nil
	}
	unloadLibrary()
	os.Setenv("OPENBLAS_CORETYPE", want)
	_, err = loadLibrary([]string{lib})
	os.Unsetenv("OPENBLAS_CORETYPE")
	if err != nil {
		return "", "", fmt.Errorf("reloading %s with OPENBLAS_CORETYPE=%s: %w", lib, want, err)
	}
	now := libraryCore()
	return now, fmt.Sprintf("OpenBLAS chose %s kernels for a CPU with %s; reloaded with OPENBLAS_CORETYPE=%s (now %s)",
		core, featureName[want], want, now), nil
}
