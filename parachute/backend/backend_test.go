// SPDX-License-Identifier: Apache-2.0

package backend_test

import (
	"strings"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

func TestChooseAndNew(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	if s := backend.Choose(); s.Config != backend.Default || s.Reason != "default" {
		t.Fatalf("choice %+v", s)
	}
	t.Setenv("GOMLX_BACKEND", "go")
	if s := backend.Choose(); s.Config != "go" || s.Reason != "GOMLX_BACKEND" {
		t.Fatalf("choice %+v", s)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := backend.New(); b2 != b {
		t.Fatal("New returned a second backend")
	}
}

// This build has no XLA (no -tags xla): asking for it is a clear error, not
// a download attempt, and the report says why.
func TestXLAWithoutTheTagIsAClearError(t *testing.T) {
	for _, cfg := range []string{"xla:cuda", "xla:/opt/plugins/xla_cuda_plugin.so", "stablehlo"} {
		err := backend.CheckConfig(backend.Selection{Config: cfg, Reason: "GOMLX_BACKEND"})
		if err == nil || !strings.Contains(err.Error(), "-tags xla") || !strings.Contains(err.Error(), cfg) {
			t.Errorf("%s: error %v, want one naming the config and -tags xla", cfg, err)
		}
	}
	if err := backend.CheckConfig(backend.Selection{Config: "go:ops_sequential"}); err != nil {
		t.Errorf("pure Go: %v", err)
	}
	if err := backend.InstallPlugins(); err == nil {
		t.Error("InstallPlugins succeeded in a build without XLA")
	}
	t.Setenv("GOMLX_BACKEND", "")
	r, err := backend.Describe()
	if err != nil {
		t.Fatal(err)
	}
	if r.Config != backend.Default || !strings.Contains(r.XLA, "not compiled in") || !strings.HasPrefix(r.Fastgrad, "active") {
		t.Errorf("report %+v", r)
	}
}

// An unknown backend name (a guess such as cuda, cpu or simplego) is an
// error that lists the names this binary knows, not GoMLX's panic.
func TestUnknownBackendIsAnErrorListingTheKnownOnes(t *testing.T) {
	for _, cfg := range []string{"cuda", "cpu", "simplego", "gpu:0"} {
		err := backend.CheckConfig(backend.Selection{Config: cfg, Reason: "GOMLX_BACKEND"})
		if err == nil || !strings.Contains(err.Error(), "unknown backend") || !strings.Contains(err.Error(), `"go"`) {
			t.Errorf("%s: error %v, want one listing the known backends", cfg, err)
		}
	}
}
