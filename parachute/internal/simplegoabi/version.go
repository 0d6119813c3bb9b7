// SPDX-License-Identifier: Apache-2.0

package simplegoabi

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// SupportedGoMLX is the GoMLX version whose internals every GoMLX override
// of the project (packages fastgrad, blasdot, fastops, and this one) was
// written against and verified on.
const SupportedGoMLX = "v0.26.0"

// linkedOverride, when set at link time
// (go build -ldflags "-X github.com/parachute-surv/goparachute/parachute/internal/simplegoabi.linkedOverride=v0.27.0"),
// is reported as the linked GoMLX version: the test that a binary of
// another GoMLX version runs, with its overrides off, builds one so.
var linkedOverride string

// LinkedGoMLXVersion returns the GoMLX module version linked into the
// binary: from the build information when the binary carries it, else (test
// binaries carry no dependency list) from the module-cache path of a GoMLX
// function's source, …/github.com/gomlx/gomlx@v0.26.0/…. It is "" when
// neither tells, as for GoMLX replaced by a local folder; the overrides of
// GoMLX internals stay off then.
func LinkedGoMLXVersion() string {
	if linkedOverride != "" {
		return linkedOverride
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/gomlx/gomlx" {
				if dep.Replace != nil {
					return dep.Replace.Version
				}
				return dep.Version
			}
		}
	}
	pc := reflect.ValueOf(graph.Add).Pointer()
	file, _ := runtime.FuncForPC(pc).FileLine(pc)
	return versionInPath(file)
}

// versionInPath returns the version in a module-cache path of GoMLX
// (…/github.com/gomlx/gomlx@VERSION/…), or "".
func versionInPath(file string) string {
	const mod = "github.com/gomlx/gomlx@"
	i := strings.LastIndex(file, mod)
	if i < 0 {
		return ""
	}
	v, _, ok := strings.Cut(file[i+len(mod):], "/")
	if !ok {
		return ""
	}
	return v
}

// CheckGoMLXVersion returns nil for [SupportedGoMLX] and an error naming the
// version otherwise, including an unknown ("") one.
func CheckGoMLXVersion(v string) error {
	switch v {
	case SupportedGoMLX:
		return nil
	case "":
		return fmt.Errorf("cannot tell which GoMLX version is linked (no build information, or GoMLX replaced by a local folder); the override is verified on %s only", SupportedGoMLX)
	}
	return fmt.Errorf("GoMLX %s is not %s, whose internals the override was verified on", v, SupportedGoMLX)
}
