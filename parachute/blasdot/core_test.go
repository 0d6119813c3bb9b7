// SPDX-License-Identifier: Apache-2.0

//go:build !stockgomlx

package blasdot

import (
	"os"
	"strings"
	"testing"
)

func TestBetterCore(t *testing.T) {
	avx512 := cpuFeatures{AVX2: true, FMA: true, AVX512F: true, AVX512BW: true, AVX512DQ: true, AVX512VL: true, AVX512CD: true}
	avx2 := cpuFeatures{AVX2: true, FMA: true}
	partial := avx2
	partial.AVX512F = true // AVX-512 F alone (Knights Landing): not enough for SkylakeX kernels
	for _, tc := range []struct {
		picked string
		f      cpuFeatures
		want   string
	}{
		{"Prescott", avx512, "SkylakeX"},
		{"prescott", avx2, "Haswell"},
		{"Nehalem", partial, "Haswell"},
		{"Sandybridge", avx512, "SkylakeX"},
		{"Prescott", cpuFeatures{}, ""}, // an SSE3-only CPU: Prescott is right
		{"Haswell", avx512, ""},         // a modern pick is kept
		{"SkylakeX", avx512, ""},
		{"Zen", avx2, ""},
		{"", avx512, ""}, // not OpenBLAS
	} {
		if got := betterCore(tc.picked, tc.f); got != tc.want {
			t.Errorf("betterCore(%q, %+v) = %q, want %q", tc.picked, tc.f, got, tc.want)
		}
	}
}

// TestInstalledCoreFitsTheCPU checks on the machine at hand that, unless the
// user chose OPENBLAS_CORETYPE, an OpenBLAS in use runs kernels that fit the
// CPU (on this project's build machine OpenBLAS 0.3.21 picks Prescott for a
// Sapphire Rapids virtual machine, and Install corrects it).
func TestInstalledCoreFitsTheCPU(t *testing.T) {
	s := Install()
	if !s.Active || s.Core == "" {
		t.Skipf("no OpenBLAS in use: %s", s)
	}
	if _, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		t.Skip("OPENBLAS_CORETYPE set by the user")
	}
	if better := betterCore(s.Core, hostFeatures()); better != "" {
		t.Errorf("OpenBLAS runs %s kernels where %s fit the CPU: %s", s.Core, better, s)
	}
	if _, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		t.Error("Install left OPENBLAS_CORETYPE in the environment")
	}
	t.Log(s)
	if strings.Contains(s.Reason, "reloaded") && !strings.Contains(s.String(), s.Core+" kernels") {
		t.Errorf("status line does not name the kernels: %s", s)
	}
}
