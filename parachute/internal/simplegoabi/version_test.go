// SPDX-License-Identifier: Apache-2.0

package simplegoabi

import "testing"

// TestLinkedGoMLXVersionIsKnown: test binaries carry no dependency list, so
// the version comes from the source path; it must be found (an unknown
// version would switch the overrides off), and an unknown or other version
// must be refused.
func TestLinkedGoMLXVersionIsKnown(t *testing.T) {
	if v := LinkedGoMLXVersion(); v != SupportedGoMLX {
		t.Errorf("linked GoMLX %q, want %s", v, SupportedGoMLX)
	}
	if err := CheckGoMLXVersion(SupportedGoMLX); err != nil {
		t.Error(err)
	}
	for _, v := range []string{"", "v0.27.0", "(devel)"} {
		if err := CheckGoMLXVersion(v); err == nil {
			t.Errorf("version %q accepted", v)
		}
	}
}

func TestVersionInPath(t *testing.T) {
	for path, want := range map[string]string{
		"/opt/gopath/pkg/mod/github.com/gomlx/gomlx@v0.26.0/pkg/core/graph/ops.go": "v0.26.0", // a module cache
		"github.com/gomlx/gomlx@v0.28.2/graph/ops.go":                              "v0.28.2", // -trimpath
		"/srv/src/gomlx/pkg/core/graph/ops.go":                                     "",        // a local replace
		"":                                                                         "",
	} {
		if got := versionInPath(path); got != want {
			t.Errorf("versionInPath(%q) = %q, want %q", path, got, want)
		}
	}
}
