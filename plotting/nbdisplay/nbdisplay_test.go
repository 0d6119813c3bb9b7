// SPDX-License-Identifier: Apache-2.0

package nbdisplay_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/plotting"
	"github.com/parachute-surv/goparachute/plotting/nbdisplay"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Outside a kernel the display calls do nothing, and the files are still
// written where $PARACHUTE_FIGURES says.
func TestShowSavesOutsideANotebook(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PARACHUTE_FIGURES", dir)
	paths, err := nbdisplay.Show(plotting.Single(plot.New(), 2*vg.Inch, 2*vg.Inch), "empty")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"empty.png", "empty.svg"} {
		if paths[i] != filepath.Join(dir, name) {
			t.Errorf("path %q, want %q", paths[i], filepath.Join(dir, name))
		}
		if _, err := os.Stat(paths[i]); err != nil {
			t.Error(err)
		}
	}
	path, err := nbdisplay.ShowTable("| a |\n| --- |\n| 1 |\n", "table")
	if err != nil {
		t.Fatal(err)
	}
	if raw, err := os.ReadFile(path); err != nil || string(raw) != "| a |\n| --- |\n| 1 |\n" {
		t.Errorf("table file: %q, %v", raw, err)
	}
}
