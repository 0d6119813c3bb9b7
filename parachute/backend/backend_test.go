// SPDX-License-Identifier: Apache-2.0

package backend_test

import (
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
