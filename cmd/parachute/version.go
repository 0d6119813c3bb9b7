// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/parachute-surv/goparachute/parachute/backend"
)

// versionInfo is what "parachute --version" prints: the module's version
// (a tag, or "(devel)" for a build from a checkout), the commit and whether
// the working tree had changes (from the VCS stamp Go records in binaries
// built inside a repository; absent under "go run" and -buildvcs=false), the
// GoMLX version the binary links, the Go version, and the backend this
// process would select (GOMLX_BACKEND or the default) and why.
type versionInfo struct {
	Module, Commit, GoMLX, Go, Backend string
	Modified                           bool
}

func buildVersion() versionInfo {
	v := versionInfo{Module: "unknown", Commit: "unknown (not recorded in this build)", GoMLX: "unknown", Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Module = bi.Main.Path + " " + bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/gomlx/gomlx" {
				v.GoMLX = d.Version
			}
		}
	}
	sel := backend.Choose()
	v.Backend = fmt.Sprintf("%s (from %s)", sel.Config, sel.Reason)
	return v
}

func printVersion(w io.Writer) {
	v := buildVersion()
	commit := v.Commit
	if v.Modified {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(w, "parachute: %s\ncommit:    %s\ngomlx:     %s\ngo:        %s\nbackend:   %s\n", v.Module, commit, v.GoMLX, v.Go, v.Backend)
}
