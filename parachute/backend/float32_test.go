// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"maps"
	"testing"
)

func TestXLAFloat32(t *testing.T) {
	env := map[string]string{"XLA_FLAGS": "--xla_gpu_cuda_data_dir=/cuda"}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		config, mode, want string
		env                map[string]string
	}{
		{"xla:/p/cuda.so", "default", "xla:/p/cuda.so", nil},
		{"xla:/p/cuda.so", "", "xla:/p/cuda.so", map[string]string{"NVIDIA_TF32_OVERRIDE": "0", // full by default
			"XLA_FLAGS": "--xla_gpu_cuda_data_dir=/cuda --xla_gpu_enable_triton_gemm=false"}},
		{"xla:/p/cuda.so", "tf32", "xla:/p/cuda.so,tf32", nil},
		{"xla", "tf32", "xla:tf32", nil},
		{"xla:/p/cuda.so", "full", "xla:/p/cuda.so", map[string]string{"NVIDIA_TF32_OVERRIDE": "0",
			"XLA_FLAGS": "--xla_gpu_cuda_data_dir=/cuda --xla_gpu_enable_triton_gemm=false"}},
		{"go:ops_sequential", "full", "go:ops_sequential", nil},
	} {
		got, gotEnv, err := xlaFloat32(c.config, c.mode, getenv)
		if err != nil || got != c.want || !maps.Equal(gotEnv, c.env) {
			t.Errorf("xlaFloat32(%q, %q) = %q, %v, %v; want %q, %v", c.config, c.mode, got, gotEnv, err, c.want, c.env)
		}
	}
	if _, _, err := xlaFloat32("xla", "highest", getenv); err == nil {
		t.Error("an unknown mode was accepted")
	}
	// A user's own setting stays.
	env["NVIDIA_TF32_OVERRIDE"], env["XLA_FLAGS"] = "1", "--xla_gpu_enable_triton_gemm=true"
	if _, gotEnv, _ := xlaFloat32("xla", "full", getenv); len(gotEnv) != 0 {
		t.Errorf("overrode the user's settings: %v", gotEnv)
	}
}
